package titan.lab.sim;

import titan.checker.CheckResult;
import titan.sim.SimResult;

/**
 * What one seed of a swarm came to: the simulator's own verdict (the Raft invariants, liveness)
 * and, when those held, the linearizability checker's verdict on its history.
 *
 * @param check the checker's result, or {@code null} when the run already failed or checking is off
 */
public record SeedOutcome(long seed, Status status, SimResult result, CheckResult check, String message) {
    public enum Status {
        /** Every invariant held and the history is linearizable (or was not checked). */
        OK,
        /** The simulator found a broken invariant or a liveness failure. */
        VIOLATION,
        /** The invariants held but the history is not linearizable. */
        NOT_LINEARIZABLE,
        /** The checker could not decide within its limits. */
        UNKNOWN
    }

    public boolean failed() {
        return status == Status.VIOLATION || status == Status.NOT_LINEARIZABLE;
    }

    /** A stable name of what failed, used to keep shrinking on the same failure. */
    public String failureKind() {
        return switch (status) {
            case VIOLATION -> result.violationKind();
            case NOT_LINEARIZABLE -> "not-linearizable";
            case UNKNOWN -> "unknown";
            case OK -> "ok";
        };
    }
}
