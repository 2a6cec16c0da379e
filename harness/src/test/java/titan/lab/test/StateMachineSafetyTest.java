package titan.lab.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** State Machine Safety from node logs: the lines are the nodes' real applied lines (AppliedDigest). */
class StateMachineSafetyTest {
    @TempDir Path nodes;

    private void log(String node, String... lines) throws IOException {
        Files.createDirectories(nodes.resolve(node));
        Files.write(nodes.resolve(node).resolve("node.log"), List.of(lines));
    }

    private static String applied(String node, String kind, long index, long term) {
        return "06:36:33.919 INFO  " + node + " t=" + term + " follower [titan-loop-" + node + "] AppliedDigest: applied "
                + kind + " index=" + index + " term=" + term;
    }

    private static String digest(String node, long index, long term, String window) {
        return applied(node, "digest", index, term) + " window=" + window;
    }

    @Test
    void nodesThatAppliedTheSameTermsAreValidAcrossRestartsAndSnapshots() throws IOException {
        // n1 applies 1..2100 in two terms; n2 restarts and resumes from a snapshot at 1500; n3 joins late
        log("n1", applied("n1", "start", 1, 1), digest("n1", 1024, 1, "a1"), applied("n1", "term", 1800, 2),
                digest("n1", 2048, 2, "b2"), applied("n1", "stop", 2100, 2));
        log("n2", applied("n2", "start", 1, 1), digest("n2", 1024, 1, "a1"), "=== titan-lab: starting n2",
                "INFO n2 TitanNode: recovered term 1", applied("n2", "start", 1501, 1),
                applied("n2", "term", 1800, 2), digest("n2", 2048, 2, "b2"));
        log("n3", applied("n3", "start", 1900, 2));
        Map<String, Object> r = StateMachineSafety.check(nodes);
        assertThat(r).containsEntry("verdict", "valid").containsEntry("segments", 4).containsEntry("appliedIndexMax", 2100L);
    }

    @Test
    void aStaleEntryAppliedAfterATornHardStateIsInvalidAndNamed() throws IOException {
        // hard-state-first's story: n1 led term 2 and appended 41..60 alone; n2 leads term 3 from 41
        // (its no-op at 41); n1 restarts with commit 45 over its stale suffix and applies 41..45 of term 2.
        log("n1", applied("n1", "start", 1, 1), applied("n1", "term", 30, 2), "FAULT INJECTION: power lost",
                applied("n1", "start", 1, 1), applied("n1", "term", 30, 2), applied("n1", "stop", 45, 2));
        log("n2", applied("n2", "start", 1, 1), applied("n2", "term", 30, 2), applied("n2", "term", 41, 3),
                applied("n2", "stop", 80, 3));
        log("n3", applied("n3", "start", 1, 1), applied("n3", "term", 30, 2), applied("n3", "term", 41, 3));
        Map<String, Object> r = StateMachineSafety.check(nodes);
        assertThat(r).containsEntry("verdict", "invalid");
        assertThat((String) r.get("explanation")).contains("at index 41 n1 and n2 applied entries of terms 2 and 3");
        assertThat((List<?>) r.get("breaches")).hasSize(2); // n1 against n2 and against n3
    }

    @Test
    void differentDigestsOfOneWindowAreInvalidEvenWithTheSameTerms() throws IOException {
        log("n1", applied("n1", "start", 1, 1), digest("n1", 1024, 1, "aaaa"));
        log("n2", applied("n2", "start", 1, 1), digest("n2", 1024, 1, "bbbb"));
        Map<String, Object> r = StateMachineSafety.check(nodes);
        assertThat(r).containsEntry("verdict", "invalid");
        assertThat((String) r.get("explanation")).contains("at index 1024").contains("digests differ");
    }

    @Test
    void segmentsThatDoNotOverlapAreNotCompared() throws IOException {
        // A node's segment ends at its last line: what it applied after that is unknown, not term 1.
        log("n1", applied("n1", "start", 1, 1), applied("n1", "term", 10, 1));
        log("n2", applied("n2", "start", 11, 2), applied("n2", "stop", 20, 2));
        assertThat(StateMachineSafety.check(nodes)).containsEntry("verdict", "valid");
    }

    @Test
    void noLinesAreUnknownNotValid() throws IOException {
        assertThat(StateMachineSafety.check(nodes.resolve("missing"))).containsEntry("verdict", "unknown");
        log("n1", "garbage \u0000 line", "AppliedDigest: applied start index=x term=1", "");
        assertThat(StateMachineSafety.check(nodes)).containsEntry("verdict", "unknown");
    }
}
