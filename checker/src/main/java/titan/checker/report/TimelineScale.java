package titan.checker.report;

import java.util.Arrays;
import java.util.List;
import titan.checker.history.Operation;

/**
 * The horizontal axis of a timeline: history order, not wall-clock time. Each call or completion
 * of a drawn operation gets one step, so the picture shows exactly the real-time order the checker
 * uses (Knossos histories often carry no times at all, and clients' clocks may disagree), and no
 * space is wasted on stretches where nothing in this partition happened.
 * <p>An operation with an unknown outcome runs to {@link #openEndX()}, past the last step; one called
 * before the window starts at 0.
 */
final class TimelineScale {
    static final double PAD_LEFT = 14;
    /** The bar of a typical operation should be this wide, so its label fits. */
    private static final double TYPICAL_BAR_WIDTH = 80;
    private static final double STEP_MIN = 6;
    private static final double STEP_MAX = 40;

    private final int[] endpoints;
    private final double step;

    private TimelineScale(int[] endpoints, double step) {
        this.endpoints = endpoints;
        this.step = step;
    }

    /** A scale for {@code window}'s operations; the first {@code carriedIn} were called before it. */
    static TimelineScale of(List<Operation> operations, int carriedIn) {
        int[] events = new int[operations.size() * 2];
        int n = 0;
        for (int i = 0; i < operations.size(); i++) {
            Operation op = operations.get(i);
            if (i >= carriedIn) {
                events[n++] = op.callIndex();
            }
            if (op.completionIndex() >= 0) {
                events[n++] = op.completionIndex();
            }
        }
        int[] endpoints = Arrays.stream(events, 0, n).sorted().distinct().toArray();
        TimelineScale unit = new TimelineScale(endpoints, 1);
        double[] spans = operations.subList(carriedIn, operations.size()).stream()
                .filter(op -> !op.isUnknown())
                .mapToDouble(op -> unit.x(op.completionIndex()) - unit.x(op.callIndex()))
                .sorted().toArray();
        double typicalSpan = spans.length == 0 ? 1 : Math.max(1, spans[spans.length / 2]);
        double step = Math.max(STEP_MIN, Math.min(STEP_MAX, Math.ceil(TYPICAL_BAR_WIDTH / typicalSpan)));
        return new TimelineScale(endpoints, step);
    }

    /**
     * The position of event {@code eventIndex}: on its step when it is an endpoint, else between
     * the steps of its neighbours (used for fault intervals).
     */
    double x(int eventIndex) {
        int found = Arrays.binarySearch(endpoints, eventIndex);
        double rank = found >= 0 ? found : -found - 1.5;
        return PAD_LEFT + (rank + 0.5) * step;
    }

    /** Where {@code op}'s bar starts: its call, or the left edge when it was called before the window. */
    double callX(Operation op) {
        return endpoints.length == 0 || op.callIndex() < endpoints[0] ? 0 : x(op.callIndex());
    }

    /**
     * Where {@code op}'s bar ends: its completion, or {@link #openEndX()} when its outcome is unknown,
     * because an {@code info} operation may take effect at any time up to the end of the history.
     */
    double endX(Operation op) {
        return op.isUnknown() ? openEndX() : x(op.completionIndex());
    }

    /** The right end of operations that never completed: "until the end of the history". */
    double openEndX() {
        return PAD_LEFT + (endpoints.length + 1.5) * step;
    }

    double width() {
        return openEndX() + 24;
    }

    double step() {
        return step;
    }

    /** The endpoints' event indices, in order. */
    int[] endpoints() {
        return endpoints.clone();
    }
}
