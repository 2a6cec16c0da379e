package titan.lab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import titan.checker.history.History;
import titan.checker.history.JsonLinesFormat;
import titan.sim.SimOptions;
import titan.sim.SimResult;
import titan.sim.Simulation;

/** The seed runner checks the simulator's events directly; they must be the history its file holds. */
class SeedRunnerTest {
    // The runner no longer reads the history back from its JSON text, so the text and the events must
    // agree: the same events, at the same lines, and nothing the reader would warn about. A faulty
    // writer (a value that does not survive the round trip, a line out of place) fails here.
    @Test
    void theCheckedHistoryIsTheOneItsFileHolds() throws Exception {
        for (long seed = 1; seed <= 4; seed++) {
            SimResult result = Simulation.of(SimOptions.defaults(seed)).run();
            History checked = result.checkable("history.jsonl");
            History read = JsonLinesFormat.read("history.jsonl", result.historyJsonLines());
            assertThat(read.warnings()).as("seed %d", seed).isEmpty();
            assertThat(checked.events()).as("seed %d", seed).isEqualTo(read.events());
            for (int i = 0; i < read.events().size(); i++) {
                assertThat(checked.lineOf(i)).isEqualTo(read.lineOf(i));
            }
        }
    }

    // The runner's verdict for a clean seed is a pass, decided by the checker (not skipped).
    @Test
    void aCleanSeedIsCheckedAndPasses() {
        SeedOutcome outcome = new SeedRunner(true, Duration.ofSeconds(30)).run(SimOptions.defaults(3));
        assertThat(outcome.status()).isEqualTo(SeedOutcome.Status.OK);
        assertThat(outcome.check()).isNotNull();
    }
}
