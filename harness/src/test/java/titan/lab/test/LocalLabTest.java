package titan.lab.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import titan.checker.Verdict;
import titan.lab.runtime.LocalRuntime;

/**
 * Whole lab tests on the local runtime: real node processes behind the link proxies, the Java client,
 * the nemesis, the checker. One short safe run must be valid; the same lab with a planted bug
 * ({@code --unsafe ack-before-commit}) under leader isolation must be invalid, or the lab could
 * never fail. About 40 s each on a loaded 2-core machine, so also tagged slow (run with -Pall-tests).
 */
@Tag("cluster")
@Tag("slow")
class LocalLabTest {
    @TempDir Path store;

    @BeforeAll
    static void nodeIsBuilt() {
        boolean present;
        try {
            Class.forName(LocalRuntime.NODE_MAIN);
            present = true;
        } catch (ClassNotFoundException e) {
            present = false;
        }
        assumeTrue(present, "the node's main class is not in this build yet");
    }

    private TestRunner.Outcome run(TestConfig config, ByteArrayOutputStream log) throws Exception {
        return new TestRunner(store, new PrintStream(log, true, StandardCharsets.UTF_8)).run(config, "test");
    }

    @Test
    void shortKvRunUnderPartitionsAndKillsIsValid() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TestConfig config = new TestConfig("kv-valid", "local", 3, "kv", 4, List.of("partition", "kill"),
                Duration.ofMillis(1500), Duration.ofSeconds(6), 4, 100, "tcp", 11, List.of(), Duration.ofSeconds(2),
                Duration.ofSeconds(60));
        TestRunner.Outcome outcome = run(config, log);
        assertThat(outcome.verdict()).as(log.toString(StandardCharsets.UTF_8)).isEqualTo(Verdict.VALID);
        Path dir = outcome.runDir();
        for (String file : List.of("test.json", "history.jsonl", "results.json", "nodes/n1/node.log")) {
            assertThat(dir.resolve(file)).exists();
        }
        JsonNode results = new ObjectMapper().readTree(dir.resolve("results.json").toFile());
        assertThat(results.path("verdict").asText()).isEqualTo("valid");
        assertThat(results.path("stats").path("ok").asLong()).isGreaterThan(50);
        String history = Files.readString(dir.resolve("history.jsonl"));
        assertThat(history).contains("\"process\":\"nemesis\"").contains("\"f\":\"start-").contains("\"f\":\"stop-");
        assertThat(Files.readString(dir.resolve("test.json"))).contains("\"seed\" : 11");
    }

    @Test
    void membershipChangesOnRealNodesAreValidAndEndWithTheFullConfiguration() throws Exception {
        // Method: the membership nemesis removes a voter (or the leader) through the leader's admin
        // endpoint and adds it back; a restore that fails at the end is recorded as heal-membership.
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TestConfig config = new TestConfig("kv-membership", "local", 3, "kv", 4, List.of("membership"),
                Duration.ofMillis(1500), Duration.ofSeconds(6), 4, 100, "http", 13, List.of(), Duration.ofSeconds(2),
                Duration.ofSeconds(60));
        TestRunner.Outcome outcome = run(config, log);
        assertThat(outcome.verdict()).as(log.toString(StandardCharsets.UTF_8)).isEqualTo(Verdict.VALID);
        String history = Files.readString(outcome.runDir().resolve("history.jsonl"));
        assertThat(history).contains("\"f\":\"start-remove-member-").contains("200 committed")
                .contains("\"f\":\"stop-remove-member-").doesNotContain("heal failed").doesNotContain("heal-membership");
    }

    @Test
    void ackBeforeCommitUnderLeaderIsolationIsInvalid() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TestConfig config = new TestConfig("kv-ack-before-commit", "local", 3, "kv", 2, List.of("isolate-leader"),
                Duration.ofSeconds(1), Duration.ofSeconds(8), 6, 200, "tcp", 5, List.of("ack-before-commit"),
                Duration.ofSeconds(2), Duration.ofSeconds(60));
        TestRunner.Outcome outcome = run(config, log);
        assertThat(outcome.verdict()).as(log.toString(StandardCharsets.UTF_8)).isEqualTo(Verdict.INVALID);
    }
}
