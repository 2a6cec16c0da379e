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

    /** A timed chart is at most this wide, however long the history ran. */
    private static final double TIMED_WIDTH_MAX = 30_000;

    private final int[] endpoints;
    private final double step;
    /** The x of each endpoint. */
    private final double[] xs;
    /** For a timed scale: each endpoint's time, the pixels per nanosecond, and any event's time; else null. */
    private final long[] times;
    private final double perNano;
    private final java.util.function.IntToLongFunction eventTime;

    private TimelineScale(int[] endpoints, double step) {
        this(endpoints, step, null, null, 0, null);
    }

    private TimelineScale(int[] endpoints, double step, double[] xs, long[] times, double perNano,
                          java.util.function.IntToLongFunction eventTime) {
        this.endpoints = endpoints;
        this.step = step;
        this.times = times;
        this.perNano = perNano;
        this.eventTime = eventTime;
        if (xs == null) {
            xs = new double[endpoints.length];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = PAD_LEFT + (i + 0.5) * step;
            }
        }
        this.xs = xs;
    }

    /** Whether every drawn call and completion has a time, so a timed axis can be drawn. */
    static boolean hasTimes(List<Operation> operations) {
        return !operations.isEmpty() && operations.stream().allMatch(op -> op.callTimeNanos() >= 0
                && (op.completionIndex() < 0 || op.completionTimeNanos() >= 0));
    }

    /**
     * A scale proportional to the events' times (see {@link #hasTimes}), the typical bar about as
     * wide as in history order; events at one time keep their history order, a few pixels apart.
     */
    TimelineScale timed(List<Operation> operations, java.util.function.IntToLongFunction eventTime) {
        long[] times = new long[endpoints.length];
        java.util.Map<Integer, Long> timeOf = new java.util.HashMap<>();
        for (Operation op : operations) {
            timeOf.put(op.callIndex(), op.callTimeNanos());
            if (op.completionIndex() >= 0) {
                timeOf.put(op.completionIndex(), op.completionTimeNanos());
            }
        }
        for (int i = 0; i < endpoints.length; i++) {
            times[i] = timeOf.getOrDefault(endpoints[i], i == 0 ? 0 : times[i - 1]);
        }
        double[] spans = operations.stream().filter(op -> !op.isUnknown() && op.completionIndex() >= 0)
                .mapToDouble(op -> Math.max(1, op.completionTimeNanos() - op.callTimeNanos())).sorted().toArray();
        double typical = spans.length == 0 ? 1 : spans[spans.length / 2];
        double perNano = TYPICAL_BAR_WIDTH / typical;
        long total = endpoints.length == 0 ? 0 : times[times.length - 1] - times[0];
        if (total * perNano > TIMED_WIDTH_MAX) {
            perNano = TIMED_WIDTH_MAX / total;
        }
        double[] positions = new double[endpoints.length];
        for (int i = 0; i < positions.length; i++) {
            double x = PAD_LEFT + 6 + (times[i] - times[0]) * perNano;
            positions[i] = i == 0 ? x : Math.max(x, positions[i - 1] + 2);
        }
        double averageStep = positions.length < 2 ? step
                : (positions[positions.length - 1] - positions[0]) / (positions.length - 1);
        return new TimelineScale(endpoints, Math.max(2, averageStep), positions, times, perNano, eventTime);
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
        if (found >= 0) {
            return xs[found];
        }
        int after = -found - 1;
        if (xs.length == 0) {
            return PAD_LEFT;
        }
        long t = times == null ? -1 : eventTime.applyAsLong(eventIndex);
        if (t >= 0) {
            // On a timed axis an event between two endpoints (a nemesis event) goes where its time is.
            if (after == 0) {
                return Math.max(0, xs[0] - (times[0] - t) * perNano);
            }
            if (after == xs.length) {
                return xs[xs.length - 1] + Math.max(0, t - times[times.length - 1]) * perNano;
            }
            long t0 = times[after - 1];
            long t1 = times[after];
            double share = t1 > t0 ? Math.max(0, Math.min(1, (double) (t - t0) / (t1 - t0))) : 0.5;
            return xs[after - 1] + share * (xs[after] - xs[after - 1]);
        }
        if (after == 0) {
            return xs[0] - step / 2;
        }
        if (after == xs.length) {
            return xs[xs.length - 1] + step / 2;
        }
        return (xs[after - 1] + xs[after]) / 2;
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
        return xs.length == 0 ? PAD_LEFT + 1.5 * step : xs[xs.length - 1] + 2 * step;
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
