package titan.lab.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * {@code report.html}: one self-contained page (inline SVG and CSS, no scripts, no network) with the
 * original write-up's claims filled in with this run's figures, the latency percentile spectrum on
 * a log scale (x = 1/(1-percentile), as HdrHistogram's plotter draws it), maximum throughput and
 * CPU side by side, p99 latency over time for every phase, and every phase's figures.
 */
public final class BenchReport {
    private static final String[] TCP_COLORS = {"#0b2a5c", "#1f4e9c", "#3b7dd8", "#7fb0f0", "#a9cbf5"};
    private static final String[] HTTP_COLORS = {"#6e2d0b", "#b3541e", "#e07b39", "#f2b27f", "#f7d0ad"};
    private static final String[] ETCD_COLORS = {"#1d4d1f", "#2e7d32", "#4caf50", "#91d095", "#c3e6c5"};
    private static final double SPECTRUM_X_MAX = 6; // 99.9999%

    private BenchReport() {
    }

    public static String html(BenchResult r) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Titan load benchmark</title><style>")
                .append("body{font-family:sans-serif;margin:24px;max-width:1200px;color:#222}")
                .append("table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:3px 8px;")
                .append("text-align:right;font-size:13px}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}")
                .append(".row{display:flex;flex-wrap:wrap;gap:16px}.met{color:#17692b}.miss{color:#a31515}")
                .append("p.note{font-size:13px;color:#555;max-width:900px}</style></head><body>");
        b.append("<h1>Titan load benchmark</h1>");
        settings(b, r);
        claims(b, r);
        b.append("<h2>Latency by percentile</h2><p class='note'>Open-loop latency is measured from each request's "
                + "intended send time, so time spent queued behind a stall counts (coordinated omission corrected, as "
                + "wrk2 does). The dashed closed-loop line is measured from the actual send and understates the tail.</p>");
        b.append("<div class='row'>").append(spectrum(r)).append("</div>");
        b.append("<h2>Throughput and CPU</h2><div class='row'>").append(throughputBars(r)).append(cpuBars(r)).append("</div>");
        b.append("<h2>p99 latency over time</h2><div class='row'>");
        r.protocols().forEach((protocol, p) -> b.append(overTime(protocol, p)));
        b.append("</div>");
        phases(b, r);
        return b.append("</body></html>\n").toString();
    }

    private static void settings(StringBuilder b, BenchResult r) {
        BenchSettings s = r.settings();
        BenchResult.Machine m = r.machine();
        b.append("<table>");
        row(b, "started", r.startedAt().toString());
        row(b, "machine", m.cores() + " cores, " + m.cpuModel() + "; " + m.os() + "; " + m.java() + "; commit " + m.commit());
        row(b, "cluster", s.nodes() + " nodes, runtime " + s.runtime() + (s.fsync() ? ", fsync on" : ", fsync OFF"));
        row(b, "workload", s.mix() + ", " + s.keys() + " keys, " + s.valueBytes() + " B values");
        row(b, "load", String.format(Locale.ROOT, "up to %d HTTP connections (%s), up to %d TCP "
                        + "connections x %d pipelined; %s; %ds warm-up (not recorded) + %ds measured per phase; open loop "
                        + "at %s of each maximum", s.httpConnections(), s.httpPipeline() == 1 ? "one request in flight each"
                        : s.httpPipeline() + " pipelined requests in flight each", s.tcpConnections(), s.pipeline(),
                s.search().on() ? String.format(Locale.ROOT, "the maximum searched with %ds steps (+%ds warm-up) of "
                        + "doubling concurrency", s.search().step().toSeconds(), s.search().warmup().toSeconds())
                        : "the maximum measured at the full setting (no search)",
                s.warmup().toSeconds(), s.duration().toSeconds(), s.rateFractions()));
        row(b, "cluster warm-up", s.clusterWarmup().toSeconds() + " s of unrecorded load of each protocol before "
                + "its first phase");
        if (!s.compare().isEmpty()) {
            row(b, "compared with", "etcd (3 members on loopback, fsync on) through its v3 JSON gateway, "
                    + "with the HTTP load (same keys, values, mix and connections), after Titan's cluster was stopped");
        }
        b.append("</table>");
    }

    private static void row(StringBuilder b, String name, String value) {
        b.append("<tr><th>").append(SvgChart.esc(name)).append("</th><td style='text-align:left'>")
                .append(SvgChart.esc(value)).append("</td></tr>");
    }

    private static void claims(StringBuilder b, BenchResult r) {
        b.append("<h2>The original claims, measured</h2><table><tr>");
        ClaimsTable.header(r).forEach(h -> b.append("<th>").append(SvgChart.esc(h)).append("</th>"));
        b.append("</tr>");
        for (ClaimsTable.Row row : ClaimsTable.rows(r)) {
            b.append("<tr><td>").append(SvgChart.esc(row.figure())).append("</td>");
            for (int i = 0; i < row.cells().size(); i++) {
                Boolean met = row.met().get(i);
                b.append(met == null ? "<td>" : met ? "<td class='met'>" : "<td class='miss'>")
                        .append(SvgChart.esc(row.cells().get(i))).append(met == null ? "" : met ? " (met)" : " (missed)")
                        .append("</td>");
            }
            b.append("</tr>");
        }
        b.append("</table><p class='note'>Claimed: Titan's write-up (78K req/s and p99 5 ms over binary TCP, 45K req/s "
                + "and p99 12 ms over HTTP/JSON, CPU 35% vs 65%). The write-up does not say at which load its p99 "
                + "and CPU were taken; here p99 is from the open loop nearest half the maximum and CPU from the "
                + "closed loop. The generator rows show whether the load generator kept up: its own CPU (client I/O "
                + "and driving threads) and how late it sent against its open-loop schedule.</p>");
        searchTable(b, r);
    }

    private static void searchTable(StringBuilder b, BenchResult r) {
        boolean any = r.protocols().values().stream().anyMatch(p -> !p.search().isEmpty());
        if (!any) {
            return;
        }
        b.append("<h2>The search for each maximum</h2><table><tr><th>protocol</th><th>setting</th><th>in flight</th>"
                + "<th>req/s</th><th>p99 ms</th></tr>");
        r.protocols().forEach((protocol, p) -> p.search().forEach(step -> b.append("<tr><td>").append(protocol)
                .append("</td><td>").append(SvgChart.esc(step.setting().toString()))
                .append(step.setting().equals(p.maxAt()) ? " (max)" : "").append("</td><td>")
                .append(step.setting().inFlight()).append("</td><td>").append(fmt(step.throughput(), ""))
                .append("</td><td>").append(fmt(step.p99Millis(), "")).append("</td></tr>")));
        b.append("</table>");
    }

    private static String[] colors(String protocol) {
        return switch (protocol) {
            case "tcp" -> TCP_COLORS;
            case "http" -> HTTP_COLORS;
            default -> ETCD_COLORS;
        };
    }

    private static String spectrum(BenchResult r) {
        List<SvgChart.Series> series = new ArrayList<>();
        r.protocols().forEach((protocol, p) -> {
            String[] colors = colors(protocol);
            for (int i = 0; i < p.openLoop().size(); i++) {
                BenchResult.OpenPhase o = p.openLoop().get(i);
                series.add(new SvgChart.Series(String.format(Locale.ROOT, "%s open %.2f of max (%.0f/s)", protocol,
                        o.fraction(), o.result().targetRate()), colors[(i + 1) % colors.length], false,
                        spectrumPoints(o.result().latency())));
            }
            series.add(new SvgChart.Series(protocol + " closed loop (uncorrected)", colors[0], true,
                    spectrumPoints(p.closedLoop().latency())));
        });
        List<SvgChart.Tick> ticks = List.of(new SvgChart.Tick(0, "0%"), new SvgChart.Tick(1, "90%"),
                new SvgChart.Tick(2, "99%"), new SvgChart.Tick(3, "99.9%"), new SvgChart.Tick(4, "99.99%"),
                new SvgChart.Tick(5, "99.999%"), new SvgChart.Tick(6, "99.9999%"));
        return SvgChart.line("Latency by percentile", "percentile (log scale of 1/(1-p))", "latency (ms)", series, ticks);
    }

    /** (log10(1/(1-p)), ms) along the histogram's percentile iteration, as HdrHistogram's plotter draws it. */
    static List<double[]> spectrumPoints(Histogram micros) {
        List<double[]> points = new ArrayList<>();
        if (micros.getTotalCount() == 0) {
            return points;
        }
        for (HistogramIterationValue v : micros.percentiles(5)) {
            double fraction = v.getPercentileLevelIteratedTo() / 100.0;
            double x = fraction >= 1 ? SPECTRUM_X_MAX : Math.min(SPECTRUM_X_MAX, Math.log10(1 / (1 - fraction)));
            points.add(new double[] {x, micros.highestEquivalentValue(v.getValueIteratedTo()) / 1000.0});
            if (x >= SPECTRUM_X_MAX) {
                break;
            }
        }
        return points;
    }

    private static String throughputBars(BenchResult r) {
        List<String> labels = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        List<String> colors = new ArrayList<>();
        r.protocols().forEach((protocol, p) -> {
            labels.add(protocol + " max");
            values.add(p.closedLoop().throughput());
            colors.add(colors(protocol)[1]);
            for (BenchResult.OpenPhase o : p.openLoop()) {
                labels.add(String.format(Locale.ROOT, "%s %.2f", protocol, o.fraction()));
                values.add(o.result().throughput());
                colors.add(colors(protocol)[3]);
            }
        });
        return SvgChart.bars("Throughput (successful requests/s)", "req/s", labels, values, colors);
    }

    private static String cpuBars(BenchResult r) {
        List<String> labels = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        List<String> colors = new ArrayList<>();
        r.protocols().forEach((protocol, p) -> {
            labels.add(protocol + " max");
            values.add(p.closedLoop().cpuPercentTotal() / r.machine().cores());
            colors.add(colors(protocol)[1]);
            for (BenchResult.OpenPhase o : p.openLoop()) {
                labels.add(String.format(Locale.ROOT, "%s %.2f", protocol, o.fraction()));
                values.add(o.result().cpuPercentTotal() / r.machine().cores());
                colors.add(colors(protocol)[3]);
            }
        });
        return SvgChart.bars("CPU of all nodes (% of the machine)", "%", labels, values, colors);
    }

    private static String overTime(String protocol, BenchResult.ProtocolResult p) {
        String[] colors = colors(protocol);
        List<SvgChart.Series> series = new ArrayList<>();
        series.add(new SvgChart.Series("closed loop", colors[0], true, timePoints(p.closedLoop())));
        for (int i = 0; i < p.openLoop().size(); i++) {
            BenchResult.OpenPhase o = p.openLoop().get(i);
            series.add(new SvgChart.Series(String.format(Locale.ROOT, "open %.2f of max", o.fraction()),
                    colors[(i + 1) % colors.length], false, timePoints(o.result())));
        }
        return SvgChart.line(protocol + ": p99 per second", "seconds after the warm-up", "p99 latency (ms)", series, List.of());
    }

    private static List<double[]> timePoints(PhaseResult phase) {
        List<double[]> points = new ArrayList<>();
        for (IntervalPoint i : phase.intervals()) {
            if (i.count() > 0 && i.endSeconds() <= phase.measuredSeconds() + 1e-9) { // not the drain's remainder
                points.add(new double[] {i.endSeconds(), i.p99Millis()});
            }
        }
        return points;
    }

    private static void phases(StringBuilder b, BenchResult r) {
        b.append("<h2>Every phase</h2><table><tr><th>protocol</th><th>loop</th><th>in flight</th><th>target req/s</th>"
                + "<th>achieved req/s</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>p99.9 ms</th><th>max ms</th>"
                + "<th>ok</th><th>failed</th><th>indeterminate</th><th>unfinished</th><th>CPU % of machine</th>"
                + "<th>generator CPU % of a core</th><th>send lag p99 ms</th><th>files</th></tr>");
        r.protocols().forEach((protocol, p) -> {
            phaseRow(b, r, p.closedLoop(), BenchOutput.fileStem(protocol, null));
            p.openLoop().forEach(o -> phaseRow(b, r, o.result(), BenchOutput.fileStem(protocol, o.fraction())));
        });
        b.append("</table>");
    }

    private static void phaseRow(StringBuilder b, BenchResult r, PhaseResult p, String stem) {
        b.append("<tr><td>").append(p.protocol()).append("</td><td>").append(p.loop()).append("</td><td>")
                .append(p.concurrency()).append("</td><td>")
                .append(Double.isNaN(p.targetRate()) ? "-" : fmt(p.targetRate(), "")).append("</td><td>")
                .append(fmt(p.throughput(), "")).append("</td>");
        for (double pct : BenchOutput.PERCENTILES) {
            b.append("<td>").append(fmt(p.latencyMillisAt(pct), "")).append("</td>");
        }
        b.append("<td>").append(fmt(p.latency().getMaxValue() / 1000.0, "")).append("</td><td>").append(p.ok())
                .append("</td><td>").append(p.failed()).append("</td><td>").append(p.indeterminate()).append("</td><td>")
                .append(p.unfinished()).append("</td><td>")
                .append(p.cpuPercent().isEmpty() ? "-" : fmt(p.cpuPercentTotal() / r.machine().cores(), ""))
                .append("</td><td>").append(Double.isNaN(p.generatorCpuPercent()) ? "-" : fmt(p.generatorCpuPercent(), ""))
                .append("</td><td>").append(p.loop().equals("open") ? fmt(p.sendLagMillisAt(99), "") : "-")
                .append("</td><td>").append(stem).append(".hgrm, .hlog</td></tr>");
    }

    private static String fmt(double v, String unit) {
        String n = Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3g", v);
        return unit.isEmpty() ? n : n + " " + unit;
    }
}
