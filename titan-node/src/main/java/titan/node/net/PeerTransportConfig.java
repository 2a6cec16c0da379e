package titan.node.net;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import titan.raft.NodeId;

/**
 * The settings of one node's {@link NettyPeerTransport}. Sizes are bytes, counts are messages.
 *
 * @param self                  this node's id, announced in the handshake
 * @param clusterId             peers with a different cluster id are refused
 * @param advertised            where this node serves clients, announced in the handshake
 * @param listen                the address peers connect to; port 0 picks a free port
 *                              ({@link NettyPeerTransport#listenAddress()} tells which)
 * @param peers                 where to reach each other node; only these ids may connect. An
 *                              address may be a proxy, so it need not be where the peer listens.
 *                              An entry for {@code self} is ignored.
 * @param frameBytesMax         the largest frame body sent or accepted (an AppendRequest of
 *                              appendBytesMax or a snapshot chunk must fit, with room)
 * @param queueMessagesMax      messages queued for one peer before new ones are dropped
 * @param queueBytesMax         frame bytes queued for one peer before new messages are dropped
 * @param backoffMin            the first reconnect delay after a failure
 * @param backoffMax            the reconnect delay doubles per failure up to this
 * @param handshakeTimeout      a connection without a valid hello by then is closed; also the
 *                              connect timeout
 * @param inboundConnectionsMax accepted connections beyond this are closed at once
 * @param ioThreads             event-loop threads when the transport makes its own group
 */
public record PeerTransportConfig(
        NodeId self,
        String clusterId,
        ClientAddresses advertised,
        HostPort listen,
        Map<NodeId, HostPort> peers,
        int frameBytesMax,
        int queueMessagesMax,
        long queueBytesMax,
        Duration backoffMin,
        Duration backoffMax,
        Duration handshakeTimeout,
        int inboundConnectionsMax,
        int ioThreads) {

    public PeerTransportConfig {
        if (self == null || advertised == null || listen == null || peers == null) {
            throw new IllegalArgumentException("self, advertised, listen and peers are required");
        }
        if (clusterId == null || clusterId.isEmpty()
                || clusterId.getBytes(StandardCharsets.UTF_8).length > PeerHello.CLUSTER_ID_BYTES_MAX) {
            throw new IllegalArgumentException("a cluster id has 1.." + PeerHello.CLUSTER_ID_BYTES_MAX + " bytes");
        }
        TreeMap<NodeId, HostPort> others = new TreeMap<>(peers);
        others.remove(self);
        peers = Collections.unmodifiableSortedMap(others);
        if (frameBytesMax < 64 || queueMessagesMax < 1 || queueBytesMax < PeerMessageCodec.HEADER_BYTES + (long) frameBytesMax) {
            throw new IllegalArgumentException("need frameBytesMax >= 64, queueMessagesMax >= 1 and queueBytesMax"
                    + " >= one whole frame");
        }
        if (backoffMin.isNegative() || backoffMin.isZero() || backoffMax.compareTo(backoffMin) < 0
                || handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("need 0 < backoffMin <= backoffMax and a positive handshakeTimeout");
        }
        if (inboundConnectionsMax < 1 || ioThreads < 1) {
            throw new IllegalArgumentException("inboundConnectionsMax and ioThreads must be positive");
        }
    }

    /**
     * Defaults: 16 MiB frames (64 times RaftConfig's default appendBytesMax of 256 KiB), 4096
     * messages or 16 MiB + one frame queued per peer, reconnect backoff 50 ms to 2 s, 5 s
     * handshake timeout, 64 inbound connections, one I/O thread.
     */
    public static PeerTransportConfig of(NodeId self, String clusterId, ClientAddresses advertised, HostPort listen,
                                         Map<NodeId, HostPort> peers) {
        int frameBytesMax = PeerMessageCodec.FRAME_BYTES_MAX_DEFAULT;
        return new PeerTransportConfig(self, clusterId, advertised, listen, peers, frameBytesMax, 4096,
                16L * 1024 * 1024 + PeerMessageCodec.HEADER_BYTES + frameBytesMax, Duration.ofMillis(50),
                Duration.ofSeconds(2), Duration.ofSeconds(5), 64, 1);
    }

    public PeerTransportConfig withQueueLimits(int messagesMax, long bytesMax) {
        return new PeerTransportConfig(self, clusterId, advertised, listen, peers, frameBytesMax, messagesMax, bytesMax,
                backoffMin, backoffMax, handshakeTimeout, inboundConnectionsMax, ioThreads);
    }

    public PeerTransportConfig withBackoff(Duration min, Duration max) {
        return new PeerTransportConfig(self, clusterId, advertised, listen, peers, frameBytesMax, queueMessagesMax,
                queueBytesMax, min, max, handshakeTimeout, inboundConnectionsMax, ioThreads);
    }

    public PeerTransportConfig withHandshakeTimeout(Duration timeout) {
        return new PeerTransportConfig(self, clusterId, advertised, listen, peers, frameBytesMax, queueMessagesMax,
                queueBytesMax, backoffMin, backoffMax, timeout, inboundConnectionsMax, ioThreads);
    }

    public PeerTransportConfig withPeers(Map<NodeId, HostPort> newPeers) {
        return new PeerTransportConfig(self, clusterId, advertised, listen, newPeers, frameBytesMax, queueMessagesMax,
                queueBytesMax, backoffMin, backoffMax, handshakeTimeout, inboundConnectionsMax, ioThreads);
    }
}
