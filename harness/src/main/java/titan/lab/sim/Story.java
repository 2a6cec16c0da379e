package titan.lab.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import titan.checker.PartitionResult;
import titan.checker.history.History;
import titan.checker.history.Operation;
import titan.checker.model.KvModel;
import titan.checker.report.FailureStates;
import titan.sim.SimResult;
import titan.sim.Trace;

/**
 * The story of a failing run, centred on the failure, in lines a person reads in half a minute.
 * <p>For a non-linearizable history: the operation that cannot be linearized (which process, key,
 * value, node, times, and its line in {@code history.jsonl}), the operations it conflicts with (the
 * last one the checker could linearize, those that wrote what it read, the last changes completed
 * before its call, those running at the same time), every model state at the failure with one plain sentence, then the trace's events on the
 * nodes that served those operations from the first of them to the failure, each with its line in
 * {@code trace.txt}. For a broken invariant or liveness: the message and the events before the end.
 */
public final class Story {
    /** Trace events printed at most; the folder's trace.txt has them all. */
    static final int EVENTS_MAX = 45;
    private static final int CONFLICTS_MAX = 6;

    private Story() {}

    /**
     * @param outcome a traced run's outcome, checked (its {@code check()} describes {@code history})
     * @param history the run's history as the checker read it, or null for a run that failed an invariant
     */
    public static List<String> of(SeedOutcome outcome, History history) {
        SimResult run = outcome.result();
        if (outcome.status() == SeedOutcome.Status.NOT_LINEARIZABLE && history != null && outcome.check() != null
                && outcome.check().decisive().isPresent()) {
            return nonLinearizable(outcome, history, outcome.check().decisive().get());
        }
        List<String> lines = new ArrayList<>();
        String message = firstLine(outcome.message());
        lines.add(message.startsWith(outcome.failureKind()) ? message : outcome.failureKind() + ": " + message);
        List<Trace.Line> trace = run.trace();
        List<Integer> shown = new ArrayList<>();
        for (int i = trace.size() - 1; i >= 0 && shown.size() < EVENTS_MAX; i--) {
            if (!trace.get(i).kind().equals("message")) {
                shown.add(0, i);
            }
        }
        lines.add("the last " + shown.size() + " events before the failure (trace.txt has every event and message):");
        shown.forEach(i -> lines.add(traceLine(trace, i)));
        return lines;
    }

    private static List<String> nonLinearizable(SeedOutcome outcome, History history, PartitionResult partition) {
        List<String> lines = new ArrayList<>();
        Operation failing = partition.failingOperation();
        lines.add("not linearizable on key " + partition.name() + ": " + (failing == null ? "no single operation"
                : failing.describe() + " cannot be linearized after " + partition.linearization().size() + " of "
                + partition.operations().size() + " operations"));
        if (failing == null) {
            return lines;
        }
        lines.add("  failing:   " + op(failing, history));
        List<Operation> conflicts = conflicts(failing, partition, history);
        for (Operation c : conflicts) {
            lines.add("  " + String.format(Locale.ROOT, "%-10s ", role(c, failing, partition) + ":") + op(c, history));
        }
        FailureStates states = FailureStates.of(new KvModel(), partition, history, FailureStates.CONFIGURATIONS_MAX);
        if (states.failing() != null) {
            lines.add("  states at the failure: " + states.states().stream()
                    .map(s -> s.state() + " (" + s.reason() + ")").limit(6).reduce((a, b) -> a + "; " + b).orElse("")
                    + (states.states().size() > 6 ? "; ... " + states.states().size() + " in all" : ""));
            lines.add("  " + states.plainly());
        }
        Set<String> nodes = new LinkedHashSet<>();
        List<Operation> involved = new ArrayList<>(conflicts);
        involved.add(failing);
        involved.forEach(o -> {
            if (o.node() != null) {
                nodes.add(o.node());
            }
        });
        long fromMicros = involved.stream().mapToLong(Operation::callTimeNanos).filter(t -> t >= 0).min().orElse(0) / 1000;
        long toMicros = Math.max(failing.completionTimeNanos(), failing.callTimeNanos()) / 1000;
        List<Trace.Line> trace = outcome.result().trace();
        List<Integer> shown = new ArrayList<>();
        for (int i = 0; i < trace.size(); i++) {
            Trace.Line l = trace.get(i);
            if (l.timeMicros() >= fromMicros && l.timeMicros() <= toMicros && relevant(l, nodes, partition.name())) {
                shown.add(i);
            }
        }
        int dropped = Math.max(0, shown.size() - EVENTS_MAX);
        lines.add(String.format(Locale.ROOT, "events on %s and key %s from %.3f ms to %.3f ms%s:",
                nodes.isEmpty() ? "every node" : String.join(", ", nodes), partition.name(), fromMicros / 1000.0,
                toMicros / 1000.0, dropped > 0 ? " (the last " + EVENTS_MAX + " of " + shown.size() + ")" : ""));
        shown.subList(dropped, shown.size()).forEach(i -> lines.add(traceLine(trace, i)));
        return lines;
    }

    /** Node events on the involved nodes, faults, and client events on the failing key. */
    private static boolean relevant(Trace.Line l, Set<String> nodes, String key) {
        return switch (l.kind()) {
            case "message" -> false;
            case "nemesis", "end" -> true;
            case "client" -> l.text().contains(" " + key + " ") || l.text().endsWith(" " + key);
            default -> l.node() == null || nodes.isEmpty() || nodes.contains(l.node().toString());
        };
    }

    /**
     * The operations a reader must see beside the failing one: the last operation the checker
     * linearized, those whose written value appears in what the failing operation read, and those
     * running while it ran.
     */
    static List<Operation> conflicts(Operation failing, PartitionResult partition, History history) {
        Set<Operation> chosen = new LinkedHashSet<>();
        List<Integer> order = partition.linearization();
        if (!order.isEmpty()) {
            chosen.add(history.operations().get(order.get(order.size() - 1)));
        }
        String read = "read".equals(failing.f()) && failing.value() instanceof String s ? s : null;
        List<Operation> writers = new ArrayList<>();
        List<Operation> concurrent = new ArrayList<>();
        for (Operation op : partition.operations()) {
            if (op.id() == failing.id()) {
                continue;
            }
            String written = written(op);
            // A write or cas sets the value a read starts with; an append adds an element it contains.
            if (read != null && written != null && !written.isEmpty()
                    && (op.f().equals("append") ? read.contains(written) : read.startsWith(written))) {
                writers.add(op);
            }
            boolean overlaps = op.callIndex() < (failing.completionIndex() < 0 ? Integer.MAX_VALUE
                    : failing.completionIndex()) && (op.completionIndex() < 0 || op.completionIndex() > failing.callIndex());
            if (overlaps) {
                concurrent.add(op);
            }
        }
        writers.stream().sorted(Comparator.comparingInt(Operation::callIndex).reversed()).limit(3).forEach(chosen::add);
        // The last changes that completed before the failing call: real time puts them before it.
        partition.operations().stream()
                .filter(op -> !op.f().equals("read") && op.isOk() && op.completionIndex() >= 0
                        && op.completionIndex() < failing.callIndex())
                .sorted(Comparator.comparingInt(Operation::completionIndex).reversed()).limit(2).forEach(chosen::add);
        concurrent.stream().limit(CONFLICTS_MAX).forEach(chosen::add);
        chosen.remove(failing);
        return chosen.stream().limit(CONFLICTS_MAX).sorted(Comparator.comparingInt(Operation::callIndex)).toList();
    }

    private static String written(Operation op) {
        return switch (op.f()) {
            case "write", "append" -> op.input() instanceof String s ? s : null;
            case "cas" -> op.input() instanceof List<?> l && l.size() == 2 && l.get(1) instanceof String s ? s : null;
            default -> null;
        };
    }

    private static String role(Operation op, Operation failing, PartitionResult partition) {
        List<Integer> order = partition.linearization();
        if (!order.isEmpty() && order.get(order.size() - 1) == op.id()) {
            return "last ok";
        }
        boolean overlaps = op.callIndex() < (failing.completionIndex() < 0 ? Integer.MAX_VALUE : failing.completionIndex())
                && (op.completionIndex() < 0 || op.completionIndex() > failing.callIndex());
        if (overlaps) {
            return "concurrent";
        }
        String read = "read".equals(failing.f()) && failing.value() instanceof String s ? s : null;
        String written = written(op);
        boolean wrote = read != null && written != null && !written.isEmpty()
                && (op.f().equals("append") ? read.contains(written) : read.startsWith(written));
        return wrote ? "wrote" : "before";
    }

    /** {@code p3 read k0 "260a239;" ok  on n4, 12.345-13.102 ms  (history.jsonl:944)} */
    static String op(Operation op, History history) {
        String times = op.callTimeNanos() < 0 ? "" : String.format(Locale.ROOT, ", %.3f-%s ms", op.callTimeNanos() / 1e6,
                op.completionIndex() < 0 || op.completionTimeNanos() < 0 ? "?"
                        : String.format(Locale.ROOT, "%.3f", op.completionTimeNanos() / 1e6));
        return op.describe() + "  on " + (op.node() == null ? "no node" : op.node()) + times + "  (history.jsonl:"
                + history.lineOf(op.callIndex()) + (op.completionIndex() < 0 ? "" : "-" + history.lineOf(op.completionIndex()))
                + ")";
    }

    private static String traceLine(List<Trace.Line> trace, int index) {
        return String.format(Locale.ROOT, "  %6d | %s", index + 1, trace.get(index));
    }

    static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
