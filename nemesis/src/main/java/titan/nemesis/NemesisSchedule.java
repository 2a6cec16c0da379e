package titan.nemesis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * When faults happen on a real runtime, as data: Jepsen's periodic nemesis. A quiet interval, then
 * one fault for an interval, then quiet again, until the time limit; the fault of each window is
 * drawn from the kinds with a seeded random stream, so the same seed gives the same schedule. The
 * nodes a fault hits are chosen when it starts (the leader at that moment), not here.
 *
 * <pre>
 *   time  0 ---- interval ---- 2 interval ---- 3 interval ---- 4 interval ...  time limit
 *         |     quiet      |     fault 1    |     quiet      |    fault 2    |
 * </pre>
 *
 * @param windows the fault windows in start order; none overlap
 */
public record NemesisSchedule(List<Window> windows) {
    /** One fault active from {@code startMillis} for {@code durationMillis}, relative to the workload's start. */
    public record Window(long startMillis, long durationMillis, Fault fault) {
        public long endMillis() {
            return startMillis + durationMillis;
        }
    }

    public static final NemesisSchedule NONE = new NemesisSchedule(List.of());

    public NemesisSchedule {
        windows = List.copyOf(windows);
    }

    /**
     * The periodic schedule for {@code kinds} over {@code timeLimit}.
     *
     * @throws IllegalArgumentException when the interval is not shorter than the time limit, or a
     *                                  kind needs more nodes than the cluster has
     */
    public static NemesisSchedule periodic(Set<FaultKind> kinds, Duration interval, Duration timeLimit, int nodes,
                                           long seed) {
        validate(kinds, interval, timeLimit, nodes);
        if (kinds.isEmpty()) {
            return NONE;
        }
        List<FaultKind> pool = kinds.stream().sorted().toList(); // enum order: independent of the set's order
        SplittableRandom random = new SplittableRandom(seed);
        long step = interval.toMillis();
        List<Window> windows = new ArrayList<>();
        for (long start = step; start + step <= timeLimit.toMillis(); start += 2 * step) {
            FaultKind kind = pool.get(random.nextInt(pool.size()));
            windows.add(new Window(start, step, kind.draw(random, nodes)));
        }
        return new NemesisSchedule(windows);
    }

    /** Throws {@link IllegalArgumentException} with a one-line reason when the options cannot work. */
    public static void validate(Set<FaultKind> kinds, Duration interval, Duration timeLimit, int nodes) {
        if (nodes < 1) {
            throw new IllegalArgumentException("a cluster needs at least one node, not " + nodes);
        }
        for (FaultKind kind : kinds) {
            if (nodes < kind.nodesMin()) {
                throw new IllegalArgumentException("nemesis " + kind.flag() + " needs at least " + kind.nodesMin()
                        + " nodes; the cluster has " + nodes);
            }
        }
        if (!kinds.isEmpty() && interval.multipliedBy(2).compareTo(timeLimit) > 0) {
            throw new IllegalArgumentException("the nemesis interval (" + interval.toMillis() + " ms) must be at most"
                    + " half the time limit (" + timeLimit.toMillis() + " ms): one quiet interval, then one fault");
        }
    }
}
