package titan.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
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
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A {@link TitanClient} over the HTTP/JSON API. Each node gets a pool of up to
 * {@link ClientOptions#connectionsPerNode()} keep-alive connections; a connection carries one
 * request at a time (or up to {@code pipeline}, HTTP/1.1 pipelining: requests sent before the
 * earlier ones are answered, the answers matched to them in order) and is one session; calls beyond
 * the pool wait in the client. Futures complete on the client's I/O thread: callbacks chained on
 * them must not block.
 */
public final class HttpTitanClient extends ClientCore {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Bootstrap bootstrap;
    private final int pipeline;

    public HttpTitanClient(List<Endpoint> endpoints, ClientOptions options) {
        this(endpoints, options, null);
    }

    /** A client on {@code group} (null: its own); close() leaves a given group running. */
    public HttpTitanClient(List<Endpoint> endpoints, ClientOptions options, EventLoopGroup group) {
        this(endpoints, options, group, 1);
    }

    /**
     * A client that pipelines up to {@code pipeline} requests on each connection (1: one at a time,
     * what most HTTP clients do). The server answers pipelined requests in order; a pipelined
     * connection's writes are one session, numbered in send order, which the server proposes in
     * that order (see {@code KvService#submit}).
     */
    public HttpTitanClient(List<Endpoint> endpoints, ClientOptions options, EventLoopGroup group, int pipeline) {
        super(endpoints, options, group);
        if (pipeline < 1) {
            throw new IllegalArgumentException("pipeline must be >= 1, not " + pipeline);
        }
        this.pipeline = pipeline;
        this.bootstrap = new Bootstrap().group(this.group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, options.timeout().toMillis()));
    }

    @Override
    protected Pool newPool(Endpoint endpoint) {
        return new HttpPool(endpoint);
    }

    private record Pending(Call call, int attempt) {}

    /** Up to connectionsPerNode connections to one node, each busy with at most {@code pipeline} requests. */
    private final class HttpPool implements Pool {
        private final Endpoint endpoint;
        /** Connections with room for another request; a connection is here once per free place. */
        private final ArrayDeque<Connection> idle = new ArrayDeque<>();
        private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
        private final List<Connection> all = new ArrayList<>();
        private boolean closed;

        HttpPool(Endpoint endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        public void send(Call call, int attempt) {
            Pending p = new Pending(call, attempt);
            Connection c;
            synchronized (this) {
                if (closed) {
                    c = null;
                } else {
                    c = idle.poll();
                    if (c == null && all.size() < options.connectionsPerNode()) {
                        c = new Connection(this);
                        all.add(c);
                        for (int i = 1; i < pipeline; i++) {
                            idle.add(c); // its other places
                        }
                    } else if (c == null) {
                        waiting.add(p);
                        return;
                    }
                }
            }
            if (c == null) {
                onAnswer(call, attempt, endpoint, new Answer.NotSent("the client is closed"));
            } else {
                c.send(p);
            }
        }

        /** {@code c} finished a request: give its place to the next waiting call or park it. */
        void release(Connection c) {
            Pending next;
            synchronized (this) {
                if (!all.contains(c)) {
                    return; // closed: its places went with it
                }
                next = waiting.poll();
                if (next == null) {
                    idle.add(c);
                    return;
                }
            }
            c.send(next);
        }

        /** {@code c} is being closed: no more requests go to it (any thread). */
        synchronized void retire(Connection c) {
            all.remove(c);
            idle.removeIf(x -> x == c);
        }

        /** {@code c} is gone; the waiting calls get a new connection if there are any. */
        void closed(Connection c) {
            List<Pending> next = new ArrayList<>();
            Connection fresh = null;
            synchronized (this) {
                all.remove(c);
                idle.removeIf(x -> x == c);
                if (!closed && !waiting.isEmpty()) {
                    fresh = new Connection(this);
                    all.add(fresh);
                    for (int i = 0; i < pipeline; i++) {
                        Pending p = waiting.poll();
                        if (p != null) {
                            next.add(p);
                        } else {
                            idle.add(fresh);
                        }
                    }
                }
            }
            for (Pending p : next) {
                fresh.send(p);
            }
        }

        @Override
        public void close() {
            List<Connection> open;
            List<Pending> queued;
            synchronized (this) {
                closed = true;
                open = new ArrayList<>(all);
                queued = new ArrayList<>(waiting);
                waiting.clear();
            }
            for (Pending p : queued) {
                onAnswer(p.call(), p.attempt(), endpoint, new Answer.NotSent("the client is closed"));
            }
            for (Connection c : open) {
                c.channel.close().awaitUninterruptibly();
            }
        }
    }

    /** One keep-alive connection and its session; everything but {@link #send} runs on its event loop. */
    private final class Connection extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final HttpPool pool;
        private final Endpoint endpoint;
        private final Channel channel;
        private volatile boolean connected;
        /** Sent and not yet answered, in send order: the order of the answers. */
        private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
        private final ArrayDeque<Pending> queued = new ArrayDeque<>(); // handed over while connecting
        private boolean closed;
        private long clientId = newClientId();
        private long nextSequence = 1;

        Connection(HttpPool pool) {
            this.pool = pool;
            this.endpoint = pool.endpoint;
            Connection self = this;
            ChannelFuture registered = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    if (pipeline > 1) {
                        // Requests handed over together leave in one write (one flush after the batch).
                        ch.pipeline().addLast(new FlushConsolidationHandler(pipeline, true));
                    }
                    ch.pipeline().addLast(new HttpResponseDecoder(), new HttpObjectAggregator(options.frameBytesMax()), self);
                }
            }).register();
            channel = registered.channel();
            String where = endpoint.host() + ":" + endpoint.httpPort();
            registered.addListener(r -> {
                if (!r.isSuccess()) {
                    failUnsent("cannot open a connection to " + where + ": " + r.cause().getMessage());
                    return;
                }
                channel.connect(new InetSocketAddress(endpoint.host(), endpoint.httpPort())).addListener(f -> {
                    if (f.isSuccess()) {
                        connected = true;
                        for (Pending p = queued.poll(); p != null; p = queued.poll()) {
                            write(p);
                        }
                    } else {
                        channel.close();
                        failUnsent("cannot connect to " + where + ": " + f.cause().getMessage());
                    }
                });
            });
        }

        /** Any thread; the connection has a free place. */
        void send(Pending p) {
            channel.eventLoop().execute(() -> {
                if (closed) {
                    onAnswer(p.call(), p.attempt(), endpoint, new Answer.NotSent("the connection to " + endpoint.nodeId()
                            + " closed before the request was sent"));
                } else if (!connected) {
                    queued.add(p);
                } else {
                    write(p);
                }
            });
        }

        private void write(Pending p) {
            if (p.call().future.isDone()) {
                pool.release(this);
                return;
            }
            inFlight.add(p);
            channel.writeAndFlush(request(p.call()), channel.voidPromise());
            // A late answer cannot be told apart: drop the connection, and at once stop giving it requests.
            onWritten(p.call(), p.attempt(), () -> {
                pool.retire(this);
                channel.close();
            });
        }

        /**
         * The request's bytes, written straight into one buffer: the request line, Host, Content-Length,
         * the session's two headers for a write, and the body. Building a {@code FullHttpRequest} and
         * its validated header map for the codec to encode cost a tenth of the client's I/O thread.
         */
        private ByteBuf request(Call call) {
            Request r = call.request;
            byte[] body;
            String method;
            boolean json = false;
            switch (r.kind()) {
                case GET -> {
                    method = "GET ";
                    body = null;
                }
                case PUT -> {
                    method = "PUT ";
                    body = r.value();
                }
                case DELETE -> {
                    method = "DELETE ";
                    body = null;
                }
                default -> {
                    ObjectNode b = MAPPER.createObjectNode();
                    b.put("op", r.kind() == Request.Kind.CAS ? "cas" : "append");
                    if (r.kind() == Request.Kind.CAS) {
                        putValue(b, "expected", r.expected());
                    }
                    putValue(b, "value", r.value());
                    method = "POST ";
                    body = b.toString().getBytes(StandardCharsets.UTF_8);
                    json = true;
                }
            }
            int bodyBytes = body == null ? 0 : body.length;
            ByteBuf out = channel.alloc().ioBuffer(160 + 3 * r.key().length() + bodyBytes);
            ByteBufUtil.writeAscii(out, method);
            ByteBufUtil.writeAscii(out, "/v1/kv/");
            writeEncodedKey(out, r.key());
            if (r.kind() == Request.Kind.GET && r.stale()) {
                ByteBufUtil.writeAscii(out, "?stale=true");
            }
            ByteBufUtil.writeAscii(out, " HTTP/1.1\r\nhost: ");
            ByteBufUtil.writeAscii(out, endpoint.host());
            ByteBufUtil.writeAscii(out, "\r\ncontent-length: ");
            writeDecimal(out, bodyBytes);
            if (json) {
                ByteBufUtil.writeAscii(out, "\r\ncontent-type: application/json");
            }
            if (!r.isRead()) {
                SessionCommand c = command(call, clientId, nextSequence);
                if (c.connectionSession()) {
                    nextSequence++;
                }
                ByteBufUtil.writeAscii(out, "\r\ntitan-client-id: ");
                writeDecimal(out, c.command().clientId());
                ByteBufUtil.writeAscii(out, "\r\ntitan-sequence: ");
                writeDecimal(out, c.command().sequence());
            }
            ByteBufUtil.writeAscii(out, "\r\n\r\n");
            if (body != null) {
                out.writeBytes(body);
            }
            return out;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            Pending p = inFlight.poll();
            if (p == null) {
                ctx.close(); // an answer nobody asked for: the stream is out of step
                return;
            }
            Answer answer = answer(p.call().request, response);
            if (answer instanceof Answer.Session) {
                clientId = newClientId();
                nextSequence = 1;
            }
            boolean reusable = HttpUtil.isKeepAlive(response);
            onAnswer(p.call(), p.attempt(), endpoint, answer);
            if (reusable) {
                pool.release(this);
            } else {
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed = true;
            for (Pending p = inFlight.poll(); p != null; p = inFlight.poll()) {
                onAnswer(p.call(), p.attempt(), endpoint,
                        new Answer.Unknown("the connection to " + endpoint.nodeId() + " was lost after the request was sent"));
            }
            failUnsent("the connection to " + endpoint.nodeId() + " closed before the request was sent");
        }

        private void failUnsent(String reason) {
            closed = true;
            List<Pending> unsent = new ArrayList<>(queued);
            queued.clear();
            pool.closed(this);
            for (Pending p : unsent) {
                onAnswer(p.call(), p.attempt(), endpoint, new Answer.NotSent(reason));
            }
        }
    }

    // ---------------------------------------------------------------- encoding

    /** Maps a response to an answer by its status code (see {@code docs/client-protocol.md}). */
    static Answer answer(Request request, FullHttpResponse response) {
        int status = response.status().code();
        if (status == 200) { // nearly every answer: its body is the value (a read) or nothing we use
            return new Answer.Value(request.isRead() ? ByteBufUtil.getBytes(response.content()) : null);
        }
        JsonNode json = isJson(response) ? parse(response.content()) : null;
        String message = json != null && json.hasNonNull("message") ? json.get("message").asText() : response.status()
                .reasonPhrase();
        String outcome = json != null && json.hasNonNull("outcome") ? json.get("outcome").asText() : "";
        return switch (status) {
            case 404 -> outcome.equals("not-found") ? new Answer.Missing() : new Answer.Failure("404: " + message);
            case 409 -> json == null ? new Answer.Unknown("409 without a body") : new Answer.Mismatch(readValue(json,
                    "current"));
            case 421 -> new Answer.NotLeader(text(json, "leader"), text(json, "leaderHttp"));
            case 503 -> outcome.equals("no-leader") ? new Answer.NotLeader(null, null)
                    : outcome.equals("refused") ? new Answer.Failure("refused: " + message)
                    : new Answer.Unknown("503: " + message);
            case 412 -> new Answer.Session(outcome + ": " + message);
            case 504 -> new Answer.Unknown(message);
            case 400, 405, 413, 414, 422, 431 -> new Answer.Failure(status + " " + outcome + ": " + message);
            default -> new Answer.Unknown("unexpected status " + status + ": " + message);
        };
    }

    private static boolean isJson(FullHttpResponse response) {
        String type = response.headers().get(HttpHeaderNames.CONTENT_TYPE);
        return type != null && type.startsWith("application/json");
    }

    private static JsonNode parse(ByteBuf content) {
        try {
            return MAPPER.readTree(ByteBufUtil.getBytes(content));
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static String text(JsonNode json, String field) {
        return json != null && json.hasNonNull(field) ? json.get(field).asText() : null;
    }

    private static byte[] readValue(JsonNode json, String field) {
        if (json.hasNonNull(field)) {
            return json.get(field).asText().getBytes(StandardCharsets.UTF_8);
        }
        if (json.hasNonNull(field + "Base64")) {
            return Base64.getDecoder().decode(json.get(field + "Base64").asText());
        }
        return null;
    }

    private static void putValue(ObjectNode body, String field, byte[] value) {
        if (value == null) {
            body.putNull(field);
            return;
        }
        try {
            body.put(field, StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString());
        } catch (CharacterCodingException e) {
            body.put(field + "Base64", Base64.getEncoder().encodeToString(value));
        }
    }

    /** Percent-encodes every byte of the key's UTF-8 but RFC 3986's unreserved characters. */
    static String encodeKey(String key) {
        ByteBuf out = Unpooled.buffer(3 * key.length() + 8);
        writeEncodedKey(out, key);
        return out.toString(StandardCharsets.US_ASCII);
    }

    /** {@link #encodeKey} into {@code out}, without the intermediate string (an ASCII key needs no byte array either). */
    private static void writeEncodedKey(ByteBuf out, String key) {
        for (int i = 0; i < key.length(); i++) {
            char ch = key.charAt(i);
            if (ch >= 0x80) { // not ASCII: encode the UTF-8 bytes
                for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
                    writeEncodedByte(out, b & 0xff);
                }
                return;
            }
        }
        for (int i = 0; i < key.length(); i++) {
            writeEncodedByte(out, key.charAt(i));
        }
    }

    private static void writeEncodedByte(ByteBuf out, int c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
                || c == '~') {
            out.writeByte(c);
        } else {
            out.writeByte('%');
            out.writeByte(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
            out.writeByte(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
        }
    }

    /** A non-negative number in decimal ASCII (a negative one with its sign), without a string. */
    static void writeDecimal(ByteBuf out, long n) {
        if (n < 0) {
            ByteBufUtil.writeAscii(out, Long.toString(n));
            return;
        }
        long divisor = 1;
        while (divisor <= n / 10) {
            divisor *= 10;
        }
        for (; divisor > 0; divisor /= 10) {
            out.writeByte((int) ('0' + n / divisor % 10));
        }
    }
}
