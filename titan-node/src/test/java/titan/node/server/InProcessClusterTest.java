package titan.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import titan.node.ClientOutcome;
import titan.node.api.KvRequest;
import titan.node.kv.KvCommand;
import titan.raft.Message;
import titan.raft.NodeId;

/**
 * Three real {@link TitanNode}s (loop threads, fsyncing {@code FileLogStore}s in temp directories)
 * joined by an in-memory peer network instead of sockets: the server's loop, group commit and
 * recovery, without Netty. Polls with deadlines; no fixed sleeps.
 */
class InProcessClusterTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final Map<NodeId, Consumer<Message>> network = new ConcurrentHashMap<>();
    private final Map<NodeId, TitanNode> nodes = new TreeMap<>();

    @AfterEach
    void stopAll() {
        nodes.values().forEach(TitanNode::close);
    }

    @Test
    void writesCommitThroughALeaderChangeAndSurviveARestart() throws Exception {
        // Method: elect, write, stop the leader, write through the new one, restart the old leader
        // from its directory and read every acknowledged write from it with a stale (local) read.
        for (int i = 1; i <= 3; i++) {
            start(NodeId.of(i));
        }
        NodeId first = awaitLeader();
        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            assertThat(put(first, "k" + i, "v" + i)).isInstanceOf(ClientOutcome.Applied.class);
            acknowledged.add("k" + i);
        }
        nodes.remove(first).close();
        network.remove(first);
        NodeId second = awaitLeader();
        assertThat(second).isNotEqualTo(first);
        for (int i = 50; i < 60; i++) {
            assertThat(put(second, "k" + i, "v" + i)).isInstanceOf(ClientOutcome.Applied.class);
            acknowledged.add("k" + i);
        }
        assertThat(read(second, "k7", false)).isEqualTo("v7");

        start(first);
        TitanNode restarted = nodes.get(first);
        await(() -> restarted.loop().status().appliedIndex() >= nodes.get(second).loop().status().commitIndex(),
                "the restarted node catches up");
        for (String key : acknowledged) {
            assertThat(read(first, key, true)).as(key).isEqualTo("v" + key.substring(1));
        }
    }

    @Test
    void aFollowerAnswersNotLeaderWithTheLeadersId() throws Exception {
        for (int i = 1; i <= 3; i++) {
            start(NodeId.of(i));
        }
        NodeId leader = awaitLeader();
        NodeId follower = nodes.keySet().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        await(() -> leader.toString().equals(nodes.get(follower).loop().status().leader()), "the follower knows");
        ClientOutcome outcome = put(follower, "x", "1");
        assertThat(outcome).isEqualTo(new ClientOutcome.NotLeader(leader));
    }

    @Test
    void concurrentWritesShareSyncs() throws Exception {
        // Group commit: 2,000 writes submitted at once must need far fewer fsyncs than writes.
        for (int i = 1; i <= 3; i++) {
            start(NodeId.of(i));
        }
        NodeId leader = awaitLeader();
        List<CompletableFuture<ClientOutcome>> futures = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            futures.add(submit(leader, new KvRequest.Write(new KvCommand.Put(1_000 + i, 1, "g" + (i % 10),
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

    private void start(NodeId id) throws Exception {
        TreeMap<NodeId, InetSocketAddress> peers = new TreeMap<>();
        for (int i = 1; i <= 3; i++) {
            peers.put(NodeId.of(i), InetSocketAddress.createUnresolved("127.0.0.1", 1));
        }
        NodeConfig config = new NodeConfig(id, "test", dir.resolve(id.toString()), peers, null, "127.0.0.1", 0, 0,
                null, Set.of(), 10, 10, 1, 100_000, false);
        TitanNode node = TitanNode.start(config, (cfg, http, tcp, inbound) -> {
            network.put(id, inbound);
            return new PeerNetwork() {
                @Override
                public void send(Message m) {
                    Consumer<Message> target = network.get(m.to());
                    if (target != null && network.containsKey(m.from())) {
                        target.accept(m);
                    }
                }

                @Override
                public String[] advertisedClientAddresses(NodeId peer) {
                    return null;
                }

                @Override
                public int boundPort() {
                    return 1;
                }

                @Override
                public void close() {
                    network.remove(id);
                }
            };
        }, (cfg, service, metrics, scrape) -> new ClientApis() {
            @Override
            public int httpPort() {
                return 1;
            }

            @Override
            public int tcpPort() {
                return 1;
            }

            @Override
            public void close() {}
        }, failure -> { throw new AssertionError("fatal: " + failure, failure); });
        nodes.put(id, node);
    }

    private NodeId awaitLeader() throws InterruptedException {
        java.util.concurrent.atomic.AtomicReference<NodeId> found = new java.util.concurrent.atomic.AtomicReference<>();
        await(() -> {
            nodes.entrySet().stream().filter(e -> e.getValue().loop().status().role().equals("leader"))
                    .map(Map.Entry::getKey).findFirst().ifPresent(found::set);
            return found.get() != null;
        }, "a leader");
        return found.get();
    }

    private CompletableFuture<ClientOutcome> submit(NodeId node, KvRequest request) {
        CompletableFuture<ClientOutcome> f = new CompletableFuture<>();
        nodes.get(node).loop().submit(request, f::complete);
        return f;
    }

    private long nextClient = 1;

    private ClientOutcome put(NodeId node, String key, String value) throws Exception {
        return submit(node, new KvRequest.Write(new KvCommand.Put(nextClient++, 1, key,
                value.getBytes(StandardCharsets.UTF_8)))).get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    private String read(NodeId node, String key, boolean stale) throws Exception {
        ClientOutcome outcome = submit(node, new KvRequest.Read(key, stale)).get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(outcome).isInstanceOf(ClientOutcome.Read.class);
        byte[] value = ((ClientOutcome.Read) outcome).value();
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10); // polling a real cluster; the deadline, not the interval, bounds the test
        }
    }
}
