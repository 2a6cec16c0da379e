package titan.lab.sim;

import java.time.Duration;

import titan.checker.CheckOptions;
import titan.checker.CheckResult;
import titan.checker.Linearizability;
import titan.checker.Verdict;
import titan.checker.history.History;
import titan.checker.history.HistoryFormatException;
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

    /**
     * A swarm's run of a seed. Should it fail, its folder keeps this history as
     * {@code original-history.jsonl} beside the shrunk run's, so the checker's messages name that file.
     */
    public SeedOutcome run(SimOptions options) {
        return judge(Simulation.of(options).run(), originalHistory());
    }

    /** A run with an explicit fault schedule (a shrink candidate or a replay): the folder's {@code history.jsonl}. */
    public SeedOutcome run(SimOptions options, FaultSchedule schedule) {
        return judge(Simulation.of(options, schedule).run(), history());
    }

    /**
     * How messages name the history of a shrunk run or replay: {@code history.jsonl}, the file in the
     * failing seed's folder (every reference in a folder is relative to that folder).
     */
    public static String history() {
        return "history.jsonl";
    }

    /** How messages name the history of the run the swarm found failing, kept in the seed's folder. */
    public static String originalHistory() {
        return "original-history.jsonl";
    }

    /**
     * Judges a finished run: its invariants, then its history.
     *
     * @param historyLabel how the checker's messages name the history, e.g. {@code history.jsonl}
     */
    public SeedOutcome judge(SimResult result, String historyLabel) {
        long seed = result.options().seed();
        if (!result.ok()) {
            return new SeedOutcome(seed, SeedOutcome.Status.VIOLATION, result, null, result.violation());
        }
        if (!checkHistories) {
            return new SeedOutcome(seed, SeedOutcome.Status.OK, result, null, null);
        }
        CheckResult check;
        try {
            // The events themselves, not a detour through JSON text and back (a fifth of a seed's
            // time); checkable cites the lines the events have in historyJsonLines(), the file a
            // failing seed's folder keeps.
            History history = result.checkable(historyLabel);
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
