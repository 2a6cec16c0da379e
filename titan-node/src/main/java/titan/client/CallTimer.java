package titan.client;

import io.netty.channel.EventLoopGroup;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The calls' deadlines, for every client of the JVM on one hashed timing wheel (Varghese and Lauck,
 * "Hashed and Hierarchical Timing Wheels", 1987, scheme 6) and its one daemon thread,
 * {@value #THREAD_NAME}. Arming a deadline is an object and a queue offer, cancelling it another
 * offer: every call has one and almost every call cancels it. A task in an event loop's scheduled
 * queue instead cost a heap insert, a heap removal on cancel (O(log n) with n calls in flight, on
 * the I/O thread) and an object per call twice as large; it was 15% of the load generator's I/O
 * thread (docs/performance.md). A deadline fires up to one tick ({@value #TICK_MILLIS} ms) late,
 * and its task runs on the client's event loop, as before: the timer thread only hands it over.
 */
public final class CallTimer {
    /** The timer thread's name (a prefix of it): the load benchmark counts it as the generator's CPU. */
    public static final String THREAD_NAME = "titan-client-timer";
    static final long TICK_MILLIS = 5;

    private static final HashedWheelTimer TIMER = new HashedWheelTimer(new DefaultThreadFactory(THREAD_NAME, true),
            TICK_MILLIS, TimeUnit.MILLISECONDS, 1024);

    private CallTimer() {
    }

    /** Runs {@code task} on {@code group} after {@code delayNanos} unless the returned timeout is cancelled first. */
    static Timeout schedule(EventLoopGroup group, Runnable task, long delayNanos) {
        return TIMER.newTimeout(t -> {
            try {
                group.execute(task);
            } catch (RejectedExecutionException e) {
                // the client's own group is shut down: close() ended its calls
            }
        }, delayNanos, TimeUnit.NANOSECONDS);
    }
}
