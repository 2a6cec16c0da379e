package titan.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import titan.checker.history.History;
import titan.checker.history.HistoryGenerator;
import titan.checker.model.CasRegisterModel;
import titan.checker.model.KvModel;

class LargeHistoryTest {
    // A 100,000-operation kv history over 1,000 keys at concurrency 50, valid and with one corrupted
    // read; prints the times and asserts only generous bounds.
    @Test
    void largeKvHistory() {
        History valid = HistoryGenerator.kv(100_000, 1_000, 50).generate(1);
        History invalid = HistoryGenerator.withCorruptedRead(valid);
        for (int round = 0; round < 3; round++) {
            CheckResult good = Linearizability.check(new KvModel(), valid, CheckOptions.defaults());
            CheckResult bad = Linearizability.check(new KvModel(), invalid, CheckOptions.defaults());
            System.out.printf("kv 100k/1000 keys/c50: valid %s in %.1f ms (%d partitions), invalid %s in %.1f ms%n",
                    good.verdict(), good.elapsedNanos() / 1e6, good.partitions().size(), bad.verdict(),
                    bad.elapsedNanos() / 1e6);
            assertThat(good.verdict()).as(good.explanation()).isEqualTo(Verdict.VALID);
            assertThat(bad.verdict()).isEqualTo(Verdict.INVALID);
            assertThat(Duration.ofNanos(good.elapsedNanos())).isLessThan(Duration.ofSeconds(60));
        }
    }

    // A 10,000-operation single-register cas history at concurrency 10 with about ten info
    // operations, valid and invalid. The invalid one is the expensive case: the search must exhaust
    // every configuration before the corrupted read, and each unknown-outcome operation multiplies
    // them, so it runs once.
    @Test
    void largeCasRegisterHistory() {
        History valid = HistoryGenerator.casRegister(10_000, 10).generate(2);
        History invalid = HistoryGenerator.withCorruptedRead(valid);
        for (int round = 0; round < 1; round++) {
            CheckResult good = Linearizability.check(new CasRegisterModel(), valid, CheckOptions.defaults());
            CheckResult bad = Linearizability.check(new CasRegisterModel(), invalid, CheckOptions.defaults());
            System.out.printf("cas-register 10k/c10: valid %s in %.1f ms (%d configurations), invalid %s in %.1f ms (%s)%n",
                    good.verdict(), good.elapsedNanos() / 1e6, good.partitions().get(0).configurationsVisited(),
                    bad.verdict(), bad.elapsedNanos() / 1e6, bad.explanation());
            assertThat(good.verdict()).as(good.explanation()).isEqualTo(Verdict.VALID);
            assertThat(bad.verdict()).isEqualTo(Verdict.INVALID);
        }
    }
}
