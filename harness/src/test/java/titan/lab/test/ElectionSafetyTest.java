package titan.lab.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Election Safety from node logs: the lines are the nodes' real role-change lines. */
class ElectionSafetyTest {
    @TempDir Path nodes;

    private void log(String node, String... lines) throws IOException {
        Files.createDirectories(nodes.resolve(node));
        Files.write(nodes.resolve(node).resolve("node.log"), List.of(lines));
    }

    private static String role(String node, String role, long term, String leader) {
        return "06:36:33.919 INFO  " + node + " t=" + term + " " + role + " [titan-loop-" + node + "] NodeLoop: " + role
                + " at term " + term + ", leader " + leader;
    }

    @Test
    void oneLeaderPerTermIsValidEvenWhenTheSameNodeLeadsAgainAfterARestart() throws IOException {
        log("n1", role("n1", "leader", 2, "n1"), "=== titan-lab: starting n1", role("n1", "follower", 2, "n1"),
                role("n1", "leader", 2, "n1"), role("n1", "follower", 3, "n2"));
        log("n2", role("n2", "follower", 2, "n1"), role("n2", "leader", 3, "n2"));
        log("n3", role("n3", "follower", 2, "n1"), role("n3", "follower", 3, "n2"));
        Map<String, Object> r = ElectionSafety.check(nodes);
        assertThat(r).containsEntry("verdict", "valid").containsEntry("leaderTerms", 2);
    }

    @Test
    void twoLeadersOfOneTermAreInvalidAndNamed() throws IOException {
        // seed 803's story: n3 elected in term 2 with n2's forgotten grant, then n1 with n2's second one
        log("n1", role("n1", "candidate", 2, "unknown"), role("n1", "leader", 2, "n1"), role("n1", "follower", 2, "n3"));
        log("n2", role("n2", "follower", 2, "n3"), "=== titan-lab: starting n2", role("n2", "follower", 2, "n1"));
        log("n3", role("n3", "leader", 2, "n3"));
        Map<String, Object> r = ElectionSafety.check(nodes);
        assertThat(r).containsEntry("verdict", "invalid");
        assertThat((String) r.get("explanation")).contains("two leaders in term 2: n1 and n3");
        assertThat((List<?>) r.get("breaches")).hasSize(1);
    }

    @Test
    void aFollowerNamingAnotherLeaderIsNotALeaderLine() throws IOException {
        log("n1", role("n1", "follower", 4, "n2"));
        log("n2", role("n2", "leader", 4, "n2"));
        assertThat(ElectionSafety.check(nodes)).containsEntry("verdict", "valid");
    }

    @Test
    void noLogsAreUnknownNotValid() throws IOException {
        assertThat(ElectionSafety.check(nodes.resolve("missing"))).containsEntry("verdict", "unknown");
        log("n1", "garbage \u0000 line", "");
        assertThat(ElectionSafety.check(nodes)).containsEntry("verdict", "unknown");
    }
}
