package titan.checker;

import java.util.Objects;
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
import titan.checker.history.History;
import titan.checker.history.HistoryGenerator;
import titan.checker.history.Operation;
import titan.checker.model.KvModel;

/**
 * A generated key-value history (reads, writes, cas and appends; about 0.2% info completions) checked
 * with the {@link KvModel}, which splits it into one partition per key searched on all cores. The
 * issue's target: 100,000 operations over 1,000 keys at concurrency 50 in under 5 s.
 * <p>Both histories are generated once per trial from a fixed seed, outside the measurement; the
 * invalid one is the valid one with one late read changed to a value nobody wrote
 * ({@link HistoryGenerator#withCorruptedRead}). Setup checks both once and refuses to run on a wrong
 * verdict, so what is timed is a correct answer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class KvCheckBenchmark {
    private static final long SEED = 1;

    @Param({"100000"})
    public int operations;

    @Param({"1000"})
    public int keys;

    @Param({"50"})
    public int concurrency;

    private History valid;
    private History invalid;
    private final KvModel model = new KvModel();
    private final CheckOptions options = CheckOptions.defaults();

    @Setup
    public void setUp() {
        valid = HistoryGenerator.kv(operations, keys, concurrency).generate(SEED);
        invalid = HistoryGenerator.withCorruptedRead(valid);
        expect(valid, Verdict.VALID);
        expect(invalid, Verdict.INVALID);
    }

    private void expect(History history, Verdict verdict) {
        CheckResult result = Linearizability.check(model, history, options);
        if (result.verdict() != verdict) {
            throw new IllegalStateException("expected " + verdict + " but got " + result.verdict() + ": "
                    + result.explanation());
        }
    }

    /**
     * The valid history: every partition must be searched to the end. The result is returned, so
     * the check cannot be removed as dead code.
     */
    @Benchmark
    public CheckResult checkValid() {
        return Linearizability.check(model, valid, options);
    }

    /**
     * The invalid history: the corrupted key's partition fails and cancels the others, so this is
     * usually faster than {@link #checkValid}. The result is returned against dead-code elimination.
     */
    @Benchmark
    public CheckResult checkInvalid() {
        return Linearizability.check(model, invalid, options);
    }

    /**
     * Baseline: one pass over the operations, touching each one's index, key and value, the floor
     * below which no check of this history can go. The fold is returned so the loop stays live.
     */
    @Benchmark
    public long baselineIterate() {
        return fold(valid);
    }

    static long fold(History history) {
        long fold = 0;
        for (Operation op : history.operations()) {
            fold = 31 * fold + op.callIndex() + Objects.hashCode(op.key()) + Objects.hashCode(op.value());
        }
        return fold;
    }
}
