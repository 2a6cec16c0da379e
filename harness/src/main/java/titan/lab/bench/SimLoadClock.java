package titan.lab.bench;

import java.util.PriorityQueue;

/**
 * Simulated time for tests: nothing happens between calls, and {@link #sleepUntil} runs the tasks
 * due up to its deadline in (time, scheduling order) and then sets the time to the deadline, or
 * returns at a task's time if that task called {@link #wake()}. One
 * thread only; a run is deterministic.
 */
public final class SimLoadClock implements LoadClock {
    private record Task(long atNanos, long order, Runnable run) {}

    private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) -> a.atNanos != b.atNanos
            ? Long.compare(a.atNanos, b.atNanos) : Long.compare(a.order, b.order));
    private long now;
    private long order;
    private boolean woken;

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public void sleepUntil(long deadlineNanos) {
        woken = false;
        while (!tasks.isEmpty() && tasks.peek().atNanos <= deadlineNanos) {
            Task t = tasks.poll();
            now = Math.max(now, t.atNanos);
            t.run.run();
            if (woken) { // a task woke the sleeper: return at the task's time, as a real thread would
                woken = false;
                return;
            }
        }
        now = Math.max(now, deadlineNanos);
    }

    /** Makes the current {@link #sleepUntil} return after the task that calls this. */
    @Override
    public void wake() {
        woken = true;
    }

    @Override
    public void schedule(long atNanos, Runnable task) {
        tasks.add(new Task(Math.max(atNanos, now), order++, task));
    }
}
