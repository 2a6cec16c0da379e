package titan.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import titan.node.ClientOutcome;
import titan.node.api.KvRequest;
import titan.node.kv.KvCommand;
import titan.raft.NodeId;

/**
 * Three real {@link TitanNode}s (loop threads, fsyncing {@code FileLogStore}s in temp directories)
 * joined by an in-memory peer network instead of sockets: the server's loop, group commit and
 * recovery, without Netty. Polls with deadlines; no fixed sleeps.
 */
class InProcessClusterTest {

    @TempDir
    Path dir;

    private InProcessCluster cluster;
    private Map<NodeId, TitanNode> nodes;

    @BeforeEach
    void cluster() {
        cluster = new InProcessCluster(dir, null);
        nodes = cluster.nodes();
    }

    @AfterEach
    void stopAll() {
        cluster.close();
    }

    @Test
    void writesCommitThroughALeaderChangeAndSurviveARestart() throws Exception {
        // Method: elect, write, stop the leader, write through the new one, restart the old leader
        // from its directory and read every acknowledged write from it with a stale (local) read.
        cluster.startAll();
        NodeId first = cluster.awaitLeader();
        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            assertThat(put(first, "k" + i, "v" + i)).isInstanceOf(ClientOutcome.Applied.class);
            acknowledged.add("k" + i);
        }
        cluster.stop(first);
        NodeId second = cluster.awaitLeader();
        assertThat(second).isNotEqualTo(first);
        for (int i = 50; i < 60; i++) {
            assertThat(put(second, "k" + i, "v" + i)).isInstanceOf(ClientOutcome.Applied.class);
            acknowledged.add("k" + i);
        }
        assertThat(read(second, "k7", false)).isEqualTo("v7");

        cluster.start(first);
        TitanNode restarted = nodes.get(first);
        InProcessCluster.await(() -> restarted.loop().status().appliedIndex() >= nodes.get(second).loop().status().commitIndex(),
                "the restarted node catches up");
        for (String key : acknowledged) {
            assertThat(read(first, key, true)).as(key).isEqualTo("v" + key.substring(1));
        }
    }

    @Test
    void aFollowerAnswersNotLeaderWithTheLeadersId() throws Exception {
        cluster.startAll();
        NodeId leader = cluster.awaitLeader();
        NodeId follower = nodes.keySet().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        InProcessCluster.await(() -> leader.toString().equals(nodes.get(follower).loop().status().leader()), "the follower knows");
        ClientOutcome outcome = put(follower, "x", "1");
        assertThat(outcome).isEqualTo(new ClientOutcome.NotLeader(leader));
    }

    @Test
    void concurrentWritesShareSyncs() throws Exception {
        // Group commit: 2,000 writes submitted at once must need far fewer fsyncs than writes.
        cluster.startAll();
        NodeId leader = cluster.awaitLeader();
        List<CompletableFuture<ClientOutcome>> futures = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            futures.add(cluster.submit(leader, new KvRequest.Write(new KvCommand.Put(1_000 + i, 1, "g" + (i % 10),
                    ("v" + i).getBytes(StandardCharsets.UTF_8)))));
        }
        int applied = 0;
        for (var f : futures) {
            applied += f.get(30, java.util.concurrent.TimeUnit.SECONDS) instanceof ClientOutcome.Applied ? 1 : 0; // a leader change may refuse some
        }
        assertThat(applied).isGreaterThan(0);
        double syncs = nodes.get(leader).metrics().get("titan_fsyncs").counter().count();
        assertThat(syncs).isGreaterThan(0).isLessThan(2_000 / 4.0);
    }

    // ------------------------------------------------------------------ helpers

    private long nextClient = 1;

    private ClientOutcome put(NodeId node, String key, String value) throws Exception {
        return cluster.submit(node, new KvRequest.Write(new KvCommand.Put(nextClient++, 1, key,
                value.getBytes(StandardCharsets.UTF_8)))).get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    private String read(NodeId node, String key, boolean stale) throws Exception {
        ClientOutcome outcome = cluster.submit(node, new KvRequest.Read(key, stale)).get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(outcome).isInstanceOf(ClientOutcome.Read.class);
        byte[] value = ((ClientOutcome.Read) outcome).value();
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

}
