package titan.lab.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import titan.client.Endpoint;
import titan.client.Outcome;
import titan.client.TitanClient;

/**
 * The benchmark's client of etcd's v3 JSON gateway (grpc-gateway over HTTP/1.1, etcd 3.4): one
 * keep-alive connection, one request in flight at a time (as Titan's HTTP client, so the two are
 * driven alike); later calls wait their turn in order. {@code put} is {@code POST /v3/kv/put
 * {"key": b64, "value": b64}}; {@code get} is {@code POST /v3/kv/range {"key": b64}}, which etcd
 * serves linearizably (its default, {@code serializable: false}).
 *
 * <p>Outcomes: 200 is {@link Outcome.Ok} (a range without {@code kvs} is {@link Outcome.NotFound};
 * a read's value is not decoded, the benchmark does not look at it); any other status, a timeout
 * or a lost connection is {@link Outcome.Indeterminate} for a put (etcd may still apply it) and for
 * a read. After a timeout or a lost connection the client is closed: later calls fail at once
 * ({@link Outcome.Failed}, never sent). Only put and get are implemented; the others fail.
 */
final class EtcdGatewayClient implements TitanClient {
    private static final Base64.Encoder B64 = Base64.getEncoder();

    private final Endpoint endpoint;
    private final long timeoutNanos;
    private final Channel channel;
    private final ArrayDeque<Call> waiting = new ArrayDeque<>(); // event loop only
    private Call current;                                         // event loop only
    private boolean broken;                                       // event loop only

    private record Call(String path, byte[] body, boolean read, CompletableFuture<Outcome> future) {}

    EtcdGatewayClient(Endpoint endpoint, EventLoopGroup group, Duration timeout) {
        this.endpoint = endpoint;
        this.timeoutNanos = timeout.toNanos();
        ChannelFuture connected = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(timeout.toMillis(), Integer.MAX_VALUE))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20), new Handler());
                    }
                }).connect(endpoint.host(), endpoint.httpPort()).syncUninterruptibly();
        if (!connected.isSuccess()) {
            throw new IllegalStateException("cannot connect to etcd at " + endpoint.host() + ":" + endpoint.httpPort()
                    + ": " + connected.cause());
        }
        this.channel = connected.channel();
    }

    @Override
    public CompletableFuture<Outcome> put(String key, byte[] value) {
        return call("/v3/kv/put", ("{\"key\":\"" + b64(key) + "\",\"value\":\"" + B64.encodeToString(value) + "\"}")
                .getBytes(StandardCharsets.US_ASCII), false);
    }

    @Override
    public CompletableFuture<Outcome> get(String key, ReadMode mode) {
        String serializable = mode == ReadMode.STALE ? ",\"serializable\":true" : "";
        return call("/v3/kv/range", ("{\"key\":\"" + b64(key) + "\"" + serializable + "}")
                .getBytes(StandardCharsets.US_ASCII), true);
    }

    @Override
    public CompletableFuture<Outcome> delete(String key) {
        return unsupported("delete");
    }

    @Override
    public CompletableFuture<Outcome> cas(String key, byte[] expected, byte[] value) {
        return unsupported("cas");
    }

    @Override
    public CompletableFuture<Outcome> append(String key, byte[] suffix) {
        return unsupported("append");
    }

    private CompletableFuture<Outcome> unsupported(String what) {
        return CompletableFuture.completedFuture(new Outcome.Failed("the etcd benchmark client has no " + what,
                endpoint.nodeId()));
    }

    private static String b64(String key) {
        return B64.encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    private CompletableFuture<Outcome> call(String path, byte[] body, boolean read) {
        Call call = new Call(path, body, read, new CompletableFuture<>());
        channel.eventLoop().execute(() -> {
            if (broken) {
                call.future().complete(new Outcome.Failed("connection closed earlier; not sent", endpoint.nodeId()));
            } else {
                waiting.add(call);
                sendNext();
            }
        });
        return call.future();
    }

    private void sendNext() {
        if (current != null || waiting.isEmpty()) {
            return;
        }
        current = waiting.poll();
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, current.path(),
                Unpooled.wrappedBuffer(current.body()));
        request.headers().set(HttpHeaderNames.HOST, endpoint.host() + ":" + endpoint.httpPort())
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, current.body().length);
        Call sent = current;
        ScheduledFuture<?> timeout = channel.eventLoop().schedule(() -> {
            if (current == sent) {
                fail("no answer within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
            }
        }, timeoutNanos, TimeUnit.NANOSECONDS);
        sent.future().whenComplete((o, e) -> timeout.cancel(false));
        channel.writeAndFlush(request);
    }

    /** Ends the current and every waiting call as unknown and closes the connection (event loop). */
    private void fail(String reason) {
        broken = true;
        if (current != null) {
            current.future().complete(new Outcome.Indeterminate(reason, endpoint.nodeId()));
            current = null;
        }
        Call c;
        while ((c = waiting.poll()) != null) {
            c.future().complete(new Outcome.Failed("not sent: " + reason, endpoint.nodeId()));
        }
        channel.close();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpResponse> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            Call done = current;
            current = null;
            if (done == null) {
                fail("an answer nobody asked for");
                return;
            }
            int status = response.status().code();
            Outcome outcome;
            if (status != 200) {
                outcome = new Outcome.Indeterminate("etcd answered " + status + ": " + text(response.content()),
                        endpoint.nodeId());
            } else if (done.read() && text(response.content()).indexOf("\"kvs\"") < 0) {
                outcome = new Outcome.NotFound(endpoint.nodeId());
            } else {
                outcome = new Outcome.Ok(null, endpoint.nodeId());
            }
            done.future().complete(outcome);
            sendNext();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail("connection closed");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail("connection error: " + cause);
        }
    }

    private static String text(ByteBuf content) {
        String s = content.toString(StandardCharsets.UTF_8);
        return s.length() > 200 ? s.substring(0, 200) : s;
    }

    @Override
    public void close() {
        channel.eventLoop().execute(() -> fail("client closed"));
        channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    }
}
