package titan.lab.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.function.LongSupplier;

/**
 * CPU time used so far by the load generator itself: the client I/O threads (named
 * {@value #CLIENT_THREAD_PREFIX}..., see {@link TitanClientFactory}), the clients' deadline timer
 * ({@link titan.client.CallTimer#THREAD_NAME}) and the thread that drives the
 * load, from the JVM's per-thread CPU clocks. It leaves out what else the lab's JVM runs (the local
 * runtime's peer-link proxies, the progress bar), so the figure answers one question: did the
 * generator have the CPU it needed to keep its schedule? Returns -1 where thread CPU time is not
 * supported. Threads that ended are not counted (the client threads live for the whole run).
 */
public final class GeneratorCpu implements LongSupplier {
    public static final String CLIENT_THREAD_PREFIX = "bench-client";

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final long driver;

    /** The calling thread is the driving thread. */
    public GeneratorCpu() {
        this.driver = Thread.currentThread().getId();
        if (threads.isThreadCpuTimeSupported() && !threads.isThreadCpuTimeEnabled()) {
            threads.setThreadCpuTimeEnabled(true);
        }
    }

    @Override
    public long getAsLong() {
        if (!threads.isThreadCpuTimeSupported()) {
            return -1;
        }
        long total = Math.max(0, threads.getThreadCpuTime(driver));
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && (info.getThreadName().startsWith(CLIENT_THREAD_PREFIX)
                    || info.getThreadName().startsWith(titan.client.CallTimer.THREAD_NAME))) {
                total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }
}
