package titan.node.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.internal.PlatformDependent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import titan.node.ClientOutcome;
import titan.node.kv.KvCommand;
import titan.node.kv.KvResult;
import titan.node.kv.Keys;

/**
 * Serves one HTTP/1.1 connection of the JSON API (routes in {@link HttpApiServer}). Requests are
 * submitted to the {@link KvService} as they arrive; HTTP/1.1 requires responses in request order,
 * so each request takes a slot in a queue and responses leave from its head once ready (a pipelining
 * client works; one request at a time per connection is the common case). Answers arrive on the
 * node's thread and are handled by one task on the event loop, which writes every ready response
 * and flushes once. At {@code inFlightMax} unanswered requests or an unwritable channel the handler
 * stops reading, and the {@link InboundGate} holds bytes already read until half are answered. Not thread-safe apart from the answer queue: one per channel.
 */
final class HttpApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String CLIENT_ID = "Titan-Client-Id";
    static final String SEQUENCE = "Titan-Sequence";
    static final String NODE = "Titan-Node";
    private static final String KV_PREFIX = "/v1/kv/";

    /** What a request is, to turn the node's outcome into its response. */
    private enum Kind { READ, WRITE, DELETE, CAS }

    /** One request's place in the response order. */
    private static final class Slot {
        final long startNanos = System.nanoTime();
        final boolean keepAlive;
        int op = -1; // RequestMetrics op, -1: not a timed request
        Kind kind;
        long clientId;
        long sequence;
        ApiResponse response;
        boolean close;

        Slot(boolean keepAlive) {
            this.keepAlive = keepAlive;
        }
    }

    private record Answer(Slot slot, ClientOutcome outcome) {}

    /** Marks an oversized body; fired by {@link HttpApiServer}'s aggregator in its request's place. */
    record Oversized(boolean keepAlive, String message) {}

    private final KvService service;
    private final ApiLimits limits;
    private final RequestMetrics metrics;
    private final Supplier<String> scrape;
    private final ArrayDeque<Slot> slots = new ArrayDeque<>();
    private final Queue<Answer> answers = PlatformDependent.newMpscQueue();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private ChannelHandlerContext ctx;
    private final InboundGate gate;
    private boolean closing;
    private boolean paused;

    HttpApiHandler(KvService service, ApiLimits limits, RequestMetrics metrics, Supplier<String> scrape,
                   InboundGate gate) {
        super(FullHttpRequest.class);
        this.gate = gate;
        this.service = service;
        this.limits = limits;
        this.metrics = metrics;
        this.scrape = scrape;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof Oversized o) {
            Slot slot = new Slot(false);
            slots.add(slot);
            error(slot, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too-large", o.message());
            slot.close = true;
            closing = true;
            scheduleDrain();
            updateAutoRead();
            return;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (closing) {
            return;
        }
        Slot slot = new Slot(HttpUtil.isKeepAlive(request));
        slots.add(slot);
        if (!request.decoderResult().isSuccess()) {
            badFrame(slot, request.decoderResult().cause());
        } else {
            try {
                route(slot, request);
            } catch (IllegalArgumentException e) {
                error(slot, HttpResponseStatus.BAD_REQUEST, "bad-request", e.getMessage());
            }
        }
        if (slot.response != null) {
            scheduleDrain();
        }
        updateAutoRead();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateAutoRead();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    // ---------------------------------------------------------------- routing

    private void route(Slot slot, FullHttpRequest request) {
        String uri = request.uri();
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        HttpMethod method = request.method();
        if (path.startsWith(KV_PREFIX)) {
            String key = decodeKey(path.substring(KV_PREFIX.length()));
            if (method.equals(HttpMethod.GET)) {
                get(slot, key, staleParameter(uri));
            } else if (method.equals(HttpMethod.PUT)) {
                noQuery(uri);
                byte[] value = ByteBufUtil.getBytes(request.content());
                if (checkValue(slot, value, "value")) {
                    write(slot, RequestMetrics.PUT, Kind.WRITE, request, (id, seq) -> new KvCommand.Put(id, seq, key, value));
                }
            } else if (method.equals(HttpMethod.DELETE)) {
                noQuery(uri);
                write(slot, RequestMetrics.DELETE, Kind.DELETE, request, (id, seq) -> new KvCommand.Delete(id, seq, key));
            } else if (method.equals(HttpMethod.POST)) {
                noQuery(uri);
                post(slot, key, request);
            } else {
                methodNotAllowed(slot, "GET, PUT, DELETE, POST");
            }
        } else if (path.equals("/v1/status")) {
            if (method.equals(HttpMethod.GET)) {
                slot.op = RequestMetrics.STATUS;
                respond(slot, HttpResponseStatus.OK, "application/json", StatusJson.encode(service.status()));
            } else {
                methodNotAllowed(slot, "GET");
            }
        } else if (path.equals("/metrics")) {
            if (method.equals(HttpMethod.GET)) {
                respond(slot, HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                        scrape.get().getBytes(StandardCharsets.UTF_8));
            } else {
                methodNotAllowed(slot, "GET");
            }
        } else {
            error(slot, HttpResponseStatus.NOT_FOUND, "no-such-path", "no such path: " + path
                    + " (try /v1/kv/{key}, /v1/status, /metrics)");
        }
    }

    private void get(Slot slot, String key, boolean stale) {
        slot.op = stale ? RequestMetrics.GET_STALE : RequestMetrics.GET;
        slot.kind = Kind.READ;
        submit(slot, new KvRequest.Read(key, stale));
    }

    private void post(Slot slot, String key, FullHttpRequest request) {
        JsonNode body;
        try {
            body = StatusJson.MAPPER.readTree(ByteBufUtil.getBytes(request.content()));
        } catch (JacksonException e) {
            var at = e.getLocation();
            throw new IllegalArgumentException("the body is not valid JSON" + (at == null ? ""
                    : " (near line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
                    + "; expected an object like {\"op\":\"cas\",\"expected\":\"a\",\"value\":\"b\"}");
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("unreadable body: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object like {\"op\":\"cas\",...}");
        }
        JsonNode op = body.get("op");
        String name = op == null || !op.isTextual() ? null : op.textValue();
        if ("cas".equals(name)) {
            byte[] expected = HttpJson.readValue(body, "expected", true);
            byte[] value = HttpJson.readValue(body, "value", false);
            if (checkValue(slot, expected, "expected value") && checkValue(slot, value, "value")) {
                write(slot, RequestMetrics.CAS, Kind.CAS, request, (id, seq) -> new KvCommand.Cas(id, seq, key, expected,
                        value));
            }
        } else if ("append".equals(name)) {
            byte[] value = HttpJson.readValue(body, "value", false);
            if (checkValue(slot, value, "value")) {
                write(slot, RequestMetrics.APPEND, Kind.WRITE, request, (id, seq) -> new KvCommand.Append(id, seq, key,
                        value));
            }
        } else {
            throw new IllegalArgumentException("\"op\" must be \"cas\" or \"append\"");
        }
    }

    private interface CommandFactory {
        KvCommand make(long clientId, long sequence);
    }

    private void write(Slot slot, int op, Kind kind, FullHttpRequest request, CommandFactory factory) {
        String id = request.headers().get(CLIENT_ID);
        String seq = request.headers().get(SEQUENCE);
        if ((id == null) != (seq == null)) {
            throw new IllegalArgumentException(CLIENT_ID + " and " + SEQUENCE + " go together");
        }
        if (id == null) {
            // No session: a fresh one for this request alone, so a retry of it is NOT deduplicated.
            slot.clientId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
            slot.sequence = 1;
        } else {
            slot.clientId = positive(id, CLIENT_ID);
            slot.sequence = positive(seq, SEQUENCE);
        }
        slot.op = op;
        slot.kind = kind;
        submit(slot, new KvRequest.Write(factory.make(slot.clientId, slot.sequence)));
    }

    private void submit(Slot slot, KvRequest request) {
        service.submit(request, outcome -> {
            answers.add(new Answer(slot, outcome));
            scheduleDrain();
        });
    }

    // ---------------------------------------------------------------- answers

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            ctx.executor().execute(this::drain);
        }
    }

    private void drain() {
        drainScheduled.set(false);
        Answer a;
        while ((a = answers.poll()) != null) {
            fill(a.slot(), a.outcome());
        }
        boolean wrote = false;
        while (!slots.isEmpty() && slots.peek().response != null) {
            Slot slot = slots.poll();
            if (slot.op >= 0) {
                metrics.record(slot.op, slot.startNanos);
            }
            wrote = true;
            if (slot.close || !slot.keepAlive) {
                closing = true;
                slots.clear();
                ctx.writeAndFlush(slot.response).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.write(slot.response, ctx.voidPromise());
        }
        if (wrote) {
            ctx.flush();
        }
        updateAutoRead();
    }

    private void fill(Slot slot, ClientOutcome outcome) {
        if (outcome instanceof ClientOutcome.Read r) {
            if (r.value() == null) {
                error(slot, HttpResponseStatus.NOT_FOUND, "not-found", "no such key");
            } else {
                respond(slot, HttpResponseStatus.OK, "application/octet-stream", r.value());
            }
        } else if (outcome instanceof ClientOutcome.Applied applied) {
            fillResult(slot, applied.result());
        } else if (outcome instanceof ClientOutcome.NotLeader n) {
            notLeader(slot, n.leaderHint() == null ? null : n.leaderHint().toString());
        } else if (outcome instanceof ClientOutcome.Refused r) {
            error(slot, HttpResponseStatus.SERVICE_UNAVAILABLE, "refused", r.reason());
        } else if (outcome instanceof ClientOutcome.Unreachable u) {
            error(slot, HttpResponseStatus.SERVICE_UNAVAILABLE, "refused", u.reason());
        } else {
            error(slot, HttpResponseStatus.GATEWAY_TIMEOUT, "indeterminate",
                    ((ClientOutcome.Indeterminate) outcome).reason());
        }
    }

    private void fillResult(Slot slot, KvResult result) {
        if (result instanceof KvResult.Ok ok) {
            if (slot.kind == Kind.READ && ok.value() != null) {
                respond(slot, HttpResponseStatus.OK, "application/octet-stream", ok.value());
            } else {
                respond(slot, HttpResponseStatus.OK, "application/json", HttpJson.OK);
            }
        } else if (result instanceof KvResult.NotFound) {
            error(slot, HttpResponseStatus.NOT_FOUND, "not-found", "no such key");
        } else if (result instanceof KvResult.CasMismatch m) {
            respond(slot, HttpResponseStatus.CONFLICT, "application/json",
                    HttpJson.casMismatch(m.current()));
        } else if (result instanceof KvResult.Rejected r) {
            error(slot, HttpResponseStatus.UNPROCESSABLE_ENTITY, "rejected", r.reason());
        } else if (result instanceof KvResult.Stale) {
            error(slot, HttpResponseStatus.PRECONDITION_FAILED, "session-stale", result.toString());
        } else {
            error(slot, HttpResponseStatus.PRECONDITION_FAILED, "session-expired", result.toString());
        }
    }

    private void notLeader(Slot slot, String leader) {
        NodeStatus status = service.status();
        if (leader == null) {
            error(slot, HttpResponseStatus.SERVICE_UNAVAILABLE, "no-leader", "no leader is known; try again soon");
            return;
        }
        boolean known = status != null && leader.equals(status.leader());
        respond(slot, HttpResponseStatus.MISDIRECTED_REQUEST, "application/json",
                HttpJson.notLeader(leader, known ? status.leaderHttp() : null, known ? status.leaderTcp() : null));
    }

    // ---------------------------------------------------------------- responses

    private void respond(Slot slot, HttpResponseStatus status, String contentType, byte[] body) {
        respond(slot, status, contentType, body, null);
    }

    private void respond(Slot slot, HttpResponseStatus status, String contentType, byte[] body, String allow) {
        NodeStatus node = service.status();
        slot.response = new ApiResponse(status, contentType, body, node == null ? null : node.id(),
                slot.kind != null && slot.kind != Kind.READ, slot.clientId, slot.sequence, allow,
                slot.close || !slot.keepAlive);
    }

    private void error(Slot slot, HttpResponseStatus status, String outcome, String message) {
        error(slot, status, outcome, message, null);
    }

    private void error(Slot slot, HttpResponseStatus status, String outcome, String message, String allow) {
        if (status.code() == 400 || status.code() == 404 && slot.kind == null || status.code() == 405
                || status.code() == 413) {
            metrics.error();
        }
        respond(slot, status, "application/json", HttpJson.message(outcome, message), allow);
    }

    private void methodNotAllowed(Slot slot, String allowed) {
        error(slot, HttpResponseStatus.METHOD_NOT_ALLOWED, "method-not-allowed", "allowed here: " + allowed, allowed);
    }

    private void badFrame(Slot slot, Throwable cause) {
        slot.close = true; // the decoder has lost its place in the stream
        HttpResponseStatus status = cause instanceof TooLongFrameException
                ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE : HttpResponseStatus.BAD_REQUEST;
        error(slot, status, "bad-request", "malformed HTTP request: " + cause.getMessage());
        closing = true;
    }

    private boolean checkValue(Slot slot, byte[] value, String field) {
        if (value != null && value.length > limits.valueBytesMax()) {
            error(slot, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too-large", field + " of " + value.length
                    + " bytes is over the limit of " + limits.valueBytesMax());
            return false;
        }
        return true;
    }

    private void updateAutoRead() {
        var config = ctx.channel().config();
        if (closing) {
            config.setAutoRead(false);
            gate.pause();
        } else if (!paused) {
            if (slots.size() >= limits.inFlightMax() || !ctx.channel().isWritable()) {
                paused = true;
                config.setAutoRead(false);
                gate.pause();
            }
        } else if (slots.size() <= limits.inFlightMax() / 2 && ctx.channel().isWritable()) {
            paused = false;
            config.setAutoRead(true);
            gate.resume();
        }
    }

    // ---------------------------------------------------------------- parsing

    private static boolean staleParameter(String uri) {
        Map<String, List<String>> parameters = new QueryStringDecoder(uri).parameters();
        for (String name : parameters.keySet()) {
            if (!name.equals("stale")) {
                throw new IllegalArgumentException("unknown query parameter '" + name + "' (only ?stale=true on GET)");
            }
        }
        List<String> stale = parameters.get("stale");
        if (stale == null) {
            return false;
        }
        if (stale.size() != 1 || !(stale.get(0).equals("true") || stale.get(0).equals("false"))) {
            throw new IllegalArgumentException("stale must be true or false");
        }
        return stale.get(0).equals("true");
    }

    private static void noQuery(String uri) {
        if (uri.indexOf('?') >= 0) {
            throw new IllegalArgumentException("this method takes no query parameters");
        }
    }

    /** Percent-decodes a key (RFC 3986; '+' is a plus) and checks it is 1..1024 bytes of strict UTF-8. */
    static String decodeKey(String raw) {
        if (isPlainAscii(raw)) {
            return raw; // the common case: nothing to decode, and ASCII is valid UTF-8 byte for byte
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw new IllegalArgumentException("truncated percent-escape in the key");
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad percent-escape in the key: " + raw.substring(i, i + 3));
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                throw new IllegalArgumentException("the key must be percent-encoded UTF-8");
            }
        }
        byte[] key = bytes.toByteArray();
        if (key.length < 1 || key.length > Keys.KEY_BYTES_MAX) {
            throw new IllegalArgumentException("key must be 1.." + Keys.KEY_BYTES_MAX + " UTF-8 bytes, got " + key.length);
        }
        String text = HttpJson.strictUtf8(key);
        if (text == null) {
            throw new IllegalArgumentException("the key is not valid UTF-8");
        }
        return text;
    }

    private static boolean isPlainAscii(String raw) {
        if (raw.isEmpty() || raw.length() > Keys.KEY_BYTES_MAX) {
            return false;
        }
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' || c >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static long positive(String text, String header) {
        try {
            long v = Long.parseLong(text.trim());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException(header + " must be a positive 64-bit integer, got '" + text + "'");
    }
}
