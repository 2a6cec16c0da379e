package titan.checker.report;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import titan.checker.Model;
import titan.checker.PartitionResult;
import titan.checker.Step;
import titan.checker.Verdict;
import titan.checker.history.History;
import titan.checker.history.Operation;
import titan.checker.history.ValueText;

/**
 * Every model state a history can be in when it breaks, as Knossos reports its final
 * configurations: not the one path the search happened to take, but all of them.
 * <p>A forward pass over the failing partition in history order (Wing &amp; Gong's configurations,
 * as Knossos's linear checker walks them): a configuration is a set of linearized operations and
 * the model state they lead to. When an operation completes, every configuration is closed under
 * linearizing any called, not yet linearized operation the model allows, and only the
 * configurations that contain the completed operation survive. The first completion that no
 * configuration survives is where the history breaks; the configurations just before it are the
 * states reached at the failure. An operation with an unknown outcome never completes, so it may
 * take effect in any closure or never.
 * <p>This runs apart from the checker's search, for pages and stories only, on one partition, and
 * stops at {@code configurationsMax} configurations (then it says so and lists what it has).
 *
 * @param failing        the operation no configuration can linearize before it completes, or null
 *                       when the pass found none (the bound was reached first, or the partition is
 *                       not invalid)
 * @param states         the distinct states at the failure, each with why {@code failing} is illegal there
 * @param complete       false when the bound cut the pass short: there may be more states
 * @param everSeen       whether {@code failing} is legal in some state the history reached earlier:
 *                       then what it observed was current once (a stale read), and {@code sourceOp}
 *                       is an operation whose effect it saw; false means no operation, linearized
 *                       anywhere the history allows, produces what it observed
 * @param sourceOp       see {@code everSeen}, or null
 * @param duplicates     for a read of an appended-to value: elements that occur in the value read more
 *                       often than operations appended them, with the appending operations
 */
public record FailureStates(Operation failing, List<StateAtFailure> states, boolean complete, boolean everSeen,
                            Operation sourceOp, List<Duplicate> duplicates) {
    /** Default bound on configurations: a shrunk or ordinary partition stays far below it. */
    public static final int CONFIGURATIONS_MAX = 20_000;

    /** One state at the failure and why the failing operation is illegal in it. */
    public record StateAtFailure(String state, String reason, int configurations) {}

    /** An element read more often than it was appended, and the operations that appended it. */
    public record Duplicate(String element, int timesRead, List<Operation> appends) {}

    private record Config(BitSet linearized, Object state) {}

    /**
     * Runs the pass on the decisive partition of an invalid result.
     *
     * @param model the model the result was checked with
     */
    @SuppressWarnings("unchecked")
    public static FailureStates of(Model<?> model, PartitionResult partition, History history, int configurationsMax) {
        Objects.requireNonNull(model, "model");
        Model<Object> m = (Model<Object>) model;
        List<Operation> ops = partition.operations();
        if (partition.verdict() != Verdict.INVALID || ops.isEmpty()) {
            return new FailureStates(null, List.of(), true, false, null, List.of());
        }
        // Points in history order: a call (positive) or a completion of an OK operation.
        int[] localByEvent = new int[history.events().size()];
        java.util.Arrays.fill(localByEvent, -1);
        for (int i = 0; i < ops.size(); i++) {
            localByEvent[ops.get(i).callIndex()] = i;
            if (ops.get(i).isOk() && ops.get(i).completionIndex() >= 0) {
                localByEvent[ops.get(i).completionIndex()] = i;
            }
        }
        BitSet called = new BitSet(ops.size());
        Map<Config, Integer> configs = new LinkedHashMap<>(); // value: the last operation linearized, or -1
        configs.put(new Config(new BitSet(), m.init()), -1);
        Map<Object, Integer> seen = new HashMap<>(); // state -> an operation that led to it
        seen.put(m.init(), -1);
        boolean complete = true;
        for (int e = 0; e < localByEvent.length; e++) {
            int local = localByEvent[e];
            if (local < 0) {
                continue;
            }
            Operation op = ops.get(local);
            if (op.callIndex() == e) {
                called.set(local);
                continue;
            }
            Map<Config, Integer> closed = close(m, ops, called, configs, seen, configurationsMax);
            if (closed.size() >= configurationsMax) {
                complete = false;
            }
            Map<Config, Integer> survivors = new LinkedHashMap<>();
            closed.forEach((c, last) -> {
                if (c.linearized.get(local)) {
                    survivors.put(c, last);
                }
            });
            if (survivors.isEmpty()) {
                return failure(m, ops, op, closed, seen, complete);
            }
            configs = survivors;
        }
        return new FailureStates(null, List.of(), complete, false, null, List.of());
    }

    private static Map<Config, Integer> close(Model<Object> m, List<Operation> ops, BitSet called,
                                              Map<Config, Integer> configs, Map<Object, Integer> seen, int max) {
        Map<Config, Integer> closed = new LinkedHashMap<>(configs);
        Deque<Config> work = new ArrayDeque<>(configs.keySet());
        while (!work.isEmpty() && closed.size() < max) {
            Config c = work.poll();
            for (int i = called.nextSetBit(0); i >= 0 && closed.size() < max; i = called.nextSetBit(i + 1)) {
                if (c.linearized.get(i)) {
                    continue;
                }
                if (m.step(c.state, ops.get(i)) instanceof Step.Legal<Object> legal) {
                    BitSet next = (BitSet) c.linearized.clone();
                    next.set(i);
                    Config n = new Config(next, legal.state());
                    if (!closed.containsKey(n)) {
                        closed.put(n, i);
                        work.add(n);
                        seen.putIfAbsent(legal.state(), i);
                    }
                }
            }
        }
        return closed;
    }

    private static FailureStates failure(Model<Object> m, List<Operation> ops, Operation failing,
                                         Map<Config, Integer> closed, Map<Object, Integer> seen, boolean complete) {
        Map<Object, int[]> counts = new LinkedHashMap<>();
        for (Config c : closed.keySet()) {
            counts.computeIfAbsent(c.state, s -> new int[1])[0]++;
        }
        List<StateAtFailure> states = new ArrayList<>();
        counts.forEach((state, n) -> {
            Step<Object> step = m.step(state, failing);
            String reason = step instanceof Step.Illegal<Object> illegal ? illegal.reason() : "legal here, but not in time";
            states.add(new StateAtFailure(m.describe(state), reason, n[0]));
        });
        Operation source = null;
        boolean everSeen = false;
        for (Map.Entry<Object, Integer> s : seen.entrySet()) {
            if (m.step(s.getKey(), failing) instanceof Step.Legal<Object>) {
                everSeen = true;
                source = s.getValue() >= 0 ? ops.get(s.getValue()) : null;
                break;
            }
        }
        return new FailureStates(failing, List.copyOf(states), complete, everSeen, source,
                duplicates(failing, ops));
    }

    /** Elements of an append workload read more often than they were appended (a retry applied twice). */
    static List<Duplicate> duplicates(Operation read, Collection<Operation> ops) {
        if (!"read".equals(read.f()) || read.value() == null) {
            return List.of();
        }
        Map<String, List<Operation>> appends = new LinkedHashMap<>();
        for (Operation op : ops) {
            if ("append".equals(op.f()) && op.input() != null) {
                appends.computeIfAbsent(ValueText.of(op.input()), k -> new ArrayList<>()).add(op);
            }
        }
        List<Duplicate> found = new ArrayList<>();
        for (Map.Entry<String, List<Operation>> a : appends.entrySet()) {
            int read_ = occurrences(read.value(), a.getValue().get(0).input());
            if (read_ > a.getValue().size()) {
                found.add(new Duplicate(a.getKey(), read_, List.copyOf(a.getValue())));
            }
        }
        return List.copyOf(found);
    }

    private static int occurrences(Object value, Object element) {
        if (value instanceof List<?> list) {
            return (int) list.stream().filter(element::equals).count();
        }
        if (value instanceof String text && element instanceof String part && !part.isEmpty()) {
            int n = 0;
            for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
                n++;
            }
            return n;
        }
        return 0;
    }

    /**
     * One plain sentence on what the failing operation observed: that no operation could have
     * produced it, or that it was current once and had been replaced before the call.
     */
    public String plainly() {
        if (failing == null) {
            return complete ? "" : "The history has too many orders to list every state at the failure.";
        }
        StringBuilder text = new StringBuilder();
        if (!duplicates.isEmpty()) {
            Duplicate d = duplicates.get(0);
            text.append("The element ").append(d.element()).append(" occurs ").append(d.timesRead())
                    .append(" times in the value read but was appended ").append(times(d.appends().size()))
                    .append(" (").append(d.appends().get(0).describe())
                    .append("): an append applied twice, e.g. a retry that was not deduplicated. ");
        }
        if (!everSeen) {
            text.append("No operation of this history, linearized in any order real time allows, could have ")
                    .append("produced what ").append(failing.describe()).append(" observed.");
        } else {
            text.append("What ").append(failing.describe()).append(" observed is a state the history does reach")
                    .append(sourceOp == null ? " (the initial state)" : " (after " + sourceOp.describe() + ")")
                    .append(", but in no order real time allows is it the state between the call and the ")
                    .append("completion: a stale (or too early) result.");
        }
        return text.toString();
    }

    private static String times(int n) {
        return n == 1 ? "once" : n == 2 ? "twice" : n + " times";
    }
}
