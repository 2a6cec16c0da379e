package titan.lab.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import titan.checker.Verdict;
import titan.checker.history.Event;
import titan.checker.history.EventType;
import titan.checker.history.History;

class RunStoreTest {
    static final ZonedDateTime T = ZonedDateTime.of(2026, 12, 1, 1, 2, 3, 0, ZoneOffset.ofHours(2));

    @TempDir
    Path root;

    // Folders are named by the UTC start time, a second run in the same second gets -2, and latest
    // follows the newest.
    @Test
    void createNamesFoldersByUtcTimeAndPointsLatestAtTheNewest() throws Exception {
        RunStore store = new RunStore(root);
        RunFolder first = store.create("register", T);
        RunFolder second = store.create("register", T);
        assertThat(first.runName()).isEqualTo("20261130-230203");
        assertThat(second.runName()).isEqualTo("20261130-230203-2");
        assertThat(first.testName()).isEqualTo("register");
        assertThat(Files.isSymbolicLink(root.resolve("register/latest"))).isTrue();
        assertThat(store.latest("register").dir().toRealPath()).isEqualTo(second.dir().toRealPath());
    }

    // A text file naming the folder also counts as latest (file systems without links).
    @Test
    void latestMayBeATextFile() throws Exception {
        RunStore store = new RunStore(root);
        RunFolder run = store.create("kv", T);
        Files.delete(root.resolve("kv/latest"));
        Files.writeString(root.resolve("kv/latest"), run.runName() + "\n");
        assertThat(store.latest("kv").runName()).isEqualTo(run.runName());
        Files.writeString(root.resolve("kv/latest"), "../../etc\n");
        assertThat(store.latest("kv")).isNull();
    }

    @Test
    void testNamesThatCouldEscapeTheStoreAreRefused() {
        RunStore store = new RunStore(root);
        for (String bad : List.of("", "..", "../x", "a/b", ".hidden", "-x", "a\\b", "x".repeat(121))) {
            assertThatThrownBy(() -> store.create(bad, T)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("test name");
        }
    }

    // runs() lists every run folder newest first, across tests, and skips latest and stray entries.
    @Test
    void runsAreNewestFirstAcrossTests() throws Exception {
        RunStore store = new RunStore(root);
        store.create("b", T);
        store.create("a", T.plusSeconds(5));
        store.create("a", T.plusSeconds(5));
        store.create("c", T.minusDays(1));
        Files.createDirectories(root.resolve("a/not-a-run"));
        Files.writeString(root.resolve("stray.txt"), "x");
        assertThat(store.runs()).extracting(r -> r.testName() + "/" + r.runName()).containsExactly(
                "a/20261130-230208-2", "a/20261130-230208", "b/20261130-230203", "c/20261129-230203");
        assertThat(new RunStore(root.resolve("missing")).runs()).isEmpty();
    }

    // The files a runtime writes read back, and results.json carries the stats of the history.
    @Test
    void filesRoundTrip() throws Exception {
        RunFolder run = new RunStore(root).create("kv", T);
        History history = History.of(Event.invoke(0, "write", "k", "1", 10), Event.complete(0, EventType.OK, "write", "k", "1", 20),
                Event.invoke(1, "read", "k", null, 15), Event.complete(1, EventType.INFO, "read", "k", null, 30));
        run.writeTest(Map.of("name", "kv", "seed", 7));
        run.writeHistory(history);
        run.writeResults(Verdict.VALID, RunFolder.json().createObjectNode(), history, 12);
        assertThat(run.readTest().path("seed").asLong()).isEqualTo(7);
        assertThat(run.readHistory().operations()).hasSize(2);
        assertThat(run.readResults().path("verdict").asText()).isEqualTo("valid");
        assertThat(run.readResults().path("stats").toString())
                .isEqualTo("{\"ops\":2,\"ok\":1,\"fail\":0,\"info\":1,\"byF\":{\"read\":{\"ops\":1,\"ok\":0,\"fail\":0,\"info\":1},"
                        + "\"write\":{\"ops\":1,\"ok\":1,\"fail\":0,\"info\":0}},\"nemesisEvents\":0}");
        assertThat(RunFolder.verdictOf(run.readResults())).isEqualTo(Verdict.VALID);
        try (var files = Files.list(run.dir())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    "test.json", "history.jsonl", "results.json");
        }
        assertThat(run.nodeDir("n1")).isDirectory();
        assertThatThrownBy(() -> run.nodeDir("../n1")).isInstanceOf(IllegalArgumentException.class);
    }
}
