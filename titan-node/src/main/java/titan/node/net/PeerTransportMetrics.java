package titan.node.net;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;
import titan.raft.NodeId;

/**
 * Publishes a {@link NettyPeerTransport}'s counters as Micrometer meters, tagged {@code peer=n2}
 * etc. (Prometheus names: {@code titan_peer_messages_sent_total}, {@code titan_peer_connected}, …).
 * The meters read {@link NettyPeerTransport#stats()} when scraped; nothing is recorded on the hot path.
 */
public final class PeerTransportMetrics {
    private PeerTransportMetrics() {}

    /** Registers the meters of {@code transport} in {@code registry}; call once per transport. */
    public static void bind(NettyPeerTransport transport, MeterRegistry registry) {
        for (NodeId peer : transport.stats().keySet()) {
            String tag = peer.toString();
            counter(registry, transport, peer, "titan.peer.messages.sent", "messages written to the peer",
                    PeerStats::messagesSent);
            counter(registry, transport, peer, "titan.peer.bytes.sent", "frame bytes written to the peer",
                    PeerStats::bytesSent);
            counter(registry, transport, peer, "titan.peer.flushes", "flushes of the connection to the peer",
                    PeerStats::flushes);
            counter(registry, transport, peer, "titan.peer.messages.dropped",
                    "messages for the peer dropped (queue full, unreachable, too large)", PeerStats::messagesDropped);
            counter(registry, transport, peer, "titan.peer.reconnects", "connection attempts after the first",
                    PeerStats::reconnects);
            counter(registry, transport, peer, "titan.peer.messages.received", "messages received from the peer",
                    PeerStats::messagesReceived);
            Gauge.builder("titan.peer.connected", transport, t -> stat(t, peer, s -> s.connected() ? 1 : 0))
                    .description("1 while the connection to the peer is up").tag("peer", tag).register(registry);
            Gauge.builder("titan.peer.queued.messages", transport, t -> stat(t, peer, PeerStats::queuedMessages))
                    .description("messages waiting to be written to the peer").tag("peer", tag).register(registry);
        }
        FunctionCounter.builder("titan.peer.connections.refused", transport, NettyPeerTransport::refusedConnections)
                .description("peer connections closed for a bad hello, a corrupt frame or a timeout").register(registry);
        FunctionCounter.builder("titan.peer.messages.unroutable", transport, NettyPeerTransport::unroutableMessages)
                .description("messages for no configured peer").register(registry);
    }

    private static void counter(MeterRegistry registry, NettyPeerTransport transport, NodeId peer, String name,
                                String description, ToDoubleFunction<PeerStats> value) {
        FunctionCounter.builder(name, transport, t -> stat(t, peer, value)).description(description)
                .tag("peer", peer.toString()).register(registry);
    }

    private static double stat(NettyPeerTransport transport, NodeId peer, ToDoubleFunction<PeerStats> value) {
        PeerStats stats = transport.stats().get(peer);
        return stats == null ? 0 : value.applyAsDouble(stats);
    }
}
