package titan.lab.report;

import java.util.List;
import java.util.Locale;
import titan.checker.history.Event;
import titan.checker.history.Operation;

/**
 * Completed operations per second over test time, one step line per outcome, over the shaded
 * fault spans. Buckets are one second long, or longer (a round step) when the test runs past five
 * minutes, so there are at most {@link #BUCKETS_MAX}; the last bucket runs to the test's end (a
 * stretch shorter than half a bucket joins the one before it) and is divided by its own length.
 */
final class ThroughputChart {
    static final int PLOT_HEIGHT = 200;
    static final int BUCKETS_MAX = 300;

    private ThroughputChart() {}

    /** The bucket length in seconds for a test of {@code spanNanos}. */
    static double bucketSeconds(long spanNanos) {
        double span = spanNanos / 1e9;
        return span <= BUCKETS_MAX ? 1 : TimeFrame.niceStep(span, BUCKETS_MAX);
    }

    static String render(TimeFrame frame, List<Operation> operations) {
        double bucketSeconds = bucketSeconds(frame.spanNanos());
        long bucketNanos = Math.round(bucketSeconds * 1e9);
        int buckets = (int) Math.max(1, (frame.spanNanos() + bucketNanos - 1) / bucketNanos);
        if (buckets > 1 && frame.spanNanos() - (long) (buckets - 1) * bucketNanos < bucketNanos / 2) {
            buckets--; // a short last stretch joins the bucket before it rather than plot a noisy sliver
        }
        long[][] counts = new long[OperationStats.Outcome.values().length][buckets];
        for (Operation op : operations) {
            if (op.completionIndex() < 0 || op.completionTimeNanos() == Event.TIME_UNKNOWN) {
                continue;
            }
            int bucket = (int) Math.min(buckets - 1, Math.max(0, op.completionTimeNanos() / bucketNanos));
            counts[OperationStats.outcome(op).ordinal()][bucket]++;
        }
        double[][] rates = new double[counts.length][buckets];
        double maxRate = 0;
        for (int o = 0; o < counts.length; o++) {
            for (int b = 0; b < buckets; b++) {
                long covered = b == buckets - 1 ? frame.spanNanos() - (long) b * bucketNanos : bucketNanos;
                rates[o][b] = counts[o][b] / (Math.max(covered, bucketNanos / 2) / 1e9);
                maxRate = Math.max(maxRate, rates[o][b]);
            }
        }
        double step = TimeFrame.niceStep(Math.max(1, maxRate), 5);
        double top = 10 + frame.labelsHeight();
        double yMax = Math.max(step, Math.ceil(maxRate / step) * step);
        int height = (int) (top + PLOT_HEIGHT + 40);

        StringBuilder svg = new StringBuilder(16 * 1024);
        svg.append("<svg class=\"chart throughput\" role=\"img\" aria-label=\"throughput over time\" viewBox=\"0 0 ")
                .append(TimeFrame.WIDTH).append(' ').append(height).append("\" width=\"").append(TimeFrame.WIDTH)
                .append("\" height=\"").append(height).append("\">");
        svg.append("<rect class=\"plot\" x=\"").append(TimeFrame.LEFT).append("\" y=\"").append(Html.px(top))
                .append("\" width=\"").append(Html.px(frame.plotWidth())).append("\" height=\"").append(PLOT_HEIGHT)
                .append("\"/>");
        frame.timeAxis(svg, top, PLOT_HEIGHT);
        svg.append("<g class=\"axis y\">");
        for (double v = 0; v <= yMax * 1.0001; v += step) {
            double y = top + PLOT_HEIGHT - v / yMax * PLOT_HEIGHT;
            svg.append("<line class=\"grid\" x1=\"").append(TimeFrame.LEFT).append("\" x2=\"")
                    .append(TimeFrame.WIDTH - TimeFrame.RIGHT).append("\" y1=\"").append(Html.px(y)).append("\" y2=\"")
                    .append(Html.px(y)).append("\"/><text x=\"").append(TimeFrame.LEFT - 6).append("\" y=\"")
                    .append(Html.px(y + 4)).append("\" text-anchor=\"end\">")
                    .append(String.format(Locale.ROOT, step >= 1 ? "%,.0f" : "%.1f", v)).append("</text>");
        }
        svg.append("<text class=\"title\" transform=\"rotate(-90)\" x=\"").append(Html.px(-(top + PLOT_HEIGHT / 2.0)))
                .append("\" y=\"16\" text-anchor=\"middle\">ops/s</text></g>");
        frame.faults(svg, top, PLOT_HEIGHT);
        for (OperationStats.Outcome outcome : OperationStats.Outcome.values()) {
            double[] series = rates[outcome.ordinal()];
            if (java.util.Arrays.stream(counts[outcome.ordinal()]).sum() == 0) {
                continue;
            }
            svg.append("<path class=\"rate ").append(outcome.name().toLowerCase(Locale.ROOT)).append("\" stroke=\"")
                    .append(LatencyChart.COLOURS[outcome.ordinal()]).append("\" d=\"");
            for (int b = 0; b < buckets; b++) {
                double x0 = frame.x((long) b * bucketNanos);
                double x1 = frame.x(b == buckets - 1 ? frame.spanNanos() : (long) (b + 1) * bucketNanos);
                double y = top + PLOT_HEIGHT - series[b] / yMax * PLOT_HEIGHT;
                svg.append(b == 0 ? 'M' : 'L').append(Html.px(x0)).append(' ').append(Html.px(y))
                        .append('H').append(Html.px(x1));
            }
            svg.append("\"/>");
        }
        svg.append("</svg>");
        return svg.toString();
    }
}
