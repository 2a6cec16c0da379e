package titan.checker.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import titan.checker.PartitionResult;
import titan.checker.Verdict;
import titan.checker.history.History;
import titan.checker.history.HistoryGenerator;
import titan.checker.history.Operation;
import titan.checker.model.CasRegisterModel;

/**
 * The plain search (Wing &amp; Gong, Lowe's cache, domination) and the reduced one (observers first,
 * unknown operations in needed blocks, the relaxed pass) side by side in one run, on the one
 * partition of a 10,000-operation cas-register history at concurrency 10: before and after, as a
 * ratio the noise of a shared machine cannot fake.
 * <p>The partition's searchable operations (failed ones and reads of unknown outcome dropped, as
 * {@code Linearizability} does) are prepared once per trial, so the measurement holds the search
 * alone; setup runs each variant once and refuses a wrong verdict. The plain search on the invalid
 * history with info operations takes seconds per call: keep {@code -i} small.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class PartitionSearchBenchmark {
    private static final long SEED = 2;
    private static final long MEMORY_BYTES_MAX = 3L << 30;
    private static final CasRegisterModel MODEL = new CasRegisterModel();

    /** The partition to search, and how. */
    @State(Scope.Benchmark)
    public static class Searched {
        @Param({"plain", "reduced"})
        public String search;

        @Param({"valid", "invalid"})
        public String history;

        @Param({"0", "0.001"})
        public double infoRate;

        List<Operation> operations;
        boolean reductions;

        @Setup
        public void setUp() {
            boolean valid = switch (history) {
                case "valid" -> true;
                case "invalid" -> false;
                default -> throw new IllegalArgumentException("history must be valid or invalid: " + history);
            };
            reductions = switch (search) {
                case "plain" -> false;
                case "reduced" -> true;
                default -> throw new IllegalArgumentException("search must be plain or reduced: " + search);
            };
            operations = operations(infoRate, valid);
            PartitionResult result = run(this);
            Verdict expected = valid ? Verdict.VALID : Verdict.INVALID;
            if (result.verdict() != expected) {
                throw new IllegalStateException("expected " + expected + " but got " + result.verdict() + ": "
                        + result.reason());
            }
        }
    }

    /** The valid history's searchable operations, for the baseline. */
    @State(Scope.Benchmark)
    public static class Prepared {
        List<Operation> operations;

        @Setup
        public void setUp() {
            operations = operations(0.001, true);
        }
    }

    /** The searchable operations: failed ones and reads of unknown outcome dropped, as Linearizability does. */
    static List<Operation> operations(double infoRate, boolean valid) {
        History generated = new HistoryGenerator(10_000, 1, 10, 5, infoRate, 0.0).generate(SEED);
        History history = valid ? generated : HistoryGenerator.withCorruptedRead(generated);
        List<Operation> ops = new ArrayList<>();
        for (Operation op : history.operations()) {
            if (op.outcome() != Operation.Outcome.FAIL && !MODEL.isInert(op)) {
                ops.add(op);
            }
        }
        return ops;
    }

    static PartitionResult run(Searched searched) {
        SearchLimits limits = new SearchLimits(System::nanoTime, null, new MemoryBudget(MEMORY_BYTES_MAX));
        return new PartitionSearch<>(MODEL, "", searched.operations, limits, op -> "op " + op.id(),
                searched.reductions, PartitionSearch.exactFirstBudget(searched.operations.size())).run();
    }

    /**
     * One search of the partition, with fresh limits and caches (nothing carries over between
     * calls). The result is returned, so the search cannot be removed as dead code.
     */
    @Benchmark
    public PartitionResult search(Searched searched) {
        return run(searched);
    }

    /**
     * Baseline: what every search pays before its first step, building the entry list (a sort of the
     * calls and returns) and the first model state. The sum is returned so the work stays live.
     */
    @Benchmark
    public int baselineSetUp(Prepared prepared) {
        Transitions<Object> transitions = new Transitions<>(MODEL, prepared.operations, new MemoryBudget(MEMORY_BYTES_MAX));
        EntryList list = new EntryList(prepared.operations);
        return list.first() + transitions.initial();
    }
}
