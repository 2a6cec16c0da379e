package titan.client;

import titan.checker.history.EventType;

/**
 * How a client's {@link Outcome} enters a Jepsen-style history. This is the one mapping: the lab's
 * workloads (real clients over HTTP or TCP) and the simulator's clients both complete their
 * operations through it, so a history means the same thing whichever produced it.
 * <pre>
 *   Ok, NotFound     ok     the operation happened (a read saw the value, or no value)
 *   CasMismatch      fail   the comparison happened and did not write
 *   Failed           fail   it definitely did not happen
 *   Indeterminate    info   it may happen at any later time, or never: the process is retired
 *                    fail   ... unless it is a read: a read has no effect, so an unanswered read
 *                           is simply one that did not happen (and its process lives on)
 * </pre>
 */
public final class HistoryOutcome {
    private HistoryOutcome() {}

    /** The completion type of operation {@code f} that ended in {@code outcome} (null: no answer at all). */
    public static EventType type(String f, Outcome outcome) {
        if (outcome instanceof Outcome.Ok || outcome instanceof Outcome.NotFound) {
            return EventType.OK;
        }
        if (outcome instanceof Outcome.CasMismatch || outcome instanceof Outcome.Failed) {
            return EventType.FAIL;
        }
        return "read".equals(f) ? EventType.FAIL : EventType.INFO;
    }

    /** The history's {@code error} field for {@code outcome}, or null when it succeeded. */
    public static String error(Outcome outcome) {
        if (outcome instanceof Outcome.CasMismatch) {
            return "cas mismatch";
        }
        if (outcome instanceof Outcome.Failed f) {
            return f.reason();
        }
        if (outcome instanceof Outcome.Indeterminate i) {
            return i.reason();
        }
        return outcome == null ? "no answer" : null;
    }

    /** Whether a process whose operation completed as {@code type} must be retired (Jepsen: after info). */
    public static boolean retiresProcess(EventType type) {
        return type == EventType.INFO;
    }
}
