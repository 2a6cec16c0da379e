package titan.checker.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import titan.checker.PartitionResult;
import titan.checker.history.Event;
import titan.checker.history.History;
import titan.checker.history.Operation;
import titan.checker.history.ValueText;

/**
 * Draws one partition's timeline as inline SVG: one lane per process, each operation a bar from
 * call to completion, the order the search found as numbered markers joined by a line, and the
 * operation that cannot be linearized in red.
 * <pre>
 *            line 12        line 40        line 71
 *   p1   [1 write 3  ]         [3 read 3   ]
 *   p2        [2 cas [3 4]   ]      [✕ read 3  ]      ← cannot be linearized after #3
 *   p3              [  write 5 (info) ░░░░░░░░░░░░░░░ → end of history
 * </pre>
 * The lane labels are a separate SVG, sticky on the left of the scrolling box, so they stay in
 * view while the chart scrolls sideways; the box scrolls vertically too, so a partition with many
 * processes does not push the rest of the page away.
 */
final class TimelineSvg {
    private static final int AXIS_HEIGHT = 40;
    private static final int FAULT_ROW_HEIGHT = 13;
    private static final double FAULT_CHAR_WIDTH = 6.2;
    /** Beyond this many lanes they are drawn lower, so more of them fit on a screen. */
    private static final int LANES_ROOMY_MAX = 24;
    private static final int LABELS_WIDTH = 76;
    /** A short history still gets a chart as wide as a typical screen, not a sliver. */
    private static final double CHART_WIDTH_MIN = 1100;
    /** Width of one character of the monospaced 11 px bar labels, to cut a label to its bar. */
    private static final double LABEL_CHAR_WIDTH = 6.7;
    private static final int TITLE_VALUE_CHARS_MAX = 200;

    private final TimelineWindow window;
    private final PartitionResult partition;
    private final History history;
    private final List<FaultInterval> faults;
    private final TimelineScale scale;
    private final boolean timed;
    /** Rows of nemesis labels above the lanes, so no two labels overlap. */
    private int faultRows = 1;
    private final Map<Integer, Integer> laneOfProcess = new LinkedHashMap<>();
    /** Indexed by operation id: 1-based position in the linearization found, 0 when not in it. */
    private final int[] orderOf;
    private final Lane geometry;
    /** Where the order found ends on screen; the script scrolls to show it beside the focus. */
    private double lastPointX;

    TimelineSvg(TimelineWindow window, PartitionResult partition, History history, List<FaultInterval> faults) {
        this(window, partition, history, faults, false);
    }

    /** @param timed a time axis ({@link TimelineScale#timed}) instead of history order */
    TimelineSvg(TimelineWindow window, PartitionResult partition, History history, List<FaultInterval> faults,
                boolean timed) {
        this.window = window;
        this.partition = partition;
        this.history = history;
        this.faults = faults;
        this.timed = timed;
        TimelineScale ordered = TimelineScale.of(window.operations(), window.carriedIn());
        this.scale = timed ? ordered.timed(window.operations(), i -> history.events().get(i).timeNanos()) : ordered;
        // Lanes in order of each process's first drawn call: operations close in time land in
        // lanes close together. In a key of a kv history each of fifty processes may have only an
        // operation or two, and ordering by process id would scatter them over the whole height.
        for (Operation op : window.operations()) {
            laneOfProcess.putIfAbsent(op.process(), laneOfProcess.size());
        }
        geometry = laneOfProcess.size() > LANES_ROOMY_MAX ? Lane.COMPACT : Lane.ROOMY;
        orderOf = new int[history.operations().size()];
        List<Integer> order = partition.linearization();
        for (int i = 0; i < order.size(); i++) {
            orderOf[order.get(i)] = i + 1;
        }
        faultLabels = layOutFaultLabels(Math.max(scale.width(), CHART_WIDTH_MIN));
        Map<Integer, Operation> previousInLane = new java.util.HashMap<>();
        for (Operation op : window.operations()) {
            Operation previous = previousInLane.put(op.process(), op);
            if (previous != null) {
                nextCallX.put(previous.id(), scale.callX(op));
            }
        }
    }

    /** Indexed by operation id: where the next bar in the same lane starts (absent: none). */
    private final Map<Integer, Double> nextCallX = new java.util.HashMap<>();
    private static final double BESIDE_CHAR_WIDTH = 6.1;

    /** A nemesis label: where it starts, its text, and its row above the lanes. */
    private record FaultLabel(double x, String text, int row) {}

    private final List<FaultLabel> faultLabels;

    /**
     * Places every fault's name (again every ~1000 px of a long fault, so it is named wherever the
     * reader has scrolled) in the first row where it overlaps no other label: greedy interval
     * colouring, so faults that overlap in time stack their names instead of printing them on top
     * of each other.
     */
    private List<FaultLabel> layOutFaultLabels(double width) {
        List<FaultLabel> labels = new ArrayList<>();
        List<Double> rowEnds = new ArrayList<>();
        int eventCount = history.events().size();
        for (FaultInterval fault : faults) {
            double x1 = Math.max(0, scale.x(fault.startEvent()));
            double x2 = fault.endEvent() >= eventCount ? width : Math.min(width, scale.x(fault.endEvent()));
            if (x2 - x1 < 1) {
                continue;
            }
            String name = fault.name().isEmpty() ? "nemesis" : fault.name();
            String text = HtmlText.shorten(name, Math.max(1, (int) ((Math.min(x2 - x1, 1000) - 8) / FAULT_CHAR_WIDTH)));
            for (double x = x1 + 4; x < x2 - 20 || x == x1 + 4; x += 1000) {
                double end = x + text.length() * FAULT_CHAR_WIDTH;
                int row = 0;
                while (row < rowEnds.size() && rowEnds.get(row) + 6 > x) {
                    row++;
                }
                if (row == rowEnds.size()) {
                    rowEnds.add(end);
                } else {
                    rowEnds.set(row, end);
                }
                labels.add(new FaultLabel(x, text, row));
            }
        }
        faultRows = Math.max(1, rowEnds.size());
        return labels;
    }

    /**
     * The vertical layout of a lane: its height, the bar's top and height, the top of the order
     * markers (which sit on the bar's upper edge), all relative to the lane's top.
     */
    private record Lane(int height, int barTop, int barHeight, int markerTop) {
        static final Lane ROOMY = new Lane(36, 11, 20, 4);
        static final Lane COMPACT = new Lane(28, 8, 17, 2);

        /** Baseline of an 11 px label centred on the bar. */
        int textBaseline() {
            return barTop + barHeight / 2 + 4;
        }
    }

    /** The lane labels and the scrollable chart, as an HTML fragment. */
    String render() {
        StringBuilder html = new StringBuilder(64 * 1024);
        html.append("<div class=\"timeline\" id=\"timeline\"><div class=\"timeline-inner\">");
        laneLabels(html);
        chart(html);
        html.append("</div></div>\n");
        return html.toString();
    }

    /** The lanes start below the axis and the rows of nemesis labels. */
    private int top() {
        return AXIS_HEIGHT + (faultRows - 1) * FAULT_ROW_HEIGHT;
    }

    private int height() {
        return top() + laneOfProcess.size() * geometry.height() + 6;
    }

    private int laneY(Operation op) {
        return top() + laneOfProcess.get(op.process()) * geometry.height();
    }

    private void laneLabels(StringBuilder html) {
        html.append("<svg class=\"lanes\" width=\"").append(LABELS_WIDTH).append("\" height=\"").append(height())
                .append("\" aria-hidden=\"true\">");
        html.append("<text class=\"axis-title\" x=\"").append(LABELS_WIDTH - 10).append("\" y=\"30\">process</text>");
        for (Map.Entry<Integer, Integer> lane : laneOfProcess.entrySet()) {
            int y = top() + lane.getValue() * geometry.height();
            stripe(html, lane.getValue(), 0, y, LABELS_WIDTH);
            html.append("<text class=\"lane-label\" x=\"").append(LABELS_WIDTH - 10).append("\" y=\"")
                    .append(y + geometry.textBaseline()).append("\">p").append(lane.getKey()).append("</text>");
        }
        html.append("</svg>");
    }

    private void stripe(StringBuilder html, int lane, double x, int y, double width) {
        html.append("<rect class=\"lane").append(lane % 2 == 0 ? "" : " lane-odd").append("\" x=\"").append(num(x))
                .append("\" y=\"").append(y).append("\" width=\"").append(num(width)).append("\" height=\"")
                .append(geometry.height()).append("\"/>");
    }

    private void chart(StringBuilder html) {
        double width = Math.max(scale.width(), CHART_WIDTH_MIN);
        html.append("<svg class=\"chart\" width=\"").append(num(width)).append("\" height=\"").append(height())
                .append("\" role=\"img\" aria-label=\"Timeline of ").append(HtmlText.count(window.operations().size()))
                .append(" operations\">");
        // Hatching, not a fill, for operations whose effect is uncertain: it reads as "maybe" at any
        // bar length, where a gradient over a bar as long as the history looks solid on screen.
        html.append("<defs><pattern id=\"hatch-info\" width=\"7\" height=\"7\" patternUnits=\"userSpaceOnUse\" "
                + "patternTransform=\"rotate(45)\"><rect width=\"7\" height=\"7\" fill=\"#fdf3dc\"/>"
                + "<rect width=\"3\" height=\"7\" fill=\"#f3c96b\"/></pattern>"
                + "<pattern id=\"hatch-skip\" width=\"7\" height=\"7\" patternUnits=\"userSpaceOnUse\" "
                + "patternTransform=\"rotate(45)\"><rect width=\"7\" height=\"7\" fill=\"#f3f5f7\"/>"
                + "<rect width=\"3\" height=\"7\" fill=\"#d9dee3\"/></pattern></defs>");
        for (int lane = 0; lane < laneOfProcess.size(); lane++) {
            stripe(html, lane, 0, top() + lane * geometry.height(), width);
        }
        faults(html, width);
        axis(html);
        // The order line goes under the bars, so it shows between them and never covers a label;
        // the numbered markers go on top.
        List<double[]> points = linearizationPoints();
        lastPointX = points.isEmpty() ? 0 : points.get(points.size() - 1)[0];
        orderLine(html, points);
        for (Operation op : window.operations()) {
            bar(html, op);
        }
        for (int i = 0; i < points.size(); i++) {
            marker(html, points.get(i), Integer.toString(orderOf[(int) points.get(i)[2]]), "ord");
        }
        failure(html, points);
        html.append("</svg>");
    }

    private void faults(StringBuilder html, double width) {
        int eventCount = history.events().size();
        for (FaultInterval fault : faults) {
            double x1 = Math.max(0, scale.x(fault.startEvent()));
            double x2 = fault.endEvent() >= eventCount ? width : Math.min(width, scale.x(fault.endEvent()));
            if (x2 - x1 < 1) {
                continue; // entirely outside the drawn window
            }
            String name = fault.name().isEmpty() ? "nemesis" : fault.name();
            html.append("<g class=\"fault\"><title>").append(HtmlText.show("nemesis: " + name + " from "
                    + where(fault.startEvent()) + (fault.endEvent() >= eventCount ? " to the end of the history"
                    : " to " + where(fault.endEvent())), TITLE_VALUE_CHARS_MAX)).append("</title>");
            html.append("<rect x=\"").append(num(x1)).append("\" y=\"20\" width=\"").append(num(x2 - x1))
                    .append("\" height=\"").append(height() - 20).append("\"/>");
            html.append("</g>");
        }
        for (FaultLabel label : faultLabels) {
            html.append("<text class=\"fault-label\" x=\"").append(num(label.x())).append("\" y=\"")
                    .append(32 + label.row() * FAULT_ROW_HEIGHT).append("\">").append(HtmlText.escape(label.text()))
                    .append("</text>");
        }
    }

    /**
     * Grid lines with the history position (line or event), or the time on a timed axis, at least
     * ~120 px apart: endpoints are evenly spaced in history order but not in time, so the spacing is
     * measured, never assumed.
     */
    private void axis(StringBuilder html) {
        int[] endpoints = scale.endpoints();
        double lastX = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < endpoints.length; i++) {
            double x = scale.x(endpoints[i]);
            if (x - lastX < 120) {
                continue;
            }
            lastX = x;
            html.append("<line class=\"grid\" x1=\"").append(num(x)).append("\" x2=\"").append(num(x))
                    .append("\" y1=\"18\" y2=\"").append(height()).append("\"/>");
            html.append("<text class=\"tick\" x=\"").append(num(x + 3)).append("\" y=\"13\">")
                    .append(HtmlText.escape(timed ? HtmlText.millis(history.events().get(endpoints[i]).timeNanos())
                            : where(endpoints[i]))).append("</text>");
        }
    }

    private void bar(StringBuilder html, Operation op) {
        String kind = kind(op);
        boolean focus = window.focus() != null && op.id() == window.focus().id();
        double x1 = scale.callX(op);
        double x2 = scale.endX(op);
        double width = Math.max(3, x2 - x1);
        int y = laneY(op) + geometry.barTop();
        html.append("<g class=\"op ").append(kind).append(focus ? " focus\" data-x=\"" + num(x1) + "\" data-from=\""
                        + num(lastPointX) + "\" data-y=\"" + laneY(op) : "")
                .append("\"><title>").append(HtmlText.escape(title(op))).append("</title>");
        if (op.isUnknown()) {
            openBar(html, op, kind, x1, x2, y);
        } else {
            html.append("<rect x=\"").append(num(x1)).append("\" y=\"").append(y).append("\" width=\"")
                    .append(num(width)).append("\" height=\"").append(geometry.barHeight()).append("\" rx=\"3\"/>");
        }
        int charsFit = (int) ((Math.min(width, 900) - 8) / LABEL_CHAR_WIDTH);
        String label = label(op, charsFit - (window.isCarriedIn(op) ? 2 : 0));
        // A bar too short for its value gets the value beside it, in the gap before the lane's next
        // bar, and then nothing cut short inside it.
        String full = label(op, Integer.MAX_VALUE);
        int besideChars = (int) ((nextCallX.getOrDefault(op.id(), x2 + 400) - x2 - 8) / BESIDE_CHAR_WIDTH);
        boolean beside = !op.isUnknown() && full.length() > Math.max(0, charsFit) && besideChars >= 3;
        if (charsFit >= 2 && !beside) {
            html.append("<text x=\"").append(num(x1 + 5)).append("\" y=\"")
                    .append(y - geometry.barTop() + geometry.textBaseline()).append("\">")
                    .append(HtmlText.show((window.isCarriedIn(op) ? "◂ " : "") + label, charsFit)).append("</text>");
        }
        if (beside) {
            html.append("<text class=\"beside\" x=\"").append(num(x2 + 3)).append("\" y=\"")
                    .append(y - geometry.barTop() + geometry.textBaseline()).append("\">")
                    .append(HtmlText.show((window.isCarriedIn(op) ? "◂ " : "") + full, besideChars)).append("</text>");
        }
        html.append("</g>");
    }

    /**
     * An operation with an unknown outcome: hatched, outlined on three sides and ending in an arrow,
     * since it may take effect at any time until the end. A tick marks its info completion, if any.
     */
    private void openBar(StringBuilder html, Operation op, String kind, double x1, double x2, int y) {
        int bottom = y + geometry.barHeight();
        html.append("<rect class=\"open\" x=\"").append(num(x1)).append("\" y=\"").append(y)
                .append("\" width=\"").append(num(Math.max(3, x2 - x1))).append("\" height=\"")
                .append(geometry.barHeight()).append("\" fill=\"url(#hatch-")
                .append(kind.equals("skip") ? "skip" : "info").append(")\"/>");
        html.append("<path d=\"M").append(num(x2)).append(' ').append(y).append('H').append(num(x1))
                .append('V').append(bottom).append('H').append(num(x2))
                .append('M').append(num(x2 - 6)).append(' ').append(y + 4)
                .append('L').append(num(x2)).append(' ').append(y + geometry.barHeight() / 2)
                .append('L').append(num(x2 - 6)).append(' ').append(bottom - 4).append("\"/>");
        if (op.completionIndex() >= 0) {
            String tick = num(scale.x(op.completionIndex()));
            html.append("<line class=\"info-tick\" x1=\"").append(tick).append("\" x2=\"").append(tick)
                    .append("\" y1=\"").append(y + 3).append("\" y2=\"").append(bottom - 3).append("\"/>");
        }
    }

    /** The CSS class of an operation's bar; the legend explains each. */
    private String kind(Operation op) {
        if (isFailing(op)) {
            return "bad";
        }
        if (!window.searched()[op.id()]) {
            return "skip";
        }
        if (op.isUnknown()) {
            return "info";
        }
        return orderOf[op.id()] > 0 ? "ok" : "late";
    }

    private boolean isFailing(Operation op) {
        return partition.failingOperation() != null && op.id() == partition.failingOperation().id();
    }

    /**
     * What the operation did, e.g. {@code cas [0 2]} or {@code read 3} (a read shows the value read).
     * When that is longer than {@code charsMax} the function is cut to its first letter
     * ({@code r 3}): the value is what a reader compares between bars. The tooltip has it all.
     */
    private static String label(Operation op, int charsMax) {
        Object value = op.value();
        boolean shown = value != null || op.f().equals("read") && op.isOk();
        if (!shown) {
            return op.f();
        }
        String text = ValueText.of(value);
        String full = op.f() + " " + text;
        return full.length() <= charsMax || op.f().length() <= 1 ? full : op.f().charAt(0) + " " + text;
    }

    private String title(Operation op) {
        StringBuilder title = new StringBuilder(HtmlText.shorten(op.describe(), TITLE_VALUE_CHARS_MAX));
        title.append("\ncalled at ").append(where(op.callIndex()));
        if (op.completionIndex() < 0) {
            title.append(", never completed: may take effect until the end of the history");
        } else if (op.isUnknown()) {
            title.append(", info at ").append(where(op.completionIndex()))
                    .append(": may take effect until the end of the history");
        } else {
            title.append(", completed at ").append(where(op.completionIndex()));
        }
        title.append('\n').append(role(op));
        if (op.callTimeNanos() != Event.TIME_UNKNOWN) {
            title.append("\ntime ").append(HtmlText.millis(op.callTimeNanos()));
            if (op.completionTimeNanos() != Event.TIME_UNKNOWN) {
                title.append(" to ").append(HtmlText.millis(op.completionTimeNanos()));
            }
        }
        if (op.node() != null) {
            title.append("\nnode ").append(HtmlText.shorten(op.node(), 80));
        }
        if (op.error() != null) {
            title.append("\nerror ").append(HtmlText.shorten(op.error(), TITLE_VALUE_CHARS_MAX));
        }
        return title.toString();
    }

    private String role(Operation op) {
        if (isFailing(op)) {
            return "cannot be linearized after the " + HtmlText.count(partition.linearization().size())
                    + " operations before it in the order found; state there " + HtmlText.shorten(
                    partition.stateAfterLinearization(), TITLE_VALUE_CHARS_MAX);
        }
        if (orderOf[op.id()] > 0) {
            return "#" + HtmlText.count(orderOf[op.id()]) + " in the linearization found";
        }
        if (!window.searched()[op.id()]) {
            return op.outcome() == Operation.Outcome.FAIL ? "failed: did not happen, so not ordered"
                    : "result unknown and changes nothing, so not ordered";
        }
        return op.isUnknown() ? "not in the linearization found (it may never have taken effect)"
                : "not in the linearization found";
    }

    /**
     * A point inside each drawn operation's bar, in linearization order and never going left: the
     * latest of the previous point and the operation's call. It stays inside the bar because an
     * order consistent with real time never puts an operation after one that was called after it
     * completed. Each point is {x, y, operation id}.
     */
    private List<double[]> linearizationPoints() {
        boolean[] drawn = new boolean[orderOf.length];
        for (Operation op : window.operations()) {
            drawn[op.id()] = true;
        }
        List<Operation> all = history.operations();
        List<double[]> points = new ArrayList<>();
        double previous = 0;
        for (int id : partition.linearization()) {
            if (!drawn[id]) {
                continue;
            }
            Operation op = all.get(id);
            double x = Math.min(Math.max(previous + 3, scale.callX(op) + 8), scale.endX(op) - 3);
            points.add(new double[] {x, laneY(op) + geometry.markerTop() + 6, id});
            previous = x;
        }
        return points;
    }

    private void orderLine(StringBuilder html, List<double[]> points) {
        if (points.size() < 2) {
            return;
        }
        html.append("<path class=\"order\" d=\"");
        for (int i = 0; i < points.size(); i++) {
            html.append(i == 0 ? 'M' : 'L').append(num(points.get(i)[0])).append(' ').append(num(points.get(i)[1]));
        }
        html.append("\"/>");
    }

    private void marker(StringBuilder html, double[] point, String text, String css) {
        double width = 8 + text.length() * 5.6;
        html.append("<g class=\"").append(css).append("\"><rect x=\"").append(num(point[0] - width / 2))
                .append("\" y=\"").append(num(point[1] - 6)).append("\" width=\"").append(num(width))
                .append("\" height=\"12\" rx=\"6\"/><text x=\"").append(num(point[0])).append("\" y=\"")
                .append(num(point[1] + 3.2)).append("\">").append(text).append("</text></g>");
    }

    /** A dashed line from the last linearized operation to where the failing one would have to go. */
    private void failure(StringBuilder html, List<double[]> points) {
        Operation failing = partition.failingOperation();
        if (failing == null || window.operations().stream().noneMatch(this::isFailing)) {
            return;
        }
        double previous = points.isEmpty() ? 0 : points.get(points.size() - 1)[0];
        double x = Math.min(Math.max(previous + 3, scale.callX(failing) + 8), scale.endX(failing) - 3);
        double[] point = {x, laneY(failing) + geometry.markerTop() + 6, failing.id()};
        if (!points.isEmpty()) {
            double[] last = points.get(points.size() - 1);
            html.append("<path class=\"order-broken\" d=\"M").append(num(last[0])).append(' ').append(num(last[1]))
                    .append("L").append(num(point[0])).append(' ').append(num(point[1])).append("\"/>");
        }
        marker(html, point, "✕", "ord bad");
    }

    private String where(int eventIndex) {
        return where(history, eventIndex);
    }

    /** "line 499" for a history read from a file, else "event 1,234". */
    static String where(History history, int eventIndex) {
        int line = history.lineOf(eventIndex);
        return line > 0 ? "line " + HtmlText.count(line) : "event " + HtmlText.count(eventIndex);
    }

    /** A coordinate with at most one decimal, to keep the page small. */
    static String num(double value) {
        long tenths = Math.round(value * 10);
        return tenths % 10 == 0 ? Long.toString(tenths / 10) : String.format(Locale.ROOT, "%.1f", tenths / 10.0);
    }
}
