package titan.sim;

import java.util.List;
import java.util.stream.Collectors;

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
public record SimResult(SimOptions options, FaultSchedule schedule, List<HistoryEvent> history, String violationKind,
                        String violation, long endMicros, long events, long messages, long checks,
                        long committedIndex, Coverage coverage, List<Trace.Line> trace, SimConfig config) {
    public boolean ok() {
        return violationKind == null;
    }

    /** The history in the native JSON Lines format, one event per line. */
    public String historyJsonLines() {
        return history.stream().map(HistoryEvent::toJson).collect(Collectors.joining("\n", "", "\n"));
    }

    /** Client operations invoked (final reads included). */
    public long operations() {
        return history.stream().filter(e -> e.type().equals("invoke")).count();
    }
}
