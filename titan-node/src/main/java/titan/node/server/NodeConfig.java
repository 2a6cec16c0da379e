package titan.node.server;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import titan.raft.UnsafeMode;
import titan.raft.NodeId;

/**
 * Everything one Titan node is started with (the flags of {@link NodeMain}).
 *
 * @param peers       how THIS node reaches every member of the cluster, itself included (its own
 *                    entry is where it listens unless {@code listenPeer} says otherwise). In the
 *                    lab these are proxies, so a peer's address here need not be where it listens.
 * @param adminPort   the fault-injection admin endpoint's port, or {@code null}: off
 * @param tickMillis  the length of one Raft tick in real time (election timeouts are in ticks)
 * @param faultInjection whether the admin endpoint may cut the node's power ({@code --fault-injection})
 */
public record NodeConfig(NodeId id, String clusterId, Path dataDir, SortedMap<NodeId, InetSocketAddress> peers,
                         InetSocketAddress listenPeer, String bindHost, int httpPort, int tcpPort, Integer adminPort,
                         Set<UnsafeMode> unsafe, int tickMillis, int electionTicks, int heartbeatTicks,
                         long snapshotEveryEntries, boolean exitOnStdinEof, boolean faultInjection) {
    /** Without fault injection. */
    public NodeConfig(NodeId id, String clusterId, Path dataDir, SortedMap<NodeId, InetSocketAddress> peers,
                      InetSocketAddress listenPeer, String bindHost, int httpPort, int tcpPort, Integer adminPort,
                      Set<UnsafeMode> unsafe, int tickMillis, int electionTicks, int heartbeatTicks,
                      long snapshotEveryEntries, boolean exitOnStdinEof) {
        this(id, clusterId, dataDir, peers, listenPeer, bindHost, httpPort, tcpPort, adminPort, unsafe, tickMillis,
                electionTicks, heartbeatTicks, snapshotEveryEntries, exitOnStdinEof, false);
    }

    public NodeConfig {
        peers = new TreeMap<>(peers);
        unsafe = Set.copyOf(unsafe);
        if (!peers.containsKey(id)) {
            throw new IllegalArgumentException("--peers must list this node (" + id + ") too");
        }
        if (clusterId == null || !clusterId.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("--cluster-id must be 1-64 letters, digits, '.', '_' or '-'");
        }
        if (tickMillis < 1 || electionTicks < 2 || heartbeatTicks < 1 || heartbeatTicks >= electionTicks) {
            throw new IllegalArgumentException("need --tick-ms >= 1 and 1 <= --heartbeat-ticks < --election-ticks");
        }
        if (snapshotEveryEntries < 1) {
            throw new IllegalArgumentException("--snapshot-every must be at least 1");
        }
    }

    /** Where this node accepts peer connections. */
    public InetSocketAddress peerListenAddress() {
        return listenPeer != null ? listenPeer : peers.get(id);
    }

    public Map<NodeId, InetSocketAddress> otherPeers() {
        Map<NodeId, InetSocketAddress> others = new TreeMap<>(peers);
        others.remove(id);
        return others;
    }
}
