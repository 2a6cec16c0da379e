package titan.node.api;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@link ClientProtocolBenchmark}'s operations timed in the thread's CPU time instead of wall time.
 * On a shared machine (load average far above the core count) JMH's wall-clock scores swing tenfold
 * with the other processes, because a preempted thread's wait counts as time of the op; CPU time
 * counts only what the op itself ran. Prints CPU nanoseconds per op for each operation: the median
 * and the lowest of {@code rounds} rounds of {@code ops} ops each, after {@code warmupOps} ops.
 * <pre>
 *   java -cp jmh-bench/target/benchmarks.jar titan.node.api.ClientProtocolCpuProbe [ops] [rounds] [warmupOps]
 * </pre>
 */
public final class ClientProtocolCpuProbe {
    private ClientProtocolCpuProbe() {}

    public static void main(String[] args) {
        int ops = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int warmupOps = args.length > 2 ? Integer.parseInt(args[2]) : 200_000;
        ClientProtocolBenchmark b = new ClientProtocolBenchmark();
        b.valueBytes = 256;
        b.setUp();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<String> names = List.of("binaryServer", "httpServer", "binary", "httpJson");
        List<Supplier<Object>> opsList = List.of(b::binaryServer, b::httpServer, b::binary, b::httpJson);
        Object sink = null;
        for (int i = 0; i < names.size(); i++) {
            Supplier<Object> op = opsList.get(i);
            for (int w = 0; w < warmupOps; w++) {
                sink = op.get();
            }
            List<Double> perOp = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                long start = threads.getCurrentThreadCpuTime();
                for (int n = 0; n < ops; n++) {
                    sink = op.get();
                }
                perOp.add((threads.getCurrentThreadCpuTime() - start) / (double) ops);
            }
            perOp.sort(null);
            System.out.printf(Locale.ROOT, "%-13s CPU ns/op: median %8.0f  lowest %8.0f  (%d rounds of %d ops)%n",
                    names.get(i), perOp.get(perOp.size() / 2), perOp.get(0), rounds, ops);
        }
        b.tearDown();
        if (sink == null) {
            System.out.println("(no result)");
        }
    }
}
