package titan.sim;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

import titan.checker.history.Event;
import titan.checker.history.EventType;
import titan.checker.history.History;
import titan.checker.history.HistoryFormatException;
import titan.checker.history.JsonLinesFormat;

/**
 * The outcome of one simulated run.
 *
 * @param violationKind  the broken property ({@code leader-completeness}, {@code liveness}, …), or
 *                       {@code null} when every invariant held
 * @param endMicros      simulated time at the end
 * @param events         scheduler events executed (a measure of work)
 * @param committedIndex the highest index committed anywhere
 * @param coverage       the faults and recovery paths the run exercised
 * @param trace          the trace lines, when the run was traced
 * @param config         the run's configuration (drawn from the seed under swarm testing)
 */
public record SimResult(SimOptions options, FaultSchedule schedule, List<Event> history, String violationKind,
                        String violation, long endMicros, long events, long messages, long checks,
                        long committedIndex, Coverage coverage, List<Trace.Line> trace, SimConfig config) {
    public boolean ok() {
        return violationKind == null;
    }

    /**
     * The history as the checker takes it, with no detour through text; its operations cite the
     * lines they have in {@link #historyJsonLines()}.
     *
     * @param source how the checker's messages name it, e.g. {@code history.jsonl}
     * @throws HistoryFormatException when the simulator recorded a malformed history (a lab bug)
     */
    public History checkable(String source) throws HistoryFormatException {
        // Event i is line i + 1 of historyJsonLines(), so messages and stories can cite the file.
        int[] lines = new int[history.size()];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = i + 1;
        }
        return History.of(source, history, lines);
    }

    /** The history in the JSON Lines format of docs/history-format.md (the checker's one writer). */
    public String historyJsonLines() {
        StringWriter out = new StringWriter(history.size() * 96);
        try {
            JsonLinesFormat.write(History.of(history), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /** Client operations invoked (final reads included). */
    public long operations() {
        return history.stream().filter(e -> e.type() == EventType.INVOKE).count();
    }
}
