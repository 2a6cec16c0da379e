package titan.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import titan.node.ClientOutcome;
import titan.node.api.KvRequest;
import titan.node.kv.KvCommand;
import titan.raft.NodeId;

/**
 * The membership admin actions on three real {@link TitanNode}s (loop threads, fsyncing stores, the
 * admin endpoint over real loopback HTTP) joined by an in-memory peer network. Polls with deadlines.
 */
class MembershipAdminTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private InProcessCluster cluster;
    private Map<NodeId, TitanNode> nodes;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private long nextClient = 1;

    @BeforeEach
    void cluster() {
        cluster = new InProcessCluster(dir, 0);
        nodes = cluster.nodes();
    }

    @AfterEach
    void stopAll() {
        cluster.close();
    }

    @Test
    void aRemovedFollowerDoesNotDisruptAndVotesAgainOnceAddedBack() throws Exception {
        // Method: remove a follower through the leader's admin endpoint; wait until the removed node
        // has timed out and tried to campaign (pre-vote) and check the leader kept its term while
        // writes went on; add it back (learner, catch-up, voter); then stop the leader, so
        // the next election and write need the re-added node.
        cluster.startAll();
        NodeId leader = cluster.awaitLeader();
        NodeId victim = other(leader, null);
        for (int i = 0; i < 20; i++) {
            assertThat(put(leader, "a" + i)).isInstanceOf(ClientOutcome.Applied.class);
        }
        long term = nodes.get(leader).loop().status().term();

        Reply removed = post(leader, "action=remove&node=" + victim);
        assertThat(removed.status()).as(removed.body().toString()).isEqualTo(200);
        assertThat(removed.body().path("outcome").asText()).isEqualTo("committed");
        assertThat(strings(removed.body().path("voters"))).doesNotContain(victim.toString()).hasSize(2);

        InProcessCluster.await(() -> !nodes.get(victim).loop().status().role().equals("follower")
                || !nodes.get(victim).loop().status().voters().contains(victim.toString()),
                "the removed node notices: it campaigns (pre-vote) or learns its removal");
        for (int i = 0; i < 20; i++) {
            assertThat(put(leader, "b" + i)).isInstanceOf(ClientOutcome.Applied.class);
        }
        assertThat(nodes.get(leader).loop().status().term()).as("the removed node did not disrupt").isEqualTo(term);
        assertThat(nodes.get(leader).loop().status().role()).isEqualTo("leader");

        Reply added = post(leader, "action=add&node=" + victim);
        assertThat(added.status()).as(added.body().toString()).isEqualTo(200);
        assertThat(strings(added.body().path("voters"))).contains(victim.toString()).hasSize(3);
        long commit = nodes.get(leader).loop().status().commitIndex();
        InProcessCluster.await(() -> nodes.get(victim).loop().status().appliedIndex() >= commit, "the re-added node catches up");
        assertThat(strings(get(victim).path("voters"))).contains(victim.toString());

        // With the old leader gone, a new one needs a majority of {victim, bystander}: both take part.
        cluster.stop(leader);
        NodeId next = cluster.awaitLeader();
        assertThat(put(next, "c")).as("a write needs both remaining voters").isInstanceOf(ClientOutcome.Applied.class);
        assertThat(nodes.get(victim).loop().status().term()).isGreaterThan(term);
    }

    @Test
    void badInputAndNonLeadersGetClearErrors() throws Exception {
        cluster.startAll();
        NodeId leader = cluster.awaitLeader();
        NodeId follower = other(leader, null);
        InProcessCluster.await(() -> leader.toString().equals(nodes.get(follower).loop().status().leader()), "the follower knows");

        Reply notLeader = post(follower, "action=remove&node=" + leader);
        assertThat(notLeader.status()).isEqualTo(421);
        assertThat(notLeader.body().path("leader").asText()).isEqualTo(leader.toString());

        assertThat(post(leader, "action=remove&node=n9").status()).as("not in the address book").isEqualTo(400);
        assertThat(post(leader, "action=remove&node=x").status()).as("not a node id").isEqualTo(400);
        assertThat(post(leader, "action=explode&node=n1").status()).isEqualTo(400);
        assertThat(post(leader, "node=n1").status()).isEqualTo(400);
        assertThat(post(leader, "action=remove").status()).isEqualTo(400);
        assertThat(post(leader, "action=remove&node=n1&timeout-ms=0").status()).isEqualTo(400);
        assertThat(post(leader, "action=add-learner&node=" + follower).body().path("error").asText())
                .contains("already a member");
        assertThat(post(leader, "action=add&node=" + follower).status()).as("already a voter").isEqualTo(400);
        assertThat(post(leader, "action=promote&node=" + follower).status()).as("not a learner").isEqualTo(400);
        JsonNode config = get(leader);
        assertThat(strings(config.path("voters"))).hasSize(3);
        assertThat(config.path("member").asText()).isEqualTo("voter");
    }

    @Test
    void theLeaderCanRemoveItselfAndAnotherLeaderTakesOver() throws Exception {
        // Dissertation §4.2.2: a leader removed from the configuration steps down once the change commits.
        cluster.startAll();
        NodeId leader = cluster.awaitLeader();
        Reply removed = post(leader, "action=remove&node=" + leader);
        assertThat(removed.status()).as(removed.body().toString()).isEqualTo(200);
        AtomicReference<NodeId> next = new AtomicReference<>();
        InProcessCluster.await(() -> {
            for (var e : nodes.entrySet()) {
                if (!e.getKey().equals(leader) && e.getValue().loop().status().role().equals("leader")) {
                    next.set(e.getKey());
                }
            }
            return next.get() != null;
        }, "a leader among the remaining two");
        assertThat(put(next.get(), "x")).isInstanceOf(ClientOutcome.Applied.class);
        Reply added = post(next.get(), "action=add&node=" + leader);
        assertThat(added.status()).as(added.body().toString()).isEqualTo(200);
        assertThat(strings(added.body().path("voters"))).hasSize(3);
    }

    @Test
    void theWorkersStopWithTheNode() throws Exception {
        // Method: a change runs on the leader's worker pool; once every node stopped, no worker thread
        // of the membership endpoint is left (they would pile up in a process that restarts nodes).
        cluster.startAll();
        NodeId leader = cluster.awaitLeader();
        NodeId follower = other(leader, null);
        assertThat(post(leader, "action=remove&node=" + follower).status()).isEqualTo(200);
        assertThat(workerThreads()).isPositive();
        cluster.close();
        InProcessCluster.await(() -> workerThreads() == 0, "the membership workers end");
    }

    private static long workerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals("titan-admin-membership")).count();
    }

    // ------------------------------------------------------------------ helpers

    private record Reply(int status, JsonNode body) {}

    private Reply post(NodeId node, String query) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(admin(node, "?" + query))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), JSON.readTree(r.body()));
    }

    private JsonNode get(NodeId node) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(admin(node, "")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private URI admin(NodeId node, String query) {
        return URI.create("http://127.0.0.1:" + nodes.get(node).adminPort() + "/admin/membership" + query);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private NodeId other(NodeId not, NodeId norThis) {
        return nodes.keySet().stream().filter(n -> !n.equals(not) && !n.equals(norThis)).findFirst().orElseThrow();
    }

    private ClientOutcome put(NodeId node, String key) throws Exception {
        CompletableFuture<ClientOutcome> f = new CompletableFuture<>();
        nodes.get(node).loop().submit(new KvRequest.Write(new KvCommand.Put(nextClient++, 1, key,
                key.getBytes(StandardCharsets.UTF_8))), f::complete);
        return f.get(30, TimeUnit.SECONDS);
    }

}
