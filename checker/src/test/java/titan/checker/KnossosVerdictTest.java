package titan.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import titan.checker.history.History;
import titan.checker.history.HistoryFiles;

class KnossosVerdictTest {
    static List<KnossosHistories.Case> cases() {
        return KnossosHistories.all();
    }

    // Every Knossos history gets the verdict its folder states: good is valid, bad is invalid.
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void historyGetsTheVerdictOfItsFolder(KnossosHistories.Case knossos) throws Exception {
        History history = HistoryFiles.read(knossos.file());
        CheckResult result = Linearizability.check(knossos.model(), history,
                CheckOptions.defaults().withTimeout(Duration.ofMinutes(5)));
        assertThat(result.verdict()).as(result.explanation()).isEqualTo(knossos.expected());
        if (knossos.expected() == Verdict.INVALID) {
            assertThat(result.decisive()).get().satisfies(p -> assertThat(p.failure()).isPresent());
        }
    }

    // Where Knossos's own tests name the operation that cannot be linearized, ours names the same one.
    @ParameterizedTest(name = "{0}: process {1} read {2}")
    @org.junit.jupiter.params.provider.CsvSource({
            "bad-analysis.edn, 21, 2",
            "cas-failure.edn, 70, 0",
            "immediate-failure.edn, 1, 3",
            "rethink-fail-minimal.edn, 1, 3",
            "rethink-fail-smaller.edn, 12, 3"})
    void failingOperationIsTheOneKnossosNames(String file, int process, long value) throws Exception {
        History history = HistoryFiles.read(KnossosHistories.root().resolve("cas-register/bad/" + file));
        CheckResult result = Linearizability.check(KnossosHistories.model("cas-register"), history);
        titan.checker.history.Operation failing = result.decisive().orElseThrow().failure().orElseThrow();
        assertThat(failing.process()).isEqualTo(process);
        assertThat(failing.f()).isEqualTo("read");
        assertThat(failing.value()).isEqualTo(value);
    }

    // The set has 122 files; a missing copy would otherwise pass silently.
    @Test
    void allKnossosFilesArePresent() {
        assertThat(cases()).hasSize(122);
        assertThat(KnossosHistories.root()).isDirectory();
        assertThat(KnossosHistories.root().resolve(Path.of("..", "README.md"))).exists();
    }
}
