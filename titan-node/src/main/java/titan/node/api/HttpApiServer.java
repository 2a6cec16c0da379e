package titan.node.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpUtil;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * The HTTP/JSON client API on one port: keep-alive HTTP/1.1, bodies up to
 * {@link ApiLimits#frameBytesMax()} bytes. Routes (see {@code docs/client-protocol.md}):
 * <pre>
 *   GET    /v1/kv/{key}[?stale=true]  200 value bytes | 404 missing (stale: NOT linearizable)
 *   PUT    /v1/kv/{key}               body = value bytes; 200 {"outcome":"ok"}
 *   DELETE /v1/kv/{key}               200 | 404 missing
 *   POST   /v1/kv/{key}               {"op":"cas","expected":..,"value":..} 200 | 409 {"current":..}
 *                                     {"op":"append","value":..}            200
 *   GET    /v1/status                 the node's status as JSON
 *   GET    /metrics                   Prometheus text
 *   421 not leader (leader's id and addresses), 503 no leader or refused (definitely not applied),
 *   504 {"outcome":"indeterminate"}, 412 session stale/expired, 422 rejected, 400 malformed,
 *   413 too large, 404/405 unknown path/method; every error is JSON with a "message".
 * </pre>
 * Writes carry their session in {@code Titan-Client-Id} and {@code Titan-Sequence}; a write without
 * them runs in a fresh server-assigned session, so a retry of it is not deduplicated. Runs on the
 * group it is given and never blocks it; {@link #close()} does not shut the group down.
 */
public final class HttpApiServer implements AutoCloseable {
    static final int INITIAL_LINE_BYTES_MAX = 8192;
    static final int HEADER_BYTES_MAX = 8192;

    private final Channel serverChannel;
    private final ConnectionLimit connections;

    private HttpApiServer(Channel serverChannel, ConnectionLimit connections) {
        this.serverChannel = serverChannel;
        this.connections = connections;
    }

    /**
     * Binds {@code address} (port 0: any free port, see {@link #port()}) and serves {@code service};
     * {@code scrape} renders {@code /metrics} (e.g. {@code PrometheusMeterRegistry::scrape}).
     * Throws {@link java.io.UncheckedIOException} if the port cannot be bound.
     */
    public static HttpApiServer start(KvService service, InetSocketAddress address, EventLoopGroup group,
                                      ApiLimits limits, MeterRegistry registry, Supplier<String> scrape) {
        RequestMetrics metrics = new RequestMetrics(registry, "http");
        ConnectionLimit connections = new ConnectionLimit(ConnectionLimit.CONNECTIONS_MAX_DEFAULT);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(titan.node.net.NettyTransports.serverChannel(group))
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, TcpApiServer.WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(connections);
                        initPipeline(ch, service, limits, metrics, scrape);
                    }
                });
        return new HttpApiServer(Servers.bind(bootstrap, address, "HTTP"), connections);
    }

    /** The handlers of one connection; also what the EmbeddedChannel tests run. */
    static void initPipeline(Channel ch, KvService service, ApiLimits limits, RequestMetrics metrics,
                             Supplier<String> scrape) {
        InboundGate gate = new InboundGate();
        // The handler and the gate bound unanswered (pipelined) requests with back-pressure. The
        // handler's responses are ApiResponses, written by ApiResponseEncoder; Netty's encoder stays
        // for what the aggregator itself answers (100 Continue, 413 to an Expect: 100-continue).
        // HttpServerCodec is not used: it remembers each request's method for its own encoder, which
        // the handler's responses bypass.
        HttpDecoderConfig decoding = new HttpDecoderConfig().setMaxInitialLineLength(INITIAL_LINE_BYTES_MAX)
                .setMaxHeaderSize(HEADER_BYTES_MAX).setMaxChunkSize(64 * 1024);
        ch.pipeline().addLast(gate, ApiResponseEncoder.INSTANCE, new HttpRequestDecoder(decoding),
                new HttpResponseEncoder(), new BoundedAggregator(limits.frameBytesMax()),
                new HttpApiHandler(service, limits, metrics, scrape, gate));
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

    /**
     * Aggregates bodies up to the limit; an oversized one is handed to the handler as
     * {@link HttpApiHandler.Oversized}, in its request's place, so its 413 keeps response order.
     */
    private static final class BoundedAggregator extends HttpObjectAggregator {
        BoundedAggregator(int maxContentLength) {
            super(maxContentLength);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            ctx.fireChannelRead(new HttpApiHandler.Oversized(HttpUtil.isKeepAlive(oversized), "body over the limit of "
                    + maxContentLength() + " bytes"));
        }
    }
}
