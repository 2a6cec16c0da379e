package titan.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import titan.checker.history.History;
import titan.checker.history.HistoryFiles;

class KnossosTimingTest {
    // Checks the whole Knossos set several times in one JVM and prints the cold and warm totals
    // (parsing excluded); only a generous bound is asserted, so a slow machine never fails it.
    @Test
    void wholeKnossosSetChecksQuickly() throws Exception {
        List<KnossosHistories.Case> cases = KnossosHistories.all();
        List<History> histories = new ArrayList<>();
        long parseStartNanos = System.nanoTime();
        for (KnossosHistories.Case knossos : cases) {
            histories.add(HistoryFiles.read(knossos.file()));
        }
        long parseNanos = System.nanoTime() - parseStartNanos;
        long[] roundNanos = new long[6];
        for (int round = 0; round < roundNanos.length; round++) {
            long startNanos = System.nanoTime();
            for (int i = 0; i < cases.size(); i++) {
                CheckResult result = Linearizability.check(cases.get(i).model(), histories.get(i),
                        CheckOptions.defaults().withTimeout(Duration.ofMinutes(5)));
                assertThat(result.verdict()).isEqualTo(cases.get(i).expected());
            }
            roundNanos[round] = System.nanoTime() - startNanos;
        }
        long warmBestNanos = Long.MAX_VALUE;
        for (int round = 1; round < roundNanos.length; round++) {
            warmBestNanos = Math.min(warmBestNanos, roundNanos[round]);
        }
        System.out.printf("knossos set: %d files, parse %.1f ms, check cold %.1f ms, warm best %.1f ms%n",
                cases.size(), parseNanos / 1e6, roundNanos[0] / 1e6, warmBestNanos / 1e6);
        assertThat(Duration.ofNanos(roundNanos[0])).isLessThan(Duration.ofSeconds(30));
    }
}
