package titan.lab.bench;

/**
 * Time for the load generator, and for the fake server that answers it in tests: the real clock
 * ({@link SystemLoadClock}) or a simulated one ({@link SimLoadClock}) that makes a whole benchmark
 * run deterministic, in one thread, without sleeping.
 */
public interface LoadClock {
    /** Monotonic nanoseconds; only differences mean anything. */
    long nanoTime();

    /**
     * Returns at {@code deadlineNanos} or soon after, or earlier when {@link #wake()} is called.
     * A simulated clock runs every task scheduled up to the deadline, in time order, before it returns.
     */
    void sleepUntil(long deadlineNanos) throws InterruptedException;

    /** Wakes a thread in {@link #sleepUntil}, e.g. when a request completed and freed a slot. */
    void wake();

    /**
     * Runs {@code task} at {@code atNanos} (at once if it is past). Must not block; the task runs on
     * the clock's thread and must not block either.
     */
    void schedule(long atNanos, Runnable task);
}
