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
 * Shapes are named as in {@link #SHAPES}; {@code registers} adds the Knossos set and a cas register
 * of 10,000 operations, the histories that must not get slower. For the old build:
 * <pre>
 * java -cp old-checker.jar:jmh-bench/target/classes titan.checker.KvCheckShapes ...
 * </pre>
 * Each shape is generated once, then checked {@code rounds} times (valid, then its invalid twin); the
 * median wall and CPU time (the whole process's, so all checker threads and GC) are printed with the
 * verdict; on a shared machine the CPU time is the steadier figure. The first round includes JIT
 * warm-up, as a command would.
 */
public final class KvCheckShapes {
    private KvCheckShapes() {}

    /** @param labMix whether the mix has cas and deletes too ({@link KvWorkloadHistories#labMix}) */
    record Shape(String name, int operations, int clients, int keys, double infoRate, int histories,
                 boolean labMix) {
        Shape(String name, int operations, int clients, int keys, double infoRate, int histories) {
            this(name, operations, clients, keys, infoRate, histories, false);
        }

        KvWorkloadHistories generator() {
            return labMix ? KvWorkloadHistories.labMix(operations, clients, keys)
                    : new KvWorkloadHistories(operations, clients, keys, 1.0 / 3, infoRate);
        }
    }

    static final List<Shape> SHAPES = List.of(
            new Shape("1700-c50-k10-noinfo", 1_700, 50, 10, 0.0, 1),
            new Shape("10k-c10-k10", 10_000, 10, 10, 0.01, 1),
            new Shape("10k-c50-k10", 10_000, 50, 10, 0.01, 1),
            new Shape("100k-c10-k10", 100_000, 10, 10, 0.01, 1),
            new Shape("100k-c50-k10", 100_000, 50, 10, 0.01, 1),
            new Shape("100k-c50-k1000", 100_000, 50, 1_000, 0.01, 1),
            new Shape("40x-small", 30, 3, 3, 0.01, 40),
            // The lab's kv mix: cas and deletes beside reads, writes and appends.
            new Shape("mix-10k-c10-k10", 10_000, 10, 10, 0.01, 1, true),
            new Shape("mix-10k-c50-k10", 10_000, 50, 10, 0.01, 1, true),
            new Shape("mix-100k-c10-k10", 100_000, 10, 10, 0.01, 1, true),
            new Shape("mix-100k-c50-k10", 100_000, 50, 10, 0.01, 1, true));

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Duration timeout = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 60);
        List<String> wanted = args.length > 2 ? Arrays.asList(args).subList(2, args.length) : List.of();
        CheckOptions options = CheckOptions.defaults().withTimeout(timeout);
        if (wanted.contains("registers")) {
            registers(rounds, options);
        }
        for (Shape shape : SHAPES) {
            if (!wanted.isEmpty() && !wanted.contains(shape.name())) {
                continue;
            }
            List<History> valid = new ArrayList<>();
            List<History> invalid = new ArrayList<>();
            for (int h = 0; h < shape.histories(); h++) {
                History history = shape.generator().generate(1 + h);
                valid.add(history);
                invalid.add(KvWorkloadHistories.withCorruptedRead(history));
            }
            report(shape.name() + " valid", valid, rounds, options);
            report(shape.name() + " invalid", invalid, rounds, options);
        }
    }

    /**
     * The register histories that must not get slower: the Knossos set (each file with its own
     * model) and a 10,000-operation cas register at concurrency 10 with its invalid twin.
     */
    private static void registers(int rounds, CheckOptions options) {
        List<KnossosCorpus.Entry> entries = KnossosCorpus.load();
        List<History> knossos = new ArrayList<>();
        for (KnossosCorpus.Entry entry : entries) {
            knossos.add(KnossosCorpus.parse(entry));
        }
        report("knossos-set", knossos, rounds, i -> entries.get(i).model(), options);
        History cas = titan.checker.history.HistoryGenerator.casRegister(10_000, 10).generate(2);
        titan.checker.model.CasRegisterModel model = new titan.checker.model.CasRegisterModel();
        report("cas-register-10k-c10 valid", List.of(cas), rounds, i -> model, options);
        report("cas-register-10k-c10 invalid", List.of(titan.checker.history.HistoryGenerator.withCorruptedRead(cas)),
                rounds, i -> model, options);
    }

    private static void report(String label, List<History> histories, int rounds, CheckOptions options) {
        report(label, histories, rounds, i -> new KvModel(), options);
    }

    private static void report(String label, List<History> histories, int rounds,
                               java.util.function.IntFunction<Model<?>> models, CheckOptions options) {
        long[] nanos = new long[rounds];
        long[] cpuNanos = new long[rounds];
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        String verdicts = "";
        String reason = "";
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            long cpuStart = os.getProcessCpuTime();
            StringBuilder seen = new StringBuilder();
            for (int i = 0; i < histories.size(); i++) {
                CheckResult result = Linearizability.check(models.apply(i), histories.get(i), options);
                if (seen.indexOf(result.verdict().name()) < 0) {
                    seen.append(seen.length() == 0 ? "" : "/").append(result.verdict());
                }
                if (result.verdict() == Verdict.UNKNOWN) {
                    reason = result.explanation();
                }
            }
            nanos[round] = System.nanoTime() - start;
            cpuNanos[round] = os.getProcessCpuTime() - cpuStart;
            verdicts = seen.toString();
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        long[] sortedCpu = cpuNanos.clone();
        Arrays.sort(sortedCpu);
        StringBuilder all = new StringBuilder();
        for (long n : nanos) {
            all.append(String.format(" %.1f", n / 1e6));
        }
        System.out.printf("%-28s %-8s median %10.1f ms wall, %10.1f ms cpu  rounds(ms wall):%s %s%n", label,
                verdicts, sorted[rounds / 2] / 1e6, sortedCpu[rounds / 2] / 1e6, all, reason);
    }
}
