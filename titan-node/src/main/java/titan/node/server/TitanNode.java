package titan.node.server;

import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import titan.node.Replica;
import titan.node.Transport;
import titan.raft.UnsafeMode;
import titan.node.kv.KvConfig;
import titan.node.kv.KvStateMachine;
import titan.node.storage.FileLogStore;
import titan.node.storage.RecoveredState;
import titan.raft.Membership;
import titan.raft.Message;
import titan.raft.PersistentState;
import titan.raft.RaftConfig;
import titan.raft.RaftCore;

/**
 * One running Titan server: recovers its log from {@code dataDir/raft}, then serves peers and
 * clients. Assembly order matters and is the reason this class exists:
 * <pre>
 *   identity check ─► WAL recovery ─► core + replica + loop ─► client ports ─► peer port ─► loop runs
 * </pre>
 * Client ports are bound before the peer network opens because peers learn them in the handshake
 * (for leader hints); the loop starts last, so nothing is stepped before everything is wired.
 */
public final class TitanNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TitanNode.class);

    private final NodeConfig config;
    private final FileLogStore store;
    private final NodeLoop loop;
    private final PrometheusMeterRegistry metrics;
    private final ClientApis apis;
    private final PeerNetwork peers;
    private final AdminEndpoint admin;
    private final MembershipAdmin membership;
    private final AppliedDigest digest;

    private TitanNode(NodeConfig config, FileLogStore store, NodeLoop loop, PrometheusMeterRegistry metrics,
                      ClientApis apis, PeerNetwork peers, AdminEndpoint admin, MembershipAdmin membership,
                      AppliedDigest digest) {
        this.config = config;
        this.store = store;
        this.loop = loop;
        this.metrics = metrics;
        this.apis = apis;
        this.peers = peers;
        this.admin = admin;
        this.membership = membership;
        this.digest = digest;
    }

    /**
     * Starts a node. Throws {@link BadConfigException} for a data directory of another node or
     * cluster, or a port in use; {@code fatal} hears of errors that stop a running node (storage).
     */
    public static TitanNode start(NodeConfig config, PeerNetwork.Factory peerFactory, ClientApis.Factory apiFactory,
                                  Consumer<Throwable> fatal) throws IOException {
        for (UnsafeMode s : config.unsafe()) {
            log.warn("UNSAFE MODE ON: {} — this node deliberately breaks a guarantee; never use it for data",
                    s.flag());
        }
        DataDirIdentity.claimOrCheck(config.dataDir(), config.clusterId(), config.id());
        FileLogStore store = new FileLogStore(config.dataDir().resolve("raft"));
        RecoveredState recovered = store.recover();
        if (recovered.tornTailBytes() > 0) {
            log.warn("recovery cut a torn WAL tail of {} bytes (a crash during a write)", recovered.tornTailBytes());
        }
        PersistentState state = recovered.toPersistentState(Membership.ofVoters(config.peers().keySet()));
        RaftConfig raftConfig = RaftConfig.defaults(config.id())
                .withTicks(config.electionTicks(), config.heartbeatTicks())
                .withUnsafe(config.unsafe());
        RaftCore core = new RaftCore(raftConfig, state, new SplittableRandom(System.nanoTime()));
        KvStateMachine stateMachine = new KvStateMachine(KvConfig.DEFAULT.withNoDedup(
                config.unsafe().contains(UnsafeMode.NO_DEDUP)));
        if (state.snapshot().meta().index() > 0) {
            stateMachine.restore(state.snapshot().data());
        }
        log.info("recovered term {}, last index {}, commit {}, snapshot {}", core.term(), core.lastIndex(),
                core.commitIndex(), core.snapshotIndex());

        DeferredTransport transport = new DeferredTransport();
        PowerSwitch power = config.faultInjection() ? PowerSwitch.halting(store) : null;
        AppliedDigest digest = new AppliedDigest(); // what it applied, for the lab's State Machine Safety check
        Replica replica = new Replica(core, store, power == null ? transport : power.watch(transport), stateMachine,
                new Replica.Options(config.snapshotEveryEntries(), config.unsafe()), digest);
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics.config().commonTags("node", config.id().toString());
        PeerNetwork[] peerRef = new PeerNetwork[1];
        String[][] ownAddresses = new String[1][];
        NodeLoop loop = new NodeLoop(config.id(), config.clusterId(), core, replica, store, 65_536, System::nanoTime,
                TimeUnit.MILLISECONDS.toNanos(config.tickMillis()),
                id -> id.equals(config.id()) ? ownAddresses[0]
                        : peerRef[0] == null ? null : peerRef[0].advertisedClientAddresses(id), metrics, failure -> {
                    digest.stopped(false);
                    fatal.accept(failure);
                });
        ClientApis apis = null;
        PeerNetwork peers = null;
        AdminEndpoint admin = null;
        MembershipAdmin membership = null;
        try {
            apis = apiFactory.open(config, loop, metrics, metrics::scrape);
            String host = config.bindHost();
            ownAddresses[0] = new String[] {host + ":" + apis.httpPort(), host + ":" + apis.tcpPort()};
            peers = peerFactory.open(config, host + ":" + apis.httpPort(), host + ":" + apis.tcpPort(), loop::deliver);
            peerRef[0] = peers;
            transport.target = peers;
            if (config.adminPort() != null) {
                admin = new AdminEndpoint(host, config.adminPort(), loop);
                membership = new MembershipAdmin(loop, config.peers().keySet());
                admin.serve("/admin/membership", membership);
                admin.addPowerLoss(power);
                log.warn("FAULT INJECTION endpoint enabled on {}:{}", host, admin.port());
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(admin, membership, peers, apis);
            store.close();
            throw e;
        }
        loop.start();
        return new TitanNode(config, store, loop, metrics, apis, peers, admin, membership, digest);
    }

    public NodeConfig config() {
        return config;
    }

    public NodeLoop loop() {
        return loop;
    }

    public int httpPort() {
        return apis.httpPort();
    }

    public int tcpPort() {
        return apis.tcpPort();
    }

    public int peerPort() {
        return peers.boundPort();
    }

    /** The admin endpoint's port, or -1 when it is off. */
    public int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    /** Graceful stop: client ports close, pending requests are answered, the WAL is closed. */
    @Override
    public void close() {
        closeQuietly(admin, membership, apis);
        loop.close();
        digest.stopped(true);
        closeQuietly(peers);
        log.info("stopped");
    }

    private static void closeQuietly(AutoCloseable... closeables) {
        for (AutoCloseable c : closeables) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                log.warn("error while closing {}: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
    }

    /** Lets the replica exist before the peer network does (the network needs the client ports first). */
    private static final class DeferredTransport implements Transport {
        private volatile Transport target;

        @Override
        public void send(Message message) {
            Transport t = target;
            if (t != null) {
                t.send(message);
            }
        }
    }
}
