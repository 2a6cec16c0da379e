package titan.checker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import titan.checker.history.History;
import titan.checker.history.HistoryGenerator;
import titan.checker.history.Operation;
import titan.checker.model.KvModel;

/**
 * A large history gets the same kind of answer as a small one: a verdict, and for an invalid one the
 * operation to blame. How long it takes is measured in jmh-bench ({@code KvCheckBenchmark},
 * {@code KvWorkloadCheckBenchmark}), not asserted here.
 */
class LargeHistoryTest {
    // A 100,000-operation kv history over 1,000 keys at concurrency 50 is linearizable; with one late
    // read changed to a value nobody wrote it is not, and the explanation names that read and its key.
    @Test
    void largeKvHistoryGetsItsVerdictAndBlamesTheCorruptedRead() {
        History valid = HistoryGenerator.kv(100_000, 1_000, 50).generate(1);
        History invalid = HistoryGenerator.withCorruptedRead(valid);

        CheckResult good = Linearizability.check(new KvModel(), valid, CheckOptions.defaults());
        CheckResult bad = Linearizability.check(new KvModel(), invalid, CheckOptions.defaults());

        assertThat(good.verdict()).as(good.explanation()).isEqualTo(Verdict.VALID);
        assertThat(good.partitions()).allSatisfy(p -> assertThat(p.verdict()).isEqualTo(Verdict.VALID));
        assertThat(bad.verdict()).as(bad.explanation()).isEqualTo(Verdict.INVALID);
        Operation corrupted = invalid.operations().stream()
                .filter(op -> "never-written".equals(op.output())).findFirst().orElseThrow();
        PartitionResult decisive = bad.decisive().orElseThrow();
        assertThat(decisive.name()).isEqualTo(corrupted.key());
        assertThat(decisive.failure()).get().isEqualTo(corrupted);
        assertThat(bad.explanation()).startsWith("key " + corrupted.key() + ": ").contains("\"never-written\"");
    }
}
