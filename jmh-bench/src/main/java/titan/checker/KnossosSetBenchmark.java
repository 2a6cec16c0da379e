package titan.checker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import titan.checker.history.History;

/**
 * The whole Knossos test set (122 EDN histories of cas-register, multi-register and mutex), checked
 * one after another in one JVM: the target is under one second after warm-up.
 * <p>The files are read and parsed once in {@link #setUp}, so neither disk I/O nor parsing is inside
 * the measured checks; {@link #baselineParse} measures parsing alone, to show what share a
 * command-line check would add. Setup also checks every history once and refuses to run when a
 * verdict differs from its folder, so a broken checker is never timed as a fast one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class KnossosSetBenchmark {
    private List<KnossosCorpus.Entry> entries;
    private List<History> histories;
    private CheckOptions options;

    @Setup
    public void setUp() {
        entries = KnossosCorpus.load();
        histories = new ArrayList<>(entries.size());
        for (KnossosCorpus.Entry entry : entries) {
            histories.add(KnossosCorpus.parse(entry));
        }
        options = CheckOptions.defaults();
        for (int i = 0; i < entries.size(); i++) {
            CheckResult result = check(i);
            if (result.verdict() != entries.get(i).expected()) {
                throw new IllegalStateException(entries.get(i).name() + ": expected " + entries.get(i).expected()
                        + " but the checker says " + result.verdict() + ": " + result.explanation());
            }
        }
    }

    private CheckResult check(int i) {
        @SuppressWarnings("unchecked")
        Model<Object> model = (Model<Object>) entries.get(i).model();
        return Linearizability.check(model, histories.get(i), options);
    }

    /**
     * Checks all 122 parsed histories. The sum of the configurations visited depends on every
     * result, and is returned so that no check can be eliminated as dead code; JIT warm-up is left
     * to the warm-up iterations (three of two seconds, dozens of passes over the set).
     */
    @Benchmark
    public long checkAll() {
        long configurations = 0;
        for (int i = 0; i < histories.size(); i++) {
            CheckResult result = check(i);
            configurations += result.verdict().ordinal();
            for (PartitionResult partition : result.partitions()) {
                configurations += partition.configurationsVisited();
            }
        }
        return configurations;
    }

    /**
     * Baseline: parses the 122 EDN texts (already in memory) into histories, without checking them.
     * The operation counts are returned so the parses stay live. Compare with {@link #checkAll}: a
     * check that cost less than parsing would suggest the check did no work.
     */
    @Benchmark
    public long baselineParse() {
        long operations = 0;
        for (KnossosCorpus.Entry entry : entries) {
            operations += KnossosCorpus.parse(entry).operations().size();
        }
        return operations;
    }
}
