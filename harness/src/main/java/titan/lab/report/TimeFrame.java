package titan.lab.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The horizontal frame both time charts share: test time (0 to the test's end) across the plot,
 * time ticks at round steps, and the fault spans shaded as bands with their labels laid out in
 * lanes above the plot so no two labels overlap (a greedy interval colouring: each label takes the
 * first lane whose last label ends left of it).
 */
final class TimeFrame {
    static final int WIDTH = 1120;
    static final int LEFT = 70;
    static final int RIGHT = 18;
    static final int LANE_HEIGHT = 15;
    /** Beyond this many lanes labels are left out (the band keeps its tooltip and the table lists it). */
    static final int LANES_MAX = 6;
    private static final double CHAR_WIDTH_PX = 6.3;

    /** Fault colours, by first appearance of the fault's name; translucent bands over the points. */
    private static final String[] PALETTE = {"#7048e8", "#0c8599", "#e8590c", "#5c940d", "#c2255c", "#1864ab",
            "#862e9c", "#495057"};

    private final long spanNanos;
    private final List<FaultSpan> faults;
    private final int[] laneOf;
    private final double[] labelX;
    private final int lanes;
    private final Map<String, String> colours = new LinkedHashMap<>();

    TimeFrame(long endNanos, List<FaultSpan> faults) {
        this.spanNanos = Math.max(1, endNanos);
        this.faults = faults;
        this.laneOf = new int[faults.size()];
        this.labelX = new double[faults.size()];
        List<Double> laneEnds = new ArrayList<>();
        for (int i = 0; i < faults.size(); i++) {
            FaultSpan fault = faults.get(i);
            colours.computeIfAbsent(fault.label(), name -> PALETTE[colours.size() % PALETTE.length]);
            // A label starts at its band, or further left where it would run past the plot's right edge.
            double start = Math.max(LEFT, Math.min(x(fault.startNanos()) + 2, WIDTH - RIGHT - labelWidth(fault)));
            labelX[i] = start;
            double end = start + labelWidth(fault) + 6;
            int lane = 0;
            while (lane < laneEnds.size() && laneEnds.get(lane) > start) {
                lane++;
            }
            if (lane == laneEnds.size()) {
                laneEnds.add(end);
            } else {
                laneEnds.set(lane, end);
            }
            laneOf[i] = lane;
        }
        this.lanes = Math.min(LANES_MAX, laneEnds.size());
    }

    /** The label lane of fault {@code i} (in start order); lanes from {@link #LANES_MAX} on are not drawn. */
    int lane(int i) {
        return laneOf[i];
    }

    /** Where fault {@code i}'s label starts, in pixels. */
    double labelStart(int i) {
        return labelX[i];
    }

    /** Where fault {@code i}'s label ends, in pixels: its start plus its estimated text width. */
    double labelEnd(int i) {
        return labelX[i] + labelWidth(faults.get(i));
    }

    /** Height of the label lanes above a plot. */
    int labelsHeight() {
        return lanes == 0 ? 0 : lanes * LANE_HEIGHT + 4;
    }

    double plotWidth() {
        return WIDTH - LEFT - RIGHT;
    }

    double x(long nanos) {
        return LEFT + plotWidth() * Math.max(0, Math.min(nanos, spanNanos)) / spanNanos;
    }

    long spanNanos() {
        return spanNanos;
    }

    Map<String, String> colours() {
        return colours;
    }

    /** Fault bands over [plotTop, plotTop + plotHeight] and their labels in the lanes above plotTop. */
    void faults(StringBuilder svg, double plotTop, double plotHeight) {
        if (faults.isEmpty()) {
            return;
        }
        svg.append("<g class=\"faults\">");
        for (int i = 0; i < faults.size(); i++) {
            FaultSpan fault = faults.get(i);
            String colour = colours.get(fault.label());
            double x0 = x(fault.startNanos());
            double width = Math.max(2, x(fault.endNanos()) - x0);
            svg.append("<g class=\"fault\" data-fault=\"").append(Html.escape(fault.label())).append("\"><title>")
                    .append(Html.show(tooltip(fault), 300)).append("</title><rect class=\"band\" x=\"")
                    .append(Html.px(x0)).append("\" y=\"").append(Html.px(plotTop)).append("\" width=\"")
                    .append(Html.px(width)).append("\" height=\"").append(Html.px(plotHeight))
                    .append("\" fill=\"").append(colour).append("\" fill-opacity=\"0.13\" stroke=\"").append(colour)
                    .append("\" stroke-opacity=\"0.5\" stroke-width=\"1\"/>");
            if (laneOf[i] < LANES_MAX) {
                double laneY = plotTop - labelsHeight() + laneOf[i] * LANE_HEIGHT + 11;
                svg.append("<text class=\"fault-label\" x=\"").append(Html.px(labelX[i])).append("\" y=\"")
                        .append(Html.px(laneY)).append("\" fill=\"").append(colour).append("\">")
                        .append(Html.show(fault.label(), 40)).append("</text>");
            }
            svg.append("</g>");
        }
        svg.append("</g>");
    }

    /** Vertical grid lines and labels of the time axis below a plot. */
    void timeAxis(StringBuilder svg, double plotTop, double plotHeight) {
        double stepSeconds = niceStep(spanNanos / 1e9, 12);
        svg.append("<g class=\"axis x\">");
        for (double t = 0; t * 1e9 <= spanNanos * 1.0001; t += stepSeconds) {
            double x = x(Math.round(t * 1e9));
            svg.append("<line class=\"grid\" x1=\"").append(Html.px(x)).append("\" x2=\"").append(Html.px(x))
                    .append("\" y1=\"").append(Html.px(plotTop)).append("\" y2=\"").append(Html.px(plotTop + plotHeight))
                    .append("\"/><text x=\"").append(Html.px(x)).append("\" y=\"").append(Html.px(plotTop + plotHeight + 14))
                    .append("\" text-anchor=\"middle\">").append(seconds(t, stepSeconds)).append("</text>");
        }
        svg.append("<text class=\"title\" x=\"").append(Html.px(LEFT + plotWidth() / 2)).append("\" y=\"")
                .append(Html.px(plotTop + plotHeight + 30)).append("\" text-anchor=\"middle\">test time (s)</text></g>");
    }

    /** A round step (1, 2 or 5 times a power of ten) giving at most {@code ticksMax} ticks over {@code span}. */
    static double niceStep(double span, int ticksMax) {
        if (span <= 0) {
            return 1;
        }
        double raw = span / ticksMax;
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * power >= raw) {
                return m * power;
            }
        }
        return 10 * power;
    }

    private static String seconds(double t, double step) {
        return step >= 1 ? String.format(Locale.ROOT, "%.0f", t)
                : step >= 0.1 ? String.format(Locale.ROOT, "%.1f", t) : String.format(Locale.ROOT, "%.2f", t);
    }

    private static double labelWidth(FaultSpan fault) {
        return Math.min(40, fault.label().length()) * CHAR_WIDTH_PX;
    }

    private static String tooltip(FaultSpan fault) {
        String text = fault.label() + " " + String.format(Locale.ROOT, "%.2f–%.2f s", fault.startNanos() / 1e9,
                fault.endNanos() / 1e9) + (fault.open() ? " (never stopped)" : "");
        return fault.detail().isEmpty() ? text : text + ": " + fault.detail();
    }
}
