package titan.checker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import titan.checker.history.History;
import titan.checker.model.KvModel;

/**
 * Whole-check times for the shapes of {@link KvWorkloadCheckBenchmark}, for a side-by-side run of two
 * builds of the checker (it uses the public API only, so it runs against an older jar too):
 * <pre>
 * java -Xmx6g -cp jmh-bench/target/benchmarks.jar titan.checker.KvCheckShapes [rounds] [timeout-s] [shape...]
 * </pre>
 * Each shape is generated once, then checked {@code rounds} times (valid, then its invalid twin); the
 * median time is printed with the verdict. The first round includes JIT warm-up, as a command would.
 */
public final class KvCheckShapes {
    private KvCheckShapes() {}

    record Shape(String name, int operations, int clients, int keys, double infoRate, int histories) {}

    static final List<Shape> SHAPES = List.of(
            new Shape("1700-c50-k10-noinfo", 1_700, 50, 10, 0.0, 1),
            new Shape("10k-c10-k10", 10_000, 10, 10, 0.01, 1),
            new Shape("10k-c50-k10", 10_000, 50, 10, 0.01, 1),
            new Shape("100k-c10-k10", 100_000, 10, 10, 0.01, 1),
            new Shape("100k-c50-k10", 100_000, 50, 10, 0.01, 1),
            new Shape("100k-c50-k1000", 100_000, 50, 1_000, 0.01, 1),
            new Shape("40x-small", 30, 3, 3, 0.01, 40));

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Duration timeout = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 60);
        List<String> wanted = args.length > 2 ? Arrays.asList(args).subList(2, args.length) : List.of();
        CheckOptions options = CheckOptions.defaults().withTimeout(timeout);
        for (Shape shape : SHAPES) {
            if (!wanted.isEmpty() && !wanted.contains(shape.name())) {
                continue;
            }
            List<History> valid = new ArrayList<>();
            List<History> invalid = new ArrayList<>();
            for (int h = 0; h < shape.histories(); h++) {
                KvWorkloadHistories generator = new KvWorkloadHistories(shape.operations(), shape.clients(),
                        shape.keys(), 1.0 / 3, shape.infoRate());
                History history = generator.generate(1 + h);
                valid.add(history);
                invalid.add(KvWorkloadHistories.withCorruptedRead(history));
            }
            report(shape.name() + " valid", valid, rounds, options);
            report(shape.name() + " invalid", invalid, rounds, options);
        }
    }

    private static void report(String label, List<History> histories, int rounds, CheckOptions options) {
        long[] nanos = new long[rounds];
        String verdicts = "";
        String reason = "";
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            StringBuilder seen = new StringBuilder();
            for (History history : histories) {
                CheckResult result = Linearizability.check(new KvModel(), history, options);
                if (seen.indexOf(result.verdict().name()) < 0) {
                    seen.append(seen.length() == 0 ? "" : "/").append(result.verdict());
                }
                if (result.verdict() == Verdict.UNKNOWN) {
                    reason = result.explanation();
                }
            }
            nanos[round] = System.nanoTime() - start;
            verdicts = seen.toString();
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        StringBuilder all = new StringBuilder();
        for (long n : nanos) {
            all.append(String.format(" %.1f", n / 1e6));
        }
        System.out.printf("%-28s %-8s median %10.1f ms  rounds(ms):%s %s%n", label, verdicts,
                sorted[rounds / 2] / 1e6, all, reason);
    }
}
