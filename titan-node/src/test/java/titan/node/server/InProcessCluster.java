package titan.node.server;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import titan.node.ClientOutcome;
import titan.node.api.KvRequest;
import titan.raft.Message;
import titan.raft.NodeId;

/**
 * Three real {@link TitanNode}s (loop threads, fsyncing {@code FileLogStore}s under {@code dir})
 * joined by an in-memory peer network instead of sockets, and no client APIs: the fixture of the
 * in-process server tests. A stopped node's messages go nowhere; polls use {@link #await} with a
 * deadline.
 */
final class InProcessCluster implements AutoCloseable {
    static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final int SIZE = 3;

    private final Path dir;
    private final Integer adminPort;
    private final Map<NodeId, Consumer<Message>> network = new ConcurrentHashMap<>();
    private final Map<NodeId, TitanNode> nodes = new TreeMap<>();

    /** {@code adminPort}: null for no admin endpoint, 0 for one on an ephemeral loopback port. */
    InProcessCluster(Path dir, Integer adminPort) {
        this.dir = dir;
        this.adminPort = adminPort;
    }

    /** The running nodes by id (a stopped node is absent). */
    Map<NodeId, TitanNode> nodes() {
        return nodes;
    }

    TitanNode node(NodeId id) {
        return nodes.get(id);
    }

    void startAll() throws Exception {
        for (int i = 1; i <= SIZE; i++) {
            start(NodeId.of(i));
        }
    }

    /** Starts {@code id} from its directory (a restart when it ran before). */
    void start(NodeId id) throws Exception {
        TreeMap<NodeId, InetSocketAddress> peers = new TreeMap<>();
        for (int i = 1; i <= SIZE; i++) {
            peers.put(NodeId.of(i), InetSocketAddress.createUnresolved("127.0.0.1", 1));
        }
        NodeConfig config = new NodeConfig(id, "test", dir.resolve(id.toString()), peers, null, "127.0.0.1", 0, 0,
                adminPort, Set.of(), 10, 10, 1, 100_000, false);
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

    /** Stops {@code id} (its directory stays) and cuts it from the network. */
    void stop(NodeId id) {
        nodes.remove(id).close();
        network.remove(id);
    }

    NodeId awaitLeader() throws InterruptedException {
        AtomicReference<NodeId> found = new AtomicReference<>();
        await(() -> {
            nodes.entrySet().stream().filter(e -> e.getValue().loop().status().role().equals("leader"))
                    .map(Map.Entry::getKey).findFirst().ifPresent(found::set);
            return found.get() != null;
        }, "a leader");
        return found.get();
    }

    CompletableFuture<ClientOutcome> submit(NodeId node, KvRequest request) {
        CompletableFuture<ClientOutcome> f = new CompletableFuture<>();
        nodes.get(node).loop().submit(request, f::complete);
        return f;
    }

    /** Polls a real cluster until {@code condition} holds; the deadline, not the interval, bounds the test. */
    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        nodes.values().forEach(TitanNode::close);
    }
}
