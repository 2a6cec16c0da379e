package titan.lab.sim;

import java.util.ArrayList;
import java.util.List;

import titan.sim.FaultSchedule;
import titan.sim.SimOptions;
import titan.sim.SimResult;
import titan.sim.Simulation;

/**
 * Makes a failing run smaller while it keeps failing the same way (the same failure kind), so that
 * its story is short enough to read. It shrinks four dimensions, each with the fault schedule
 * given explicitly so that a change to one leaves the others alone:
 * <ul>
 *   <li>fault windows: those starting after the failure go first, then delta debugging (Zeller and
 *       Hildebrandt, "Simplifying and Isolating Failure-Inducing Input", 2002, the ddmin algorithm:
 *       try each of n chunks alone, then each complement, doubling n when neither fails);</li>
 *   <li>the operation budget: a bisection for the smallest budget that still fails (a budget only
 *       cuts the workload short, so the run up to that point is the same run);</li>
 *   <li>clients and keys: the smallest count that still fails, tried from one upwards.</li>
 * </ul>
 * The rounds repeat while one of them made progress and re-runs remain. The seed stays the same;
 * each component draws from its own random stream, so removing a fault leaves the others' choices
 * alone, though the run as a whole may take another course, which is why every candidate is run
 * and judged rather than assumed.
 */
public final class Shrinker {
    /** The smallest failing configuration found, and how many runs it took. */
    public record Shrunk(SimOptions options, FaultSchedule schedule, SeedOutcome outcome, int runs) {}

    private final SeedRunner runner;
    private final int runsMax;
    private int runs;
    private String kind;
    private SeedOutcome best;

    public Shrinker(SeedRunner runner, int runsMax) {
        this.runner = runner;
        this.runsMax = runsMax;
    }

    public Shrunk shrink(SeedOutcome failing) {
        runs = 0;
        kind = failing.failureKind();
        best = failing;
        FaultSchedule schedule = failing.result().schedule();
        FaultSchedule beforeEnd = schedule.truncatedAt(failing.result().endMicros());
        if (beforeEnd.windows().size() < schedule.windows().size()) {
            fails(failing.result().options(), beforeEnd);
        }
        focus(failing);
        ddmin(best.result().options(), best.result().schedule());
        boolean progress = true;
        while (progress && runs < runsMax) {
            long before = size(best);
            compress(best.result().options(), best.result().schedule());
            smallestOps(best.result().options(), best.result().schedule());
            SimOptions o = best.result().options();
            FaultSchedule s = best.result().schedule();
            smallestCount(o.clients(), n -> fails(o.withClients(n), s));
            SimOptions o2 = best.result().options();
            smallestCount(o2.keys(), n -> fails(o2.withKeys(n), s));
            ddmin(best.result().options(), best.result().schedule());
            progress = size(best) < before;
        }
        return new Shrunk(best.result().options(), best.result().schedule(), best, runs);
    }

    private static long size(SeedOutcome outcome) {
        SimOptions o = outcome.result().options();
        return (long) o.ops() + o.clients() + o.keys() + outcome.result().schedule().windows().size();
    }

    /**
     * The direct attempt at a small run: the fault windows active around the failure (suspects),
     * one at a time, in a short workload of tens of operations, started just after an operation
     * like the ones involved in the failure was called (an append for a duplicated element, a
     * write for a stale read). Where to place a fault is read off a fault-free run of the short
     * workload: each component draws from its own random stream, so the run with the fault is that
     * same run until the fault starts. The first candidate that fails the same way is kept, and the
     * general rounds go on from it (or from the original, if none does).
     */
    private void focus(SeedOutcome failing) {
        List<FaultSchedule.Window> suspects = suspects(failing);
        if (suspects.isEmpty()) {
            return;
        }
        java.util.Set<String> functions = involvedFunctions(failing);
        SimOptions o = failing.result().options();
        for (int budget : new int[] {40, 120}) {
            if (budget >= o.ops() || runs >= runsMax) {
                return;
            }
            SimOptions small = o.withOps(budget);
            if (fails(small, FaultSchedule.NONE)) {
                return;
            }
            List<Long> calls = new ArrayList<>();
            runs++;
            SimResult quiet = Simulation.of(small, FaultSchedule.NONE).run();
            for (var e : quiet.history()) {
                if (e.type() == titan.checker.history.EventType.INVOKE && functions.contains(e.f()) && calls.size() < 6) {
                    calls.add(e.timeNanos() / 1000);
                }
            }
            for (FaultSchedule.Window suspect : candidates(suspects)) {
                for (long call : calls) {
                    for (long delay : new long[] {150, 450}) {
                        if (runs >= runsMax) {
                            return;
                        }
                        if (fails(small, new FaultSchedule(List.of(new FaultSchedule.Window(call + delay,
                                suspect.durationMicros(), suspect.fault()))))) {
                            return;
                        }
                    }
                }
            }
        }
    }

    /**
     * The leader-aimed form of each suspect first, then the suspects themselves (a crash or pause of the leader, the leader
     * isolated) when it is not one already: a fault on a random minority breaks a run only when it
     * happens to hit the leader, which the shorter run need not repeat. At most three.
     */
    private static List<FaultSchedule.Window> candidates(List<FaultSchedule.Window> suspects) {
        java.util.LinkedHashMap<titan.nemesis.Fault, FaultSchedule.Window> byFault = new java.util.LinkedHashMap<>();
        for (FaultSchedule.Window w : suspects) {
            titan.nemesis.Fault aimed = w.fault() instanceof titan.nemesis.Fault.Crash ? new titan.nemesis.Fault.Crash(titan.nemesis.Fault.Target.LEADER)
                    : w.fault() instanceof titan.nemesis.Fault.Pause ? new titan.nemesis.Fault.Pause(titan.nemesis.Fault.Target.LEADER)
                    : w.fault() instanceof titan.nemesis.Fault.Partition ? new titan.nemesis.Fault.Partition(
                    titan.nemesis.Fault.PartitionShape.ISOLATE_LEADER) : null;
            if (aimed != null) {
                byFault.putIfAbsent(aimed, new FaultSchedule.Window(w.startMicros(), w.durationMicros(), aimed));
            }
        }
        for (FaultSchedule.Window w : suspects) {
            byFault.putIfAbsent(w.fault(), w);
        }
        return byFault.values().stream().limit(3).toList();
    }

    /** The functions of the failing operation and of those it conflicts with (all writes for a violation). */
    private static java.util.Set<String> involvedFunctions(SeedOutcome failing) {
        java.util.Set<String> functions = new java.util.HashSet<>();
        var decisive = failing.check() == null ? null : failing.check().decisive().orElse(null);
        if (decisive == null || decisive.failingOperation() == null) {
            functions.addAll(List.of("write", "append", "cas", "delete"));
            return functions;
        }
        var f = decisive.failingOperation();
        functions.add(f.f());
        String value = f.value() instanceof String v ? v : "";
        for (var op : decisive.operations()) {
            if (op.input() instanceof String in && !in.isEmpty() && value.contains(in)) {
                functions.add(op.f());
            }
        }
        // The operations that put the state in place say more than the read that saw it.
        if (functions.size() > 1) {
            functions.remove("read");
        } else if (functions.equals(java.util.Set.of("read"))) {
            functions.addAll(List.of("write", "append"));
            functions.remove("read");
        }
        return functions;
    }

    /**
     * The windows active around the failure, nearest first, at most three: for a non-linearizable
     * history, from the call of the last operation the checker linearized (or the failing one's)
     * to the failing operation's completion; for a broken invariant, the last second before the end.
     */
    private static List<FaultSchedule.Window> suspects(SeedOutcome failing) {
        long from;
        long to;
        var decisive = failing.check() == null ? null : failing.check().decisive().orElse(null);
        if (decisive != null && decisive.failingOperation() != null) {
            var f = decisive.failingOperation();
            long lastCall = f.callTimeNanos();
            if (!decisive.linearization().isEmpty()) {
                int lastId = decisive.linearization().get(decisive.linearization().size() - 1);
                for (var op : decisive.operations()) {
                    if (op.id() == lastId && op.callTimeNanos() >= 0) {
                        lastCall = Math.min(lastCall, op.callTimeNanos());
                    }
                }
            }
            from = lastCall / 1000 - failing.result().options().electionMicros();
            to = Math.max(f.completionTimeNanos(), f.callTimeNanos()) / 1000;
        } else {
            to = failing.result().endMicros();
            from = to - 1_000_000;
        }
        long mid = (from + to) / 2;
        return failing.result().schedule().windows().stream()
                .filter(w -> w.startMicros() <= to && w.endMicros() >= from)
                .sorted(java.util.Comparator.comparingLong(w -> Math.abs(w.startMicros() - mid)))
                .limit(3).toList();
    }

    /**
     * Fewer operations and the faults earlier, together: a budget cut alone ends the workload
     * before the faults that break it start, so the windows move with it. Tries the schedule with
     * its start times scaled by 1/2, 1/4, ... (and the budget with them), then moved so the first
     * window starts after two election timeouts (the budget cut by the same share of the run).
     */
    private void compress(SimOptions options, FaultSchedule schedule) {
        if (schedule.windows().isEmpty() || options.ops() < 2) {
            return;
        }
        for (int divisor = 2; divisor <= 64 && runs < runsMax; divisor *= 2) {
            SimOptions o = best.result().options();
            FaultSchedule s = best.result().schedule();
            final int d = divisor;
            FaultSchedule scaled = new FaultSchedule(s.windows().stream().map(w -> new FaultSchedule.Window(
                    w.startMicros() / d, w.durationMicros(), w.fault())).toList());
            if (o.ops() / d < 1 || !fails(o.withOps(Math.max(1, options.ops() / d)), scaled)) {
                break;
            }
        }
        SimOptions o = best.result().options();
        FaultSchedule s = best.result().schedule();
        long first = s.windows().stream().mapToLong(FaultSchedule.Window::startMicros).min().orElse(0);
        long lead = o.electionMicros() * 2;
        long end = Math.max(1, best.result().endMicros());
        if (first > lead && runs < runsMax) {
            long shift = first - lead;
            FaultSchedule moved = new FaultSchedule(s.windows().stream().map(w -> new FaultSchedule.Window(
                    w.startMicros() - shift, w.durationMicros(), w.fault())).toList());
            int ops = (int) Math.max(1, o.ops() - o.ops() * shift / end);
            fails(o.withOps(ops), moved);
        }
    }

    /** Bisection between 1 and the current budget; {@code hi} always fails. */
    private int smallestOps(SimOptions options, FaultSchedule schedule) {
        int lo = 1;
        int hi = options.ops();
        while (lo < hi && runs < runsMax) {
            int mid = lo + (hi - lo) / 2;
            if (fails(options.withOps(mid), schedule)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return hi;
    }

    private interface Probe {
        boolean fails(int n);
    }

    private int smallestCount(int current, Probe probe) {
        for (int n = 1; n < current && runs < runsMax; n++) {
            if (probe.fails(n)) {
                return n;
            }
        }
        return current;
    }

    /** Zeller's ddmin over the fault windows, starting with no windows at all. */
    private FaultSchedule ddmin(SimOptions options, FaultSchedule schedule) {
        List<FaultSchedule.Window> current = new ArrayList<>(schedule.windows());
        if (current.isEmpty()) {
            return schedule;
        }
        if (fails(options, FaultSchedule.NONE)) {
            return FaultSchedule.NONE;
        }
        int n = 2;
        while (current.size() >= 2 && runs < runsMax) {
            List<List<FaultSchedule.Window>> chunks = split(current, n);
            boolean reduced = false;
            for (List<FaultSchedule.Window> chunk : chunks) {
                if (runs < runsMax && fails(options, new FaultSchedule(chunk))) {
                    current = new ArrayList<>(chunk);
                    n = 2;
                    reduced = true;
                    break;
                }
            }
            if (!reduced && n > 2) {
                for (List<FaultSchedule.Window> chunk : chunks) {
                    List<FaultSchedule.Window> complement = new ArrayList<>(current);
                    complement.removeAll(chunk);
                    if (runs < runsMax && fails(options, new FaultSchedule(complement))) {
                        current = complement;
                        n = Math.max(n - 1, 2);
                        reduced = true;
                        break;
                    }
                }
            }
            if (!reduced) {
                if (n >= current.size()) {
                    break;
                }
                n = Math.min(current.size(), n * 2);
            }
        }
        return new FaultSchedule(current);
    }

    private static <T> List<List<T>> split(List<T> items, int n) {
        List<List<T>> chunks = new ArrayList<>(n);
        int start = 0;
        for (int i = 0; i < n; i++) {
            int end = start + (items.size() - start) / (n - i);
            if (end > start) {
                chunks.add(new ArrayList<>(items.subList(start, end)));
            }
            start = end;
        }
        return chunks;
    }

    /** Runs a candidate and keeps it as the best if it fails the same way. */
    private boolean fails(SimOptions options, FaultSchedule schedule) {
        if (runs >= runsMax) {
            return false;
        }
        runs++;
        SeedOutcome outcome = runner.run(options, schedule);
        if (outcome.failed() && outcome.failureKind().equals(kind)) {
            best = outcome;
            return true;
        }
        return false;
    }
}
