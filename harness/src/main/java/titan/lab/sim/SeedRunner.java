package titan.lab.sim;

import java.time.Duration;

import titan.checker.CheckOptions;
import titan.checker.CheckResult;
import titan.checker.Linearizability;
import titan.checker.Verdict;
import titan.checker.history.History;
import titan.checker.history.HistoryFormatException;
import titan.checker.history.JsonLinesFormat;
import titan.checker.model.KvModel;
import titan.sim.FaultSchedule;
import titan.sim.SimOptions;
import titan.sim.SimResult;
import titan.sim.Simulation;

/** Runs one simulated seed and, if its invariants held, checks its history with the kv model. */
public final class SeedRunner {
    private final boolean checkHistories;
    private final CheckOptions checkOptions;

    public SeedRunner(boolean checkHistories, Duration checkTimeout) {
        this.checkHistories = checkHistories;
        // One partition at a time: the swarm already keeps every core busy with seeds.
        this.checkOptions = CheckOptions.defaults().withTimeout(checkTimeout).withParallelism(1);
    }

    public SeedOutcome run(SimOptions options) {
        return judge(Simulation.of(options).run());
    }

    public SeedOutcome run(SimOptions options, FaultSchedule schedule) {
        return judge(Simulation.of(options, schedule).run());
    }

    private SeedOutcome judge(SimResult result) {
        long seed = result.options().seed();
        if (!result.ok()) {
            return new SeedOutcome(seed, SeedOutcome.Status.VIOLATION, result, null, result.violation());
        }
        if (!checkHistories) {
            return new SeedOutcome(seed, SeedOutcome.Status.OK, result, null, null);
        }
        CheckResult check;
        try {
            History history = JsonLinesFormat.read("seed-" + seed + "/history.jsonl", result.historyJsonLines());
            check = Linearizability.check(new KvModel(), history, checkOptions);
        } catch (HistoryFormatException e) {
            // The simulator wrote a history the checker cannot read: a lab bug, never a pass.
            return new SeedOutcome(seed, SeedOutcome.Status.VIOLATION, result, null,
                    "the simulator's history is malformed: " + e.getMessage());
        }
        if (check.verdict() == Verdict.INVALID) {
            return new SeedOutcome(seed, SeedOutcome.Status.NOT_LINEARIZABLE, result, check, check.explanation());
        }
        if (check.verdict() == Verdict.UNKNOWN) {
            return new SeedOutcome(seed, SeedOutcome.Status.UNKNOWN, result, check, check.explanation());
        }
        return new SeedOutcome(seed, SeedOutcome.Status.OK, result, check, null);
    }
}
