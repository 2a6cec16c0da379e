package titan.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import titan.checker.history.History;
import titan.checker.history.HistoryFiles;
import titan.checker.model.CasRegisterModel;
import titan.checker.model.KvModel;
import titan.checker.model.MutexModel;

/** Tiny histories under {@code resources/histories}, each with the reason for its verdict. */
class HandBuiltHistoriesTest {
    static Stream<Arguments> cases() {
        return Stream.of(
                c("register-read-after-write-ok", "a read after a completed write sees it"),
                c("register-stale-read-after-write-bad", "a read that starts after a write completed cannot see the old value"),
                c("register-concurrent-read-sees-old-or-new-ok", "reads concurrent with a write may see either value, in either order of the reads if they overlap"),
                c("register-new-then-old-read-bad", "once a read saw the new value, a later read cannot see the old one"),
                c("register-info-write-takes-effect-later-ok", "a timed-out write may take effect long after its timeout"),
                c("register-info-write-seen-before-its-call-bad", "no write may take effect before it was called"),
                c("register-failed-write-seen-bad", "a failed write did not happen, so nobody can read it"),
                c("register-failed-write-unseen-ok", "a failed write did not happen"),
                c("register-int-read-as-string-bad", "the integer 3 and the string \"3\" are different values"),
                c("register-int-read-as-int-ok", "integers round-trip as integers"),
                c("cas-register-cas-from-current-value-ok", "a cas from the current value succeeds; nemesis lines are ignored"),
                c("cas-register-cas-from-other-value-bad", "a cas cannot succeed from a value the register does not hold"),
                c("cas-register-failed-cas-while-value-matched", "by Jepsen's default a failed cas says nothing"),
                c("cas-register-failed-cas-while-value-differed", "a failed cas that expected another value is consistent either way"),
                c("kv-keys-are-independent-ok", "each key is its own register"),
                c("kv-read-from-other-key-bad", "a value written to one key cannot be read from another"),
                c("kv-appends-in-order-ok", "sequential appends concatenate in order"),
                c("kv-lost-append-bad", "an acknowledged append must not disappear"),
                c("kv-delete-then-absent-ok", "a read after a delete finds nothing"),
                c("kv-deleted-value-read-bad", "a deleted value cannot be read after the delete completed"),
                c("mutex-acquire-release-ok", "the second acquire completes after the release"),
                c("mutex-double-acquire-bad", "two processes cannot hold the lock at once"));
    }

    private static Arguments c(String name, String why) {
        return Arguments.of(name, why);
    }

    static Path file(String name) {
        try {
            return Path.of(HandBuiltHistoriesTest.class.getResource("/histories/" + name + ".jsonl").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Model<?> modelFor(String name) {
        if (name.startsWith("kv-")) {
            return new KvModel();
        }
        return name.startsWith("mutex-") ? new MutexModel() : new CasRegisterModel();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void historyGetsTheVerdictItsNameStates(String name, String why) throws Exception {
        History history = HistoryFiles.read(file(name));
        CheckResult result = Linearizability.check(modelFor(name), history, CheckOptions.defaults());
        Verdict expected = name.endsWith("-bad") ? Verdict.INVALID : Verdict.VALID;
        assertThat(result.verdict()).as(why + ": " + result.explanation()).isEqualTo(expected);
    }

    // Porcupine's reading of a failed cas (it saw another value) turns a cas that failed while the
    // register held its expected value into a contradiction; Jepsen's default ignores it.
    @Test
    void failedCasCarriesInformationOnlyWhenAskedTo() throws Exception {
        History matched = HistoryFiles.read(file("cas-register-failed-cas-while-value-matched"));
        History differed = HistoryFiles.read(file("cas-register-failed-cas-while-value-differed"));
        CheckOptions porcupine = CheckOptions.defaults().withFailedCas(FailedCas.READ_DIFFERENT);
        assertThat(Linearizability.check(new CasRegisterModel(), matched).verdict()).isEqualTo(Verdict.VALID);
        assertThat(Linearizability.check(new CasRegisterModel(), matched, porcupine).verdict()).isEqualTo(Verdict.INVALID);
        assertThat(Linearizability.check(new CasRegisterModel(), differed, porcupine).verdict()).isEqualTo(Verdict.VALID);
    }

    // Every history file is listed above, so none is silently unchecked.
    @Test
    void everyFileHasACase() throws IOException {
        Path folder = file("kv-lost-append-bad").getParent();
        List<String> listed = cases().map(a -> (String) a.get()[0]).toList();
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(f -> f.getFileName().toString().replace(".jsonl", "")))
                    .containsExactlyInAnyOrderElementsOf(listed);
        }
    }

    // An invalid verdict names the key, the operation, where it is, and the state.
    @Test
    void explanationNamesKeyOperationLineAndState() throws Exception {
        CheckResult result = Linearizability.check(new KvModel(), HistoryFiles.read(file("kv-lost-append-bad")));
        PartitionResult failing = result.decisive().orElseThrow();
        assertThat(failing.name()).isEqualTo("a");
        assertThat(failing.failure()).get().extracting(op -> op.f()).isEqualTo("read");
        assertThat(failing.stateAfterLinearization()).isEqualTo("\"xy\"");
        assertThat(result.explanation())
                .startsWith("key a: p0 read a \"y\" ok (")
                .contains("kv-lost-append-bad.jsonl:5)")
                .contains("after 2 of 3 operations; state there \"xy\"")
                .endsWith("(read \"y\" but the value is \"xy\")");
        assertThat(failing.linearization()).containsExactly(0, 1);
    }
}
