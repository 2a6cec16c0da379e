package titan.checker;

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
import titan.checker.model.CasRegisterModel;

/**
 * A generated single-register history (40% reads, 30% writes, 30% cas over five values) checked
 * with the {@link CasRegisterModel}: one partition, so one long search, the hard case for a
 * Wing &amp; Gong checker. The sizes: 10,000 operations at concurrency 10.
 * <p>{@code infoRate} is the share of completions lost as {@code info}: 0 gives none, 0.001 about ten
 * in 10,000 operations, each of which may take effect at any later time or never. The invalid
 * history has one late read changed to a value nobody wrote; proving it invalid means exhausting
 * every configuration before that read, which is what info operations multiply.
 * <p>Histories are generated once per trial from a fixed seed, outside the measurement, and checked
 * once in setup against their expected verdict.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class CasRegisterCheckBenchmark {
    private static final long SEED = 2;

    @Param({"10000"})
    public int operations;

    @Param({"10"})
    public int concurrency;

    @Param({"0", "0.001"})
    public double infoRate;

    private History valid;
    private History invalid;
    private final CasRegisterModel model = new CasRegisterModel();
    private final CheckOptions options = CheckOptions.defaults();

    @Setup
    public void setUp() {
        valid = new HistoryGenerator(operations, 1, concurrency, 5, infoRate, 0.0).generate(SEED);
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

    /** The valid history; the result is returned, so the search cannot be dead code. */
    @Benchmark
    public CheckResult checkValid() {
        return Linearizability.check(model, valid, options);
    }

    /**
     * The invalid history: every configuration before the corrupted read is visited before the
     * verdict. The result is returned, so the search cannot be dead code.
     */
    @Benchmark
    public CheckResult checkInvalid() {
        return Linearizability.check(model, invalid, options);
    }

    /** Baseline: one pass over the operations (see {@link KvCheckBenchmark#fold}), the floor of any check. */
    @Benchmark
    public long baselineIterate() {
        return KvCheckBenchmark.fold(valid);
    }
}
