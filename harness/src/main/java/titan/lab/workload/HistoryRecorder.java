package titan.lab.workload;

import java.util.ArrayList;
import java.util.List;

import titan.checker.history.Event;
import titan.checker.history.EventType;
import titan.checker.history.History;
import titan.checker.history.Process;

/**
 * Collects a test's history in memory, in the order events happen, with the checker's own types:
 * the same {@link History} is checked and written, never parsed back from text. Times are
 * nanoseconds since the recorder was made (the test's start). Thread-safe: clients and the nemesis
 * record concurrently; each event is stamped under the lock, so times never go back.
 */
public final class HistoryRecorder {
    private final long startNanos = System.nanoTime();
    private final List<Event> events = new ArrayList<>();

    /** The start, on {@link System#nanoTime()}'s scale. */
    public long originNanos() {
        return startNanos;
    }

    /** Nanoseconds since the start. */
    public long nowNanos() {
        return System.nanoTime() - startNanos;
    }

    /** Records an event stamped now ({@code timeNanos} of {@code event} is replaced). */
    public synchronized Event record(Event event) {
        Event stamped = new Event(event.process(), event.type(), event.f(), event.key(), event.value(), nowNanos(),
                event.node(), event.error());
        events.add(stamped);
        return stamped;
    }

    /** Records a nemesis note: {@code f} is {@code start-<fault>} or {@code stop-<fault>}. */
    public Event nemesis(String f, String detail) {
        return record(new Event(Process.NEMESIS, EventType.INFO, f, null, detail, 0, null, null));
    }

    /** Records that the nemesis begins {@code f} (Jepsen's nemesis {@code invoke}); its {@link #nemesis} info follows. */
    public Event nemesisInvoke(String f) {
        return record(new Event(Process.NEMESIS, EventType.INVOKE, f, null, null, 0, null, null));
    }

    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** The history so far, paired into operations. */
    public History history() {
        return History.of(events());
    }
}
