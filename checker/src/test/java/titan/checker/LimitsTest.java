package titan.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import titan.checker.history.History;
import titan.checker.history.HistoryGenerator;
import titan.checker.model.CasRegisterModel;
import titan.checker.model.KvModel;

/** The search stops with UNKNOWN, never hangs or runs out of heap, when a limit is hit. */
class LimitsTest {
    private static final History HARD = HistoryGenerator.withCorruptedRead(
            HistoryGenerator.casRegister(4_000, 10).generate(2));

    // A fake clock that moves one second per reading passes a one-minute deadline after 60
    // readings: the search must notice within a few thousand steps and answer UNKNOWN.
    @Test
    void deadlineGivesUnknown() {
        AtomicLong fakeNanos = new AtomicLong();
        CheckOptions options = CheckOptions.defaults().withTimeout(Duration.ofMinutes(1))
                .withClockNanos(() -> fakeNanos.addAndGet(1_000_000_000L));
        CheckResult result = Linearizability.check(new CasRegisterModel(), HARD, options);
        assertThat(result.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(result.explanation()).startsWith("deadline of 60000 ms passed after");
        assertThat(result.decisive().orElseThrow().linearization()).isNotEmpty();
    }

    // A 1 MiB bound on the caches is far too small for this search: UNKNOWN with the reason.
    @Test
    void memoryBoundGivesUnknown() {
        CheckOptions options = CheckOptions.defaults().withMemoryBytesMax(1 << 20);
        CheckResult result = Linearizability.check(new CasRegisterModel(), HARD, options);
        assertThat(result.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(result.explanation()).startsWith("memory bound of 1 MiB for the search (states, caches, stacks) reached");
    }

    // One invalid key decides a kv history; the verdict stays INVALID with every core in use.
    @Test
    void invalidPartitionDecidesInParallel() {
        History history = HistoryGenerator.withCorruptedRead(HistoryGenerator.kv(20_000, 200, 20).generate(3));
        CheckResult parallel = Linearizability.check(new KvModel(), history, CheckOptions.defaults().withParallelism(4));
        CheckResult sequential = Linearizability.check(new KvModel(), history, CheckOptions.defaults().withParallelism(1));
        assertThat(parallel.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(sequential.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(parallel.decisive().orElseThrow().name()).isEqualTo(sequential.decisive().orElseThrow().name());
    }
}
