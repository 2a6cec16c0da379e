package titan.lab.bench;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The real clock. {@link #sleepUntil} parks the calling thread (at most about a millisecond at a
 * time, so a {@link #wake()} lost in a race costs no more than that); scheduled tasks run on one
 * daemon thread.
 */
public final class SystemLoadClock implements LoadClock, AutoCloseable {
    private static final long PARK_NANOS_MAX = 1_000_000;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "load-clock-timer");
        t.setDaemon(true);
        return t;
    });
    private volatile Thread sleeper;

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void sleepUntil(long deadlineNanos) throws InterruptedException {
        sleeper = Thread.currentThread();
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining > 0) {
            LockSupport.parkNanos(this, Math.min(remaining, PARK_NANOS_MAX));
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
    }

    @Override
    public void wake() {
        Thread t = sleeper;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void schedule(long atNanos, Runnable task) {
        timer.schedule(task, Math.max(0, atNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
