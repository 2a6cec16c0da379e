package titan.node.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.UncheckedIOException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import titan.node.Transport;
import titan.raft.Message;
import titan.raft.NodeId;

/**
 * Raft's peer transport over TCP with Netty: one outbound connection per peer for this node's
 * messages, and a listening port where peers connect to send theirs. The frame layout is in
 * {@link PeerMessageCodec} and {@code docs/peer-protocol.md}.
 *
 * <p>Contracts:
 * <ul>
 *   <li>{@link #send} must not block and must not throw (see {@link Transport}); it may be called
 *       from any thread. A message is dropped, and counted in {@link PeerStats#messagesDropped()},
 *       when its peer's queue is full (in messages or bytes), while its peer is unreachable
 *       (backing off after a failed or lost connection), or when it is addressed to an unknown
 *       node. Raft retries on its own; memory stays bounded whatever a peer does.</li>
 *   <li>Messages are written by the peer's event loop, everything queued at that moment in one
 *       buffer and one flush, with {@code TCP_NODELAY}. {@link #sendAll} queues a whole round
 *       before the first write, so the round is exactly one flush per peer (the driver's rounds
 *       stay rounds on the wire); separate {@link #send} calls usually coalesce too, but a write
 *       may start between two of them.</li>
 *   <li>The inbound handler is called on a Netty event-loop thread, once per message, in the order
 *       each peer sent them; it must not block (post the message into the node's own loop). An
 *       exception it throws is logged and the message is lost.</li>
 *   <li>A connection is refused (logged, closed) when its peer's hello names another cluster id,
 *       a node not in the peer list, or another protocol version, or when anything precedes the
 *       hello or a frame is corrupt or oversized. Only that connection is closed.</li>
 * </ul>
 *
 * <p>The constructor binds the listening port (and throws {@link UncheckedIOException} with the
 * address when it cannot); outbound connections are made lazily on the first send.
 */
public final class NettyPeerTransport implements Transport, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NettyPeerTransport.class);

    private final PeerTransportConfig config;
    private final Consumer<Message> inbound;
    private final PeerMessageCodec codec;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final ChannelGroup channels = new DefaultChannelGroup("titan-peers", GlobalEventExecutor.INSTANCE);
    private final Map<NodeId, PeerLink> links;
    private final Map<NodeId, ClientAddresses> advertised = new ConcurrentHashMap<>();
    /** The accepted connection of each peer; a newer hello from the same peer replaces it. */
    private final Map<NodeId, Channel> acceptedByPeer = new ConcurrentHashMap<>();
    private final AtomicInteger inboundConnections = new AtomicInteger();
    private final LongAdder refused = new LongAdder();
    private final LongAdder unroutable = new LongAdder();
    private final Channel server;
    private final HostPort listenAddress;
    private volatile boolean closed;

    /** Starts a transport on its own event-loop group of {@code config.ioThreads()} threads. */
    public NettyPeerTransport(PeerTransportConfig config, Consumer<Message> inbound) {
        this(config, inbound, NettyTransports.newGroup(config.ioThreads(), "titan-peer-" + config.self()), true);
    }

    /** Starts a transport on a shared event-loop group (NIO or epoll), which {@link #close()} leaves running. */
    public NettyPeerTransport(PeerTransportConfig config, Consumer<Message> inbound, EventLoopGroup group) {
        this(config, inbound, group, false);
    }

    private NettyPeerTransport(PeerTransportConfig config, Consumer<Message> inbound, EventLoopGroup group,
                               boolean ownsGroup) {
        this.config = config;
        this.inbound = inbound;
        this.codec = new PeerMessageCodec(config.frameBytesMax());
        this.group = group;
        this.ownsGroup = ownsGroup;
        Bootstrap base = new Bootstrap().channel(NettyTransports.socketChannel(group))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.handshakeTimeout().toMillis())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 4 << 20));
        TreeMap<NodeId, PeerLink> byId = new TreeMap<>();
        config.peers().forEach((id, address) -> byId.put(id, new PeerLink(config.self(), id, address, config, codec,
                group.next(), link -> base.clone(group).handler(initializer(link)))));
        this.links = Map.copyOf(byId);
        try {
            this.server = new ServerBootstrap().group(group).channel(NettyTransports.serverChannel(group))
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(initializer(null))
                    .bind(config.listen().host(), config.listen().port()).syncUninterruptibly().channel();
        } catch (Exception e) {
            shutdownGroup();
            throw new UncheckedIOException("cannot listen for peers on " + config.listen() + ": " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
        channels.add(server);
        InetSocketAddress bound = (InetSocketAddress) server.localAddress();
        this.listenAddress = new HostPort(config.listen().host(), bound.getPort());
        log.info("{}: peer transport of cluster '{}' listening on {}; peers {}", config.self(), config.clusterId(),
                listenAddress, config.peers());
    }

    /** The address peers can connect to, with the port actually bound (useful after port 0). */
    public HostPort listenAddress() {
        return listenAddress;
    }

    @Override
    public void send(Message message) {
        PeerLink link = message == null ? null : links.get(message.to());
        if (link == null || closed) {
            unroutable.increment();
            return;
        }
        link.send(message);
    }

    /**
     * Sends every message of {@code messages} as {@link #send} does, but queues them all before
     * any is written, so each peer gets the round in one write and one flush. Same contract as
     * {@link #send}: must not block, must not throw, any thread.
     */
    public void sendAll(Collection<? extends Message> messages) {
        Set<PeerLink> touched = new HashSet<>();
        for (Message message : messages) {
            PeerLink link = message == null ? null : links.get(message.to());
            if (link == null || closed) {
                unroutable.increment();
            } else if (link.enqueue(message)) {
                touched.add(link);
            }
        }
        touched.forEach(PeerLink::scheduleDrain);
    }

    /**
     * Points the connections to {@code peer} at {@code address} from the next connection attempt
     * on (the current connection, if any, is kept). For peers whose port is known only after they
     * started, e.g. on port 0 in tests.
     *
     * @throws IllegalArgumentException if {@code peer} is not in the configured peer list
     */
    public void setPeerAddress(NodeId peer, HostPort address) {
        PeerLink link = links.get(peer);
        if (link == null) {
            throw new IllegalArgumentException(peer + " is not in the peer list " + links.keySet());
        }
        link.address(address);
    }

    /**
     * The client addresses {@code peer} last announced in a hello, in either direction, or empty
     * if it has not connected since this transport started. Any thread.
     */
    public Optional<ClientAddresses> advertised(NodeId peer) {
        return Optional.ofNullable(advertised.get(peer));
    }

    /** The traffic with each configured peer. Any thread; each entry is a consistent-enough snapshot. */
    public Map<NodeId, PeerStats> stats() {
        TreeMap<NodeId, PeerStats> out = new TreeMap<>();
        links.forEach((id, link) -> out.put(id, link.stats()));
        return out;
    }

    /** Connections closed for a bad hello, a corrupt frame, a misrouted message or a handshake timeout. */
    public long refusedConnections() {
        return refused.sum();
    }

    /** Messages dropped because they were addressed to no configured peer, or sent after close. */
    public long unroutableMessages() {
        return unroutable.sum();
    }

    /**
     * Closes the port and every connection and drops what is queued; waits at most a few seconds.
     * Idempotent. Must not be called from an event-loop thread of the transport's group.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        links.values().forEach(PeerLink::close);
        channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        shutdownGroup();
        log.info("{}: peer transport closed", config.self());
    }

    PeerTransportConfig config() {
        return config;
    }

    void writeHello(Channel channel) {
        ByteBuf hello = channel.alloc().ioBuffer(64);
        codec.writeHelloFrame(new PeerHello(config.clusterId(), config.self(), PeerMessageCodec.VERSION,
                config.advertised()), hello);
        channel.writeAndFlush(hello).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
    }

    void learnAdvertised(NodeId peer, ClientAddresses addresses) {
        advertised.put(peer, addresses);
    }

    /**
     * Records {@code channel} as {@code peer}'s accepted connection and closes the one it replaces:
     * a peer has one outbound connection at a time, so an older one is from a previous life of the
     * peer (restarted, or its packets blackholed) and would otherwise hold an inbound slot until TCP
     * gives up on it, which can take many minutes.
     */
    void acceptedFrom(NodeId peer, Channel channel) {
        Channel previous = acceptedByPeer.put(peer, channel);
        channel.closeFuture().addListener(f -> acceptedByPeer.remove(peer, channel));
        if (previous != null && previous != channel && previous.isOpen()) {
            log.info("{}: {} connected again from {}; closing its previous connection from {}", config.self(), peer,
                    channel.remoteAddress(), previous.remoteAddress());
            previous.close();
        }
    }

    void deliver(Message message) {
        PeerLink link = links.get(message.from());
        if (link != null) {
            link.countReceived();
        }
        try {
            inbound.accept(message);
        } catch (RuntimeException e) {
            log.error("{}: the inbound handler failed on {}", config.self(), message, e);
        }
    }

    void countRefused() {
        refused.increment();
    }

    private ChannelInitializer<SocketChannel> initializer(PeerLink link) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (closed) {
                    ch.close();
                    return;
                }
                channels.add(ch);
                if (link == null && !admitInbound(ch)) {
                    return;
                }
                ch.pipeline().addLast("frames", new PeerFrameDecoder(codec))
                        .addLast("peer", new PeerChannelHandler(NettyPeerTransport.this, link));
            }
        };
    }

    private boolean admitInbound(SocketChannel ch) {
        if (inboundConnections.incrementAndGet() > config.inboundConnectionsMax()) {
            inboundConnections.decrementAndGet();
            refused.increment();
            log.warn("{}: closing peer connection from {}: over {} inbound connections", config.self(),
                    ch.remoteAddress(), config.inboundConnectionsMax());
            ch.close();
            return false;
        }
        ch.closeFuture().addListener(f -> inboundConnections.decrementAndGet());
        return true;
    }

    private void shutdownGroup() {
        if (ownsGroup) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }
}
