package titan.lab.sim;

import titan.sim.FaultSchedule;
import titan.sim.SimOptions;

/**
 * Makes a failing run smaller while it keeps failing the same way, so that its trace is short
 * enough to read (the delta-debugging idea, applied greedily): drop the fault windows that start
 * after the failure, halve the workload, then drop fault windows one at a time. The seed stays the
 * same; each component's random stream is its own, so removing a fault leaves the others' choices
 * alone, though the run as a whole may take another course.
 */
public final class Shrinker {
    /** The smallest failing configuration found, and how many runs it took. */
    public record Shrunk(SimOptions options, FaultSchedule schedule, SeedOutcome outcome, int runs) {}

    private final SeedRunner runner;
    private final int runsMax;
    private int runs;

    public Shrinker(SeedRunner runner, int runsMax) {
        this.runner = runner;
        this.runsMax = runsMax;
    }

    public Shrunk shrink(SeedOutcome failing) {
        runs = 0;
        String kind = failing.failureKind();
        SimOptions options = failing.result().options();
        FaultSchedule schedule = failing.result().schedule();
        SeedOutcome best = failing;

        SeedOutcome attempt = tryRun(options, schedule.truncatedAt(failing.result().endMicros()), kind);
        if (attempt != null) {
            schedule = schedule.truncatedAt(failing.result().endMicros());
            best = attempt;
        }
        while (options.ops() > 1 && runs < runsMax) {
            SimOptions fewer = options.withOps(options.ops() / 2);
            attempt = tryRun(fewer, schedule, kind);
            if (attempt == null) {
                break;
            }
            options = fewer;
            best = attempt;
        }
        boolean progress = true;
        while (progress && runs < runsMax) {
            progress = false;
            for (int i = schedule.windows().size() - 1; i >= 0 && runs < runsMax; i--) {
                FaultSchedule smaller = schedule.without(i);
                attempt = tryRun(options, smaller, kind);
                if (attempt != null) {
                    schedule = smaller;
                    best = attempt;
                    progress = true;
                }
            }
        }
        return new Shrunk(options, schedule, best, runs);
    }

    /** Runs a candidate; returns its outcome if it fails the same way, otherwise null. */
    private SeedOutcome tryRun(SimOptions options, FaultSchedule schedule, String kind) {
        if (runs >= runsMax) {
            return null;
        }
        runs++;
        SeedOutcome outcome = runner.run(options, schedule);
        return outcome.failed() && outcome.failureKind().equals(kind) ? outcome : null;
    }
}
