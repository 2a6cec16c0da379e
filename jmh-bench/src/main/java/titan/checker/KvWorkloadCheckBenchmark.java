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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import titan.checker.history.History;
import titan.checker.model.KvModel;

/**
 * The checker on histories shaped like the lab's {@code kv} workload (reads, writes and appends of
 * unique values on a few keys, about 1% info completions, half of which took effect), one shape per
 * row of issue 8's table, from {@link KvWorkloadHistories}:
 * <pre>
 * java -jar jmh-bench/target/benchmarks.jar KvWorkloadCheckBenchmark -p shape=10000:10:10:0.01
 * </pre>
 * {@code shape} is {@code operations:clients:keys:infoRate}, with {@code :mix} for the lab's kv mix
 * with cas and deletes ({@link KvWorkloadHistories#labMix}, 1% info); the {@code 40-small} shape checks 40
 * histories of 30 operations on 3 keys, one after another. The invalid twin has the last read that
 * saw a value changed to one nobody wrote.
 * <p>Histories are generated once per trial, outside the measurement, and checked once in setup;
 * a wrong verdict (UNKNOWN included) refuses the run, so only correct answers are timed. Each check
 * uses every core, as the {@code check} command does; {@link #baselineIterate} is the floor.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class KvWorkloadCheckBenchmark {
    private static final long SEED = 1;

    @Param({"1700:50:10:0", "10000:10:10:0.01", "10000:50:10:0.01", "100000:10:10:0.01", "100000:50:10:0.01",
            "100000:50:1000:0.01", "40-small", "10000:10:10:0.01:mix", "100000:50:10:0.01:mix"})
    public String shape;

    private List<History> valid;
    private List<History> invalid;
    private final KvModel model = new KvModel();
    private final CheckOptions options = CheckOptions.defaults().withTimeout(java.time.Duration.ofMinutes(5));

    @Setup
    public void setUp() {
        valid = new ArrayList<>();
        invalid = new ArrayList<>();
        if (shape.equals("40-small")) {
            for (int h = 0; h < 40; h++) {
                add(new KvWorkloadHistories(30, 3, 3, 1.0 / 3, 0.01), SEED + h);
            }
        } else {
            String[] parts = shape.split(":");
            int operations = Integer.parseInt(parts[0]);
            int clients = Integer.parseInt(parts[1]);
            int keys = Integer.parseInt(parts[2]);
            boolean mix = parts.length > 4 && parts[4].equals("mix");
            add(mix ? KvWorkloadHistories.labMix(operations, clients, keys)
                    : new KvWorkloadHistories(operations, clients, keys, 1.0 / 3, Double.parseDouble(parts[3])), SEED);
        }
        expect(valid, Verdict.VALID);
        expect(invalid, Verdict.INVALID);
    }

    private void add(KvWorkloadHistories generator, long seed) {
        History history = generator.generate(seed);
        valid.add(history);
        invalid.add(KvWorkloadHistories.withCorruptedRead(history));
    }

    private void expect(List<History> histories, Verdict verdict) {
        for (History history : histories) {
            CheckResult result = Linearizability.check(model, history, options);
            if (result.verdict() != verdict) {
                throw new IllegalStateException(shape + ": expected " + verdict + " but got " + result.verdict()
                        + ": " + result.explanation());
            }
        }
    }

    /** The valid histories: every key searched to the end. Verdicts returned against dead-code elimination. */
    @Benchmark
    public int checkValid() {
        return checkAll(valid);
    }

    /** The invalid twins: the corrupted key fails and cancels the rest, and the failure is explained. */
    @Benchmark
    public int checkInvalid() {
        return checkAll(invalid);
    }

    private int checkAll(List<History> histories) {
        int fold = 0;
        for (History history : histories) {
            fold = 31 * fold + Linearizability.check(model, history, options).verdict().ordinal();
        }
        return fold;
    }

    /** Baseline: one pass over every operation of the valid histories. */
    @Benchmark
    public long baselineIterate() {
        long fold = 0;
        for (History history : valid) {
            fold = 31 * fold + KvCheckBenchmark.fold(history);
        }
        return fold;
    }
}
