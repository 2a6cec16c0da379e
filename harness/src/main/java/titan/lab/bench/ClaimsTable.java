package titan.lab.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The original write-up's table (78K req/s and p99 5 ms over binary TCP, 45K req/s and p99 12 ms over
 * HTTP/JSON, CPU 35% vs 65%) filled with one run's figures, with etcd's beside them when it ran: the
 * same rows for {@code report.html} and for the summary printed at the end of {@code titan-lab bench}.
 * The write-up does not say at which load its p99 and CPU were taken; here p99 is from the open loop
 * nearest half the maximum, CPU from the closed loop (all nodes, % of the machine).
 */
final class ClaimsTable {
    /** One row: a figure, then per column its text; {@code met} per column: null (no claim), true, false. */
    record Row(String figure, List<String> cells, List<Boolean> met) {}

    private ClaimsTable() {
    }

    static List<String> header(BenchResult r) {
        List<String> h = new ArrayList<>(List.of("figure", "TCP claimed", "TCP measured", "HTTP claimed", "HTTP measured"));
        if (r.protocols().containsKey("etcd")) {
            h.add("etcd JSON gateway");
        }
        return h;
    }

    static List<Row> rows(BenchResult r) {
        boolean etcd = r.protocols().containsKey("etcd");
        int cores = r.machine().cores();
        List<Row> rows = new ArrayList<>();
        rows.add(row(r, etcd, "max throughput (req/s)", "maxThroughputOpsPerSecond", true,
                p -> p.closedLoop().throughput(), v -> fmt(v, 0)));
        rows.add(text(r, etcd, "max found at", p -> p.maxAt() == null ? "-" : p.maxAt().toString()));
        rows.add(row(r, etcd, "p50 at ~half of max (ms)", null, false, p -> half(p, 50), v -> fmt(v, 2)));
        rows.add(row(r, etcd, "p99 at ~half of max (ms)", "p99Millis", false, p -> half(p, 99), v -> fmt(v, 2)));
        rows.add(row(r, etcd, "p99.9 at ~half of max (ms)", null, false, p -> half(p, 99.9), v -> fmt(v, 2)));
        rows.add(row(r, etcd, "CPU at max, all nodes (% of machine)", "cpuPercent", false,
                p -> p.closedLoop().cpuPercent().isEmpty() ? Double.NaN : p.closedLoop().cpuPercentTotal() / cores,
                v -> fmt(v, 0)));
        rows.add(row(r, etcd, "node CPU per request at max, all nodes (us)", null, false,
                p -> p.closedLoop().cpuPercent().isEmpty() || p.closedLoop().throughput() <= 0 ? Double.NaN
                        : p.closedLoop().cpuPercentTotal() / 100 * 1e6 / p.closedLoop().throughput(),
                v -> fmt(v, 0)));
        rows.add(row(r, etcd, "generator CPU at max (% of one core)", null, false,
                p -> p.closedLoop().generatorCpuPercent(), v -> fmt(v, 0)));
        rows.add(row(r, etcd, "generator send lag p99 at ~half (ms)", null, false,
                p -> { BenchResult.OpenPhase h = BenchOutput.nearHalf(p.openLoop());
                       return h == null ? Double.NaN : h.result().sendLagMillisAt(99); }, v -> fmt(v, 2)));
        return rows;
    }

    private static double half(BenchResult.ProtocolResult p, double percentile) {
        BenchResult.OpenPhase h = BenchOutput.nearHalf(p.openLoop());
        return h == null ? Double.NaN : h.result().latencyMillisAt(percentile);
    }

    private interface Measure {
        double of(BenchResult.ProtocolResult p);
    }

    private interface Format {
        String of(double v);
    }

    private interface Text {
        String of(BenchResult.ProtocolResult p);
    }

    private static Row row(BenchResult r, boolean etcd, String figure, String claimKey, boolean higherBetter,
                           Measure measure, Format format) {
        List<String> cells = new ArrayList<>();
        List<Boolean> met = new ArrayList<>();
        for (String protocol : List.of("tcp", "http")) {
            Map<String, Double> claims = BenchOutput.CLAIMS.get(protocol);
            Double claim = claimKey == null ? null : claims.get(claimKey);
            cells.add(claim == null ? "" : fmt(claim, 0));
            met.add(null);
            BenchResult.ProtocolResult p = r.protocols().get(protocol);
            double v = p == null ? Double.NaN : measure.of(p);
            cells.add(p == null ? "not run" : format.of(v));
            met.add(claim == null || Double.isNaN(v) ? null : higherBetter ? v >= claim : v <= claim);
        }
        if (etcd) {
            cells.add(format.of(measure.of(r.protocols().get("etcd"))));
            met.add(null);
        }
        return new Row(figure, cells, met);
    }

    private static Row text(BenchResult r, boolean etcd, String figure, Text text) {
        List<String> cells = new ArrayList<>();
        List<Boolean> met = new ArrayList<>();
        for (String protocol : etcd ? List.of("tcp", "http", "etcd") : List.of("tcp", "http")) {
            if (!protocol.equals("etcd")) {
                cells.add("");
                met.add(null);
            }
            BenchResult.ProtocolResult p = r.protocols().get(protocol);
            cells.add(p == null ? "not run" : text.of(p));
            met.add(null);
        }
        return new Row(figure, cells, met);
    }

    static String fmt(double v, int decimals) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    /** The table as text, with "(met)"/"(missed)" after measured figures that have a claim. */
    static void print(PrintWriter o, BenchResult r) {
        List<String> header = header(r);
        List<List<String>> lines = new ArrayList<>();
        lines.add(header);
        for (Row row : rows(r)) {
            List<String> line = new ArrayList<>();
            line.add(row.figure());
            for (int i = 0; i < row.cells().size(); i++) {
                Boolean met = row.met().get(i);
                line.add(row.cells().get(i) + (met == null ? "" : met ? " (met)" : " (missed)"));
            }
            lines.add(line);
        }
        int[] widths = new int[header.size()];
        for (List<String> line : lines) {
            for (int i = 0; i < line.size(); i++) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        for (List<String> line : lines) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < line.size(); i++) {
                String cell = line.get(i);
                String pad = " ".repeat(widths[i] - cell.length());
                b.append(i == 0 ? cell + pad : "  " + pad + cell);
            }
            o.println(b.toString().stripTrailing());
        }
    }
}
