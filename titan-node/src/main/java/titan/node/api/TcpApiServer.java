package titan.node.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.Collection;

/**
 * The binary TCP client API ({@link BinaryProtocol}) on one port. Runs on the event loop group it is
 * given (the node shares one small group between its servers: threads are few on purpose) and
 * never blocks it. {@link #close()} stops accepting and closes every connection; it does not shut
 * the group down.
 */
public final class TcpApiServer implements AutoCloseable {
    /** Outbound bytes per connection above which the server stops reading it. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    private final Channel serverChannel;
    private final ConnectionLimit connections;

    private TcpApiServer(Channel serverChannel, ConnectionLimit connections) {
        this.serverChannel = serverChannel;
        this.connections = connections;
    }

    /**
     * Binds {@code address} (port 0: any free port, see {@link #port()}) and serves {@code service}.
     * Throws {@link java.io.UncheckedIOException} if the port cannot be bound.
     */
    public static TcpApiServer start(KvService service, InetSocketAddress address, EventLoopGroup group,
                                     ApiLimits limits, MeterRegistry registry) {
        RequestMetrics metrics = new RequestMetrics(registry, "tcp");
        ConnectionLimit connections = new ConnectionLimit(ConnectionLimit.CONNECTIONS_MAX_DEFAULT);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(titan.node.net.NettyTransports.serverChannel(group))
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(connections);
                        initPipeline(ch, service, limits, metrics);
                    }
                });
        return new TcpApiServer(Servers.bind(bootstrap, address, "binary TCP"), connections);
    }

    /** The handlers of one connection; also what the EmbeddedChannel tests run. */
    static void initPipeline(Channel ch, KvService service, ApiLimits limits, RequestMetrics metrics) {
        TcpApiHandler handler = new TcpApiHandler(service, metrics, limits.inFlightMax());
        ch.pipeline().addLast(new TcpRequestDecoder(limits, handler::mayDecode), handler);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    public int port() {
        return address().getPort();
    }

    /** The open connections (for tests that inspect a connection's buffers). */
    Collection<Channel> channels() {
        return connections.channels();
    }

    int openConnections() {
        return connections.open();
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        connections.closeAll();
    }
}
