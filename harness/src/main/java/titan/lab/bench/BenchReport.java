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
        row(b, "load", String.format(Locale.ROOT, "%d connections per protocol, %d pipelined per TCP connection; "
                        + "%ds warm-up (not recorded) + %ds measured per phase; open loop at %s of each maximum",
                s.connections(), s.pipeline(), s.warmup().toSeconds(), s.duration().toSeconds(), s.rateFractions()));
        b.append("</table>");
    }

    private static void row(StringBuilder b, String name, String value) {
        b.append("<tr><th>").append(SvgChart.esc(name)).append("</th><td style='text-align:left'>")
                .append(SvgChart.esc(value)).append("</td></tr>");
    }

    private static void claims(StringBuilder b, BenchResult r) {
        b.append("<h2>The original claims, measured</h2><table><tr><th>figure</th><th>claimed</th><th>measured</th>"
                + "<th>met</th></tr>");
        for (String protocol : List.of("tcp", "http")) {
            BenchResult.ProtocolResult p = r.protocols().get(protocol);
            Map<String, Double> claim = BenchOutput.CLAIMS.get(protocol);
            String name = protocol.equals("tcp") ? "binary TCP" : "HTTP/JSON";
            if (p == null) {
                b.append("<tr><td>").append(name).append("</td><td colspan='3'>not run</td></tr>");
                continue;
            }
            double tput = p.closedLoop().throughput();
            claimRow(b, name + " max throughput", fmt(claim.get("maxThroughputOpsPerSecond"), "req/s"), fmt(tput, "req/s"),
                    tput >= claim.get("maxThroughputOpsPerSecond"));
            BenchResult.OpenPhase half = BenchOutput.nearHalf(p.openLoop());
            if (half != null) {
                double p99 = half.result().latencyMillisAt(99);
                claimRow(b, String.format(Locale.ROOT, "%s p99 (open loop at %.2f of max)", name, half.fraction()),
                        fmt(claim.get("p99Millis"), "ms"), fmt(p99, "ms"), p99 <= claim.get("p99Millis"));
            }
            if (!p.closedLoop().cpuPercent().isEmpty()) {
                double cpu = p.closedLoop().cpuPercentTotal() / r.machine().cores();
                claimRow(b, name + " CPU at max throughput (all nodes, % of machine)", fmt(claim.get("cpuPercent"), "%"),
                        fmt(cpu, "%"), cpu <= claim.get("cpuPercent"));
            }
        }
        b.append("</table><p class='note'>Claimed: Titan's write-up (78K req/s and p99 5 ms over binary TCP, 45K req/s "
                + "and p99 12 ms over HTTP/JSON, CPU 35% vs 65%). The write-up does not say at which load its p99 "
                + "and CPU were taken; here p99 is from the open loop nearest half the maximum and CPU from the "
                + "closed loop.</p>");
    }

    private static void claimRow(StringBuilder b, String figure, String claimed, String measured, boolean met) {
        b.append("<tr><td>").append(SvgChart.esc(figure)).append("</td><td>").append(claimed).append("</td><td>")
                .append(measured).append("</td><td class='").append(met ? "met'>yes" : "miss'>no").append("</td></tr>");
    }

    private static String spectrum(BenchResult r) {
        List<SvgChart.Series> series = new ArrayList<>();
        r.protocols().forEach((protocol, p) -> {
            String[] colors = protocol.equals("tcp") ? TCP_COLORS : HTTP_COLORS;
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
            colors.add(protocol.equals("tcp") ? TCP_COLORS[1] : HTTP_COLORS[1]);
            for (BenchResult.OpenPhase o : p.openLoop()) {
                labels.add(String.format(Locale.ROOT, "%s %.2f", protocol, o.fraction()));
                values.add(o.result().throughput());
                colors.add(protocol.equals("tcp") ? TCP_COLORS[3] : HTTP_COLORS[3]);
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
            colors.add(protocol.equals("tcp") ? TCP_COLORS[1] : HTTP_COLORS[1]);
            for (BenchResult.OpenPhase o : p.openLoop()) {
                labels.add(String.format(Locale.ROOT, "%s %.2f", protocol, o.fraction()));
                values.add(o.result().cpuPercentTotal() / r.machine().cores());
                colors.add(protocol.equals("tcp") ? TCP_COLORS[3] : HTTP_COLORS[3]);
            }
        });
        return SvgChart.bars("CPU of all nodes (% of the machine)", "%", labels, values, colors);
    }

    private static String overTime(String protocol, BenchResult.ProtocolResult p) {
        String[] colors = protocol.equals("tcp") ? TCP_COLORS : HTTP_COLORS;
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
                + "<th>files</th></tr>");
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
                .append("</td><td>").append(stem).append(".hgrm, .hlog</td></tr>");
    }

    private static String fmt(double v, String unit) {
        String n = Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3g", v);
        return unit.isEmpty() ? n : n + " " + unit;
    }
}
