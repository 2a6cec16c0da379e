package titan.lab.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import titan.checker.history.Operation;

/**
 * The latency of every drawn operation over test time: one dot per operation at its call time,
 * height on a log scale, coloured by outcome, over the shaded fault spans; operations the checker
 * flagged get a ring and a label. The dots of one outcome are one SVG path of zero-length
 * segments with round caps, about 14 bytes a dot, so thousands of dots stay light to load and draw.
 */
final class LatencyChart {
    static final int PLOT_HEIGHT = 340;
    static final String[] COLOURS = {"#1c7ed6", "#d6336c", "#f59f00"}; // ok, fail, info (OperationStats.Outcome order)

    private LatencyChart() {}

    static String render(TimeFrame frame, ScatterSample sample, List<Operation> flagged) {
        double minMs = Double.MAX_VALUE;
        double maxMs = 0;
        for (OperationStats.Outcome outcome : OperationStats.Outcome.values()) {
            for (Operation op : sample.shown(outcome)) {
                double ms = OperationStats.latencyNanos(op) / 1e6;
                minMs = Math.min(minMs, ms);
                maxMs = Math.max(maxMs, ms);
            }
        }
        if (maxMs == 0) {
            minMs = 0.1;
            maxMs = 10;
        }
        double lowMs = Math.pow(10, Math.floor(Math.log10(Math.max(0.001, minMs))));
        double highMs = Math.pow(10, Math.ceil(Math.log10(Math.max(maxMs, lowMs * 10))));
        if (highMs <= maxMs) {
            highMs *= 10;
        }
        double top = 10 + frame.labelsHeight();
        int height = (int) (top + PLOT_HEIGHT + 40);
        LogScale y = new LogScale(lowMs, highMs, top, PLOT_HEIGHT);

        StringBuilder svg = new StringBuilder(64 * 1024);
        svg.append("<svg class=\"chart latency\" role=\"img\" aria-label=\"latency of each operation over time\" ")
                .append("viewBox=\"0 0 ").append(TimeFrame.WIDTH).append(' ').append(height).append("\" width=\"")
                .append(TimeFrame.WIDTH).append("\" height=\"").append(height).append("\">");
        svg.append("<rect class=\"plot\" x=\"").append(TimeFrame.LEFT).append("\" y=\"").append(Html.px(top))
                .append("\" width=\"").append(Html.px(frame.plotWidth())).append("\" height=\"").append(PLOT_HEIGHT)
                .append("\"/>");
        frame.timeAxis(svg, top, PLOT_HEIGHT);
        latencyAxis(svg, y, top);
        frame.faults(svg, top, PLOT_HEIGHT);
        for (OperationStats.Outcome outcome : OperationStats.Outcome.values()) {
            List<Operation> ops = sample.shown(outcome);
            if (ops.isEmpty()) {
                continue;
            }
            String name = outcome.name().toLowerCase(Locale.ROOT);
            svg.append("<path class=\"dots ").append(name).append("\" data-outcome=\"").append(name)
                    .append("\" stroke=\"").append(COLOURS[outcome.ordinal()]).append("\" d=\"");
            for (Operation op : ops) {
                svg.append('M').append(Html.px(frame.x(op.callTimeNanos()))).append(' ')
                        .append(Html.px(y.y(OperationStats.latencyNanos(op) / 1e6))).append("h0");
            }
            svg.append("\"/>");
        }
        for (Operation op : flagged) {
            long latency = OperationStats.latencyNanos(op);
            double x = frame.x(Math.max(0, op.callTimeNanos()));
            double yy = latency < 0 ? top + 8 : y.y(latency / 1e6);
            svg.append("<g class=\"flagged\"><title>").append(Html.show(op.describe(), 300))
                    .append(latency < 0 ? " (no completion time)" : String.format(Locale.ROOT, " (%.3f ms)", latency / 1e6))
                    .append("</title><line x1=\"").append(Html.px(x)).append("\" x2=\"").append(Html.px(x))
                    .append("\" y1=\"").append(Html.px(top)).append("\" y2=\"").append(Html.px(top + PLOT_HEIGHT))
                    .append("\"/><circle cx=\"").append(Html.px(x)).append("\" cy=\"").append(Html.px(yy))
                    .append("\" r=\"7\"/><text x=\"").append(Html.px(Math.min(x + 10, TimeFrame.WIDTH - 150)))
                    .append("\" y=\"").append(Html.px(Math.max(top + 12, yy - 8))).append("\">")
                    .append(Html.show(op.describe(), 40)).append("</text></g>");
        }
        svg.append("</svg>");
        return svg.toString();
    }

    private static void latencyAxis(StringBuilder svg, LogScale y, double top) {
        svg.append("<g class=\"axis y\">");
        for (double ms = y.lowMs; ms <= y.highMs * 1.0001; ms *= 10) {
            double yy = y.y(ms);
            svg.append("<line class=\"grid\" x1=\"").append(TimeFrame.LEFT).append("\" x2=\"")
                    .append(TimeFrame.WIDTH - TimeFrame.RIGHT).append("\" y1=\"").append(Html.px(yy)).append("\" y2=\"")
                    .append(Html.px(yy)).append("\"/><text x=\"").append(TimeFrame.LEFT - 6).append("\" y=\"")
                    .append(Html.px(yy + 4)).append("\" text-anchor=\"end\">").append(label(ms)).append("</text>");
        }
        svg.append("<text class=\"title\" transform=\"rotate(-90)\" x=\"").append(Html.px(-(top + PLOT_HEIGHT / 2.0)))
                .append("\" y=\"16\" text-anchor=\"middle\">latency (ms, log scale)</text></g>");
    }

    private static String label(double ms) {
        if (ms >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", ms);
        }
        return ms >= 1 ? String.format(Locale.ROOT, "%.0f", ms) : String.format(Locale.ROOT, "%s", trim(ms));
    }

    private static String trim(double ms) {
        String text = String.format(Locale.ROOT, "%.3f", ms);
        return text.replaceAll("0+$", "");
    }

    /** Legend entries: the outcome colours and, when there are faults, one swatch per fault name. */
    static String legend(ScatterSample sample, Map<String, String> faultColours) {
        StringBuilder html = new StringBuilder("<ul class=\"legend\">");
        for (OperationStats.Outcome outcome : OperationStats.Outcome.values()) {
            String name = outcome.name().toLowerCase(Locale.ROOT);
            html.append("<li><button type=\"button\" class=\"toggle\" data-outcome=\"").append(name)
                    .append("\" aria-pressed=\"true\"><span class=\"swatch dot\" style=\"background:")
                    .append(COLOURS[outcome.ordinal()]).append("\"></span>").append(name).append(" <span class=\"aside\">")
                    .append(Html.count(sample.shown(outcome).size())).append(" of ")
                    .append(Html.count(sample.timed(outcome))).append("</span></button></li>");
        }
        faultColours.forEach((fault, colour) -> html.append("<li><span class=\"swatch band\" style=\"background:")
                .append(colour).append("\"></span>").append(Html.show(fault, 40)).append("</li>"));
        return html.append("</ul>").toString();
    }

    /** Milliseconds to a y coordinate, logarithmically, larger values higher. */
    private record LogScale(double lowMs, double highMs, double top, double height) {
        double y(double ms) {
            double clamped = Math.max(lowMs, Math.min(highMs, ms));
            double f = (Math.log10(clamped) - Math.log10(lowMs)) / (Math.log10(highMs) - Math.log10(lowMs));
            return top + height - f * height;
        }
    }
}
