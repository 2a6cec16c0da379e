package titan.sim;

import java.util.PriorityQueue;

/**
 * The simulator's clock and event queue: one thread, simulated microseconds, and a total order on
 * events (time, then scheduling order), so a seed replays exactly.
 */
final class SimScheduler {
    private static final class Event implements Comparable<Event> {
        final long timeMicros;
        final long sequence;
        final Runnable action;

        Event(long timeMicros, long sequence, Runnable action) {
            this.timeMicros = timeMicros;
            this.sequence = sequence;
            this.action = action;
        }

        @Override
        public int compareTo(Event o) {
            int c = Long.compare(timeMicros, o.timeMicros);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }

    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private long nowMicros;
    private long sequence;
    private long executed;

    long nowMicros() {
        return nowMicros;
    }

    long executed() {
        return executed;
    }

    void at(long timeMicros, Runnable action) {
        queue.add(new Event(Math.max(timeMicros, nowMicros), sequence++, action));
    }

    void after(long delayMicros, Runnable action) {
        at(nowMicros + delayMicros, action);
    }

    /** Runs events up to and including {@code untilMicros}, then sets the clock there. */
    void runUntil(long untilMicros) {
        while (!queue.isEmpty() && queue.peek().timeMicros <= untilMicros) {
            runNext();
        }
        nowMicros = Math.max(nowMicros, untilMicros);
    }

    /** Runs one event; returns false when the queue is empty. */
    boolean runNext() {
        Event e = queue.poll();
        if (e == null) {
            return false;
        }
        nowMicros = e.timeMicros;
        executed++;
        e.action.run();
        return true;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }
}
