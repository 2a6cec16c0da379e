package titan.checker.history;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A recorded history: the events in the order they were observed, and the operations paired from
 * them. Immutable.
 * <p>Pairing follows Jepsen: each client process has at most one open call; its next event must be
 * the completion ({@code ok}, {@code fail} or {@code info}) of that call. A call still open at the
 * end of the history is an operation with an unknown outcome, like an {@code info}. Nemesis events
 * are kept in {@link #events()} and left out of {@link #operations()}.
 */
public final class History {
    private final String source;
    private final List<Event> events;
    private final int[] lines;
    private final List<Operation> operations;
    private final List<HistoryWarning> warnings;

    private History(String source, List<Event> events, int[] lines, List<Operation> operations,
                    List<HistoryWarning> warnings) {
        this.source = source;
        this.events = events;
        this.lines = lines;
        this.operations = operations;
        this.warnings = List.copyOf(warnings);
    }

    /**
     * Pairs {@code events} into operations.
     *
     * @param source a label for messages, e.g. the file name
     * @param lines  the 1-based source line of each event, or null when the events come from code
     * @throws HistoryFormatException naming the line (or event index) of a completion without a
     *                                call, a second call while one is open, or a completion that
     *                                does not match its call
     */
    public static History of(String source, List<Event> events, int[] lines) throws HistoryFormatException {
        Objects.requireNonNull(source, "source");
        List<Event> copy = List.copyOf(events);
        if (lines != null && lines.length != copy.size()) {
            throw new IllegalArgumentException("lines has " + lines.length + " entries for " + copy.size() + " events");
        }
        int[] lineCopy = lines == null ? null : lines.clone();
        List<HistoryWarning> warnings = new ArrayList<>();
        List<Operation> operations = pair(source, copy, lineCopy, warnings);
        timeWarnings(source, copy, lineCopy, warnings);
        return new History(source, copy, lineCopy, operations, warnings);
    }

    /** The same history with warnings its reader found (duplicate fields, duplicate indices) first. */
    History withReaderWarnings(List<HistoryWarning> readerWarnings) {
        if (readerWarnings.isEmpty()) {
            return this;
        }
        List<HistoryWarning> all = new ArrayList<>(readerWarnings);
        all.addAll(warnings);
        return new History(source, events, lines, operations, all);
    }

    /**
     * What looks wrong but does not stop the history being read: times that go backward (in file
     * order) or are negative, a process that invokes again after an {@code info} (Jepsen retires
     * it: its operation may still take effect, so a new process takes its place), and what the
     * reader found. See {@link HistoryLint} for the checks that need to know the model.
     */
    public List<HistoryWarning> warnings() {
        return warnings;
    }

    private static void timeWarnings(String source, List<Event> events, int[] lines, List<HistoryWarning> warnings) {
        long latest = Long.MIN_VALUE;
        int latestAt = -1;
        for (int i = 0; i < events.size(); i++) {
            long time = events.get(i).timeNanos();
            if (time == Event.TIME_UNKNOWN) {
                continue;
            }
            if (time < 0) {
                warnings.add(warning(source, lines, i, "negative time " + time + " (times are nanoseconds since the "
                        + "test started)"));
            } else if (time < latest) {
                warnings.add(warning(source, lines, i, "time goes backward: " + time + " after " + latest + " at "
                        + position(lines, latestAt)));
            }
            if (time > latest) {
                latest = time;
                latestAt = i;
            }
        }
    }

    private static HistoryWarning warning(String source, int[] lines, int eventIndex, String reason) {
        return lines == null ? new HistoryWarning(source, 0, "event " + eventIndex + ": " + reason)
                : new HistoryWarning(source, lines[eventIndex], reason);
    }

    /** Pairs events built in code; a malformed history is a programming error here. */
    public static History of(List<Event> events) {
        try {
            return of("history", events, null);
        } catch (HistoryFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    public static History of(Event... events) {
        return of(List.of(events));
    }

    public String source() {
        return source;
    }

    public List<Event> events() {
        return events;
    }

    /** Operations in call order; {@code operations().get(i).id() == i}. */
    public List<Operation> operations() {
        return operations;
    }

    /** The source line of event {@code eventIndex}, or 0 when unknown. */
    public int lineOf(int eventIndex) {
        return lines == null || eventIndex < 0 ? 0 : lines[eventIndex];
    }

    /** "file:line" (or "file, event N") of an event, for messages. */
    public String where(int eventIndex) {
        int line = lineOf(eventIndex);
        return line > 0 ? source + ":" + line : source + ", event " + eventIndex;
    }

    private static List<Operation> pair(String source, List<Event> events, int[] lines,
                                        List<HistoryWarning> warnings) throws HistoryFormatException {
        Map<Integer, Integer> openCallByProcess = new HashMap<>();
        Map<Integer, Integer> infoByProcess = new HashMap<>();
        List<Integer> callIndices = new ArrayList<>();
        Map<Integer, Integer> completionByCall = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            if (!(event.process() instanceof Process.Client client)) {
                continue;
            }
            Integer open = openCallByProcess.get(client.id());
            if (event.type() == EventType.INVOKE) {
                if (open != null) {
                    throw error(source, lines, i, "process " + client.id() + " invokes " + event.f()
                            + " while its " + events.get(open).f() + " from " + position(lines, open) + " is still open");
                }
                Integer info = infoByProcess.remove(client.id());
                if (info != null) {
                    warnings.add(warning(source, lines, i, "process " + client.id() + " invokes again after its info at "
                            + position(lines, info) + "; after an info a process is retired (its operation may "
                            + "still take effect) and a new process id takes its place"));
                }
                openCallByProcess.put(client.id(), i);
                callIndices.add(i);
                continue;
            }
            if (open == null) {
                throw error(source, lines, i, "process " + client.id() + " completes " + event.f() + " ("
                        + event.type().wireName() + ") without an open invoke");
            }
            Event call = events.get(open);
            if (!call.f().equals(event.f())) {
                throw error(source, lines, i, "process " + client.id() + " completes " + event.f()
                        + " but invoked " + call.f() + " at " + position(lines, open));
            }
            if (call.key() != null && event.key() != null && !call.key().equals(event.key())) {
                throw error(source, lines, i, "process " + client.id() + " completes key " + event.key()
                        + " but invoked key " + call.key() + " at " + position(lines, open));
            }
            completionByCall.put(open, i);
            openCallByProcess.remove(client.id());
            if (event.type() == EventType.INFO) {
                infoByProcess.put(client.id(), i);
            }
        }
        List<Operation> operations = new ArrayList<>(callIndices.size());
        for (int callIndex : callIndices) {
            operations.add(operation(operations.size(), events, callIndex, completionByCall.getOrDefault(callIndex, -1)));
        }
        return Collections.unmodifiableList(operations);
    }

    private static Operation operation(int id, List<Event> events, int callIndex, int completionIndex) {
        Event call = events.get(callIndex);
        Event completion = completionIndex < 0 ? null : events.get(completionIndex);
        Operation.Outcome outcome = completion == null ? Operation.Outcome.UNKNOWN : switch (completion.type()) {
            case OK -> Operation.Outcome.OK;
            case FAIL -> Operation.Outcome.FAIL;
            case INFO, INVOKE -> Operation.Outcome.UNKNOWN;
        };
        String key = call.key() != null ? call.key() : completion == null ? null : completion.key();
        String node = call.node() != null ? call.node() : completion == null ? null : completion.node();
        return new Operation(id, ((Process.Client) call.process()).id(), call.f(), key, call.value(),
                completion == null ? null : completion.value(), outcome, callIndex, completionIndex,
                call.timeNanos(), completion == null ? Event.TIME_UNKNOWN : completion.timeNanos(), node,
                completion == null ? null : completion.error());
    }

    private static String position(int[] lines, int eventIndex) {
        return lines == null ? "event " + eventIndex : "line " + lines[eventIndex];
    }

    private static HistoryFormatException error(String source, int[] lines, int eventIndex, String reason) {
        return lines == null
                ? new HistoryFormatException(source, 0, "event " + eventIndex + ": " + reason)
                : new HistoryFormatException(source, lines[eventIndex], reason);
    }
}
