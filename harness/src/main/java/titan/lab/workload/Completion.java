package titan.lab.workload;

import java.util.List;

import titan.checker.history.EventType;
import titan.client.HistoryOutcome;
import titan.client.Outcome;

/**
 * How a client's {@link Outcome} enters the lab's history: the type and error come from the one
 * mapping, {@link HistoryOutcome} (shared with the simulator); a read's value is what it saw (null:
 * absent), other operations keep their invoke's value.
 *
 * @param type  ok, fail or info
 * @param value the completion's value: what a read saw, or the invoke's value for other operations
 * @param node  the node that answered, or null
 * @param error why it failed or is unknown, or null
 */
public record Completion(EventType type, Object value, String node, String error) {
    public static Completion of(Workload workload, Op op, Outcome outcome) {
        boolean read = op.f().equals("read");
        EventType type = HistoryOutcome.type(op.f(), outcome);
        Object value = op.value();
        if (read && outcome instanceof Outcome.Ok ok) {
            value = workload.readValue(ok.value());
        } else if (read && outcome instanceof Outcome.NotFound) {
            value = workload.readValue(null);
        }
        return new Completion(type, value, outcome == null ? null : outcome.node(), HistoryOutcome.error(outcome));
    }

    /** An operation whose outcome the lab never learned. */
    public static Completion unknown(Op op, String why) {
        return new Completion(HistoryOutcome.type(op.f(), null), op.value(), null, why);
    }

    /** Whether the process that saw this must be retired (Jepsen: after an info, a new process id). */
    public boolean retiresProcess() {
        return HistoryOutcome.retiresProcess(type);
    }

    static List<Object> pair(Object expected, Object value) {
        return java.util.Arrays.asList(expected, value);
    }
}
