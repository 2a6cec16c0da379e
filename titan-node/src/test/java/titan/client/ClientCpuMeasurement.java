package titan.client;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A printout, not an assertion: the client's own CPU time per request (the sending thread, the
 * client's I/O thread and its deadline timer, from the JVM's per-thread CPU clocks) when one thread
 * sends puts of 256-byte values at a fixed rate, as the load benchmark's open loop does, to one fake
 * node on loopback. The node's CPU is not counted, so the figure hardly depends on the machine's
 * load. Run with {@code ./mvnw -pl titan-node -am -Pall-tests test -Dtest=ClientCpuMeasurement
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("slow")
class ClientCpuMeasurement {
    private static final byte[] VALUE = new byte[256];
    private static final String IO_THREADS = "measured-client";
    private static final double RATE = 20_000;

    @Test
    void printClientCpuPerRequest() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (LoopbackCluster cluster = new LoopbackCluster(1).leaderIs(1)) {
            for (int round = 1; round <= 3; round++) {
                for (String protocol : List.of("tcp", "http")) {
                    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(IO_THREADS, true),
                            NioIoHandler.newFactory());
                    ClientOptions options = ClientOptions.defaults().withConnectionsPerNode(protocol.equals("tcp") ? 4 : 64)
                            .withInFlightMax(256);
                    try (TitanClient client = protocol.equals("tcp") ? new TcpTitanClient(cluster.endpoints, options, group)
                            : new HttpTitanClient(cluster.endpoints, options, group)) {
                        send(client, Duration.ofSeconds(1)); // warm-up
                        long cpu0 = clientCpu(threads);
                        long done = send(client, Duration.ofSeconds(3));
                        long cpu = clientCpu(threads) - cpu0;
                        System.out.printf("round %d %-4s: %,8d requests at %,.0f/s, client CPU %.1f us/request%n", round,
                                protocol, done, RATE, cpu / 1e3 / done);
                    } finally {
                        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
                    }
                }
            }
        }
    }

    /** Puts at {@link #RATE} from this thread for {@code duration}, at most 2,048 outstanding; returns how many completed. */
    private static long send(TitanClient client, Duration duration) {
        LongAdder completed = new LongAdder();
        AtomicInteger outstanding = new AtomicInteger();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        double interval = 1e9 / RATE;
        for (long i = 0; ; ) {
            long intended = start + (long) (i * interval);
            if (intended >= end) {
                break;
            }
            long now = System.nanoTime();
            if (intended > now || outstanding.get() >= 2048) {
                LockSupport.parkNanos(Math.max(10_000, intended - now));
                continue;
            }
            outstanding.incrementAndGet();
            client.put("k" + (i % 1000), VALUE).whenComplete((o, e) -> {
                completed.increment();
                outstanding.decrementAndGet();
            });
            i++;
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        return completed.sum();
    }

    /** CPU time of this thread, the client's I/O threads and the deadline timer. */
    private static long clientCpu(ThreadMXBean threads) {
        long total = threads.getCurrentThreadCpuTime();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && (info.getThreadName().startsWith(IO_THREADS)
                    || info.getThreadName().startsWith("titan-client-timer"))) {
                total += threads.getThreadCpuTime(info.getThreadId());
            }
        }
        return total;
    }
}
