package titan.lab.workload;

import java.util.List;

import titan.checker.history.EventType;
import titan.client.Outcome;

/**
 * How a client's {@link Outcome} enters the history, decided in this one place (Jepsen's rules):
 * <pre>
 *   Ok, NotFound    ok     the operation happened; a read's value is what it saw (null: absent)
 *   CasMismatch     fail   the cas compared and did not write
 *   Failed          fail   it definitely did not happen
 *   Indeterminate   info   it may happen at any later time, or never; the process is retired
 *   (no answer)     info   the lab's own timeout, or a client that broke its contract
 * </pre>
 *
 * @param type  ok, fail or info
 * @param value the completion's value: what a read saw, or the invoke's value for other operations
 * @param node  the node that answered, or null
 * @param error why it failed or is unknown, or null
 */
public record Completion(EventType type, Object value, String node, String error) {
    public static Completion of(Workload workload, Op op, Outcome outcome) {
        boolean read = op.f().equals("read");
        if (outcome instanceof Outcome.Ok ok) {
            return new Completion(EventType.OK, read ? workload.readValue(ok.value()) : op.value(), ok.node(), null);
        }
        if (outcome instanceof Outcome.NotFound nf) {
            return new Completion(EventType.OK, read ? workload.readValue(null) : op.value(), nf.node(), null);
        }
        if (outcome instanceof Outcome.CasMismatch cm) {
            return new Completion(EventType.FAIL, op.value(), cm.node(), "cas mismatch");
        }
        if (outcome instanceof Outcome.Failed f) {
            return new Completion(EventType.FAIL, op.value(), f.node(), f.reason());
        }
        if (outcome instanceof Outcome.Indeterminate i) {
            return new Completion(EventType.INFO, op.value(), i.node(), i.reason());
        }
        return unknown(op, "no outcome: " + outcome);
    }

    /** An operation whose outcome the lab never learned. */
    public static Completion unknown(Op op, String why) {
        return new Completion(EventType.INFO, op.value(), null, why);
    }

    /** Whether the process that saw this must be retired (Jepsen: after an info, a new process id). */
    public boolean retiresProcess() {
        return type == EventType.INFO;
    }

    static List<Object> pair(Object expected, Object value) {
        return java.util.Arrays.asList(expected, value);
    }
}
