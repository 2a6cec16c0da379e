package titan.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import titan.node.ClientOutcome;
import titan.node.api.BinaryProtocol.BodyReader;
import titan.node.kv.KvCommand;
import titan.node.kv.KvResult;

/**
 * The CPU cost of one put in each client protocol, without sockets: the client encodes the request,
 * the server's real pipeline (decoder, handler, metrics timer, response encoding) serves it in an
 * EmbeddedChannel against a node that answers at once, and the client decodes the answer. The
 * difference between {@link #binary} and {@link #httpJson} is what the encoding costs per request on
 * both sides; the bytes each puts on the wire per op are printed at setup. {@link #baseline} only
 * copies the value into a buffer and out again, the least any encoding must do.
 *
 * <p>Pitfalls guarded against: the decoded answer is returned (no dead-code elimination); buffers
 * are released every op, so the pooled allocator does not grow; HTTP keep-alive, so no connection
 * set-up is measured; the node's answer is synchronous, so no thread hand-off is measured.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ClientProtocolBenchmark {
    @Param({"256"})
    int valueBytes;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private byte[] value;
    private byte[] httpPutBytes;
    private byte[] binaryPutBytes;
    private long sequence;
    private EmbeddedChannel tcpServer;
    private EmbeddedChannel httpServer;
    private EmbeddedChannel httpClient;

    /** A node that applies nothing and answers every write "ok" at once. */
    private static final class InstantNode implements KvService {
        private final ClientOutcome ok = new ClientOutcome.Applied(KvResult.Ok.WRITTEN, 1, 1);
        private final NodeStatus status = new NodeStatus("n1", "c1", "leader", 1, "n1", null, null, 1, 1, 1, 0,
                java.util.List.of("n1"), java.util.List.of());

        @Override
        public void submit(KvRequest request, Consumer<ClientOutcome> reply) {
            reply.accept(ok);
        }

        @Override
        public NodeStatus status() {
            return status;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        value = new byte[valueBytes];
        java.util.Arrays.fill(value, (byte) 'v');
        ApiLimits limits = ApiLimits.forValues(1 << 20);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        InstantNode node = new InstantNode();
        tcpServer = new EmbeddedChannel();
        TcpApiServer.initPipeline(tcpServer, node, limits, new RequestMetrics(registry, "tcp"));
        httpServer = new EmbeddedChannel();
        HttpApiServer.initPipeline(httpServer, node, limits, new RequestMetrics(registry, "http"), registry::scrape);
        httpClient = new EmbeddedChannel(new HttpClientCodec(), new HttpObjectAggregator(1 << 20));
        String put = "PUT /v1/kv/key-000042 HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: " + valueBytes
                + "\r\ntitan-client-id: 7\r\ntitan-sequence: 1\r\n\r\n";
        httpPutBytes = java.util.Arrays.copyOf(put.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                put.length() + valueBytes);
        System.arraycopy(value, 0, httpPutBytes, put.length(), valueBytes);
        ByteBuf binaryPut = Unpooled.buffer();
        BinaryProtocol.writeCommand(binaryPut, 1, new KvCommand.Put(7, 1, "key-000042", value));
        binaryPutBytes = ByteBufUtil.getBytes(binaryPut);
        binaryPut.release();
        int[] tcpBytes = wireBytes(this::binaryExchange);
        int[] httpBytes = wireBytes(this::httpExchange);
        System.out.printf("%nbytes per put of a %d-byte value: binary request %d + response %d = %d; "
                + "HTTP/JSON request %d + response %d = %d%n", valueBytes, tcpBytes[0], tcpBytes[1],
                tcpBytes[0] + tcpBytes[1], httpBytes[0], httpBytes[1], httpBytes[0] + httpBytes[1]);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        tcpServer.finishAndReleaseAll();
        httpServer.finishAndReleaseAll();
        httpClient.finishAndReleaseAll();
    }

    /** Request and response bytes of one exchange. */
    private interface Exchange {
        Object run(int[] bytes);
    }

    private static int[] wireBytes(Exchange exchange) {
        int[] bytes = new int[2];
        exchange.run(bytes);
        return bytes;
    }

    @Benchmark
    public Object baseline() {
        ByteBuf out = Unpooled.buffer(valueBytes + 32);
        out.writeBytes(value);
        byte[] copy = new byte[valueBytes];
        out.readBytes(copy);
        out.release();
        return copy;
    }

    @Benchmark
    public Object binary() {
        return binaryExchange(null);
    }

    @Benchmark
    public Object httpJson() {
        return httpExchange(null);
    }

    /**
     * The server's share of {@link #httpJson} alone: the same put as bytes (built once; the node
     * ignores the sequence) through the server's pipeline, and the response bytes out. This is the
     * per-request CPU the node's event loop spends on HTTP, without the client's.
     */
    @Benchmark
    public int httpServer() {
        httpServer.writeInbound(Unpooled.wrappedBuffer(httpPutBytes));
        httpServer.runPendingTasks();
        return drain(httpServer);
    }

    /** The server's share of {@link #binary} alone, as {@link #httpServer} for HTTP. */
    @Benchmark
    public int binaryServer() {
        tcpServer.writeInbound(Unpooled.wrappedBuffer(binaryPutBytes));
        tcpServer.runPendingTasks();
        return drain(tcpServer);
    }

    private static int drain(EmbeddedChannel channel) {
        int n = 0;
        ByteBuf b;
        while ((b = channel.readOutbound()) != null) {
            n += b.readableBytes();
            b.release();
        }
        return n;
    }

    private Object binaryExchange(int[] bytes) {
        // Client: encode the put.
        ByteBuf request = tcpServer.alloc().ioBuffer();
        BinaryProtocol.writeCommand(request, 1, new KvCommand.Put(7, ++sequence, "key-000042", value));
        if (bytes != null) {
            bytes[0] = request.readableBytes();
        }
        // Server: decode, submit, encode the answer.
        tcpServer.writeInbound(request);
        tcpServer.runPendingTasks();
        ByteBuf response = tcpServer.readOutbound();
        if (bytes != null) {
            bytes[1] = response.readableBytes();
        }
        // Client: decode the answer.
        int length = response.readInt();
        int version = response.readUnsignedByte();
        int op = response.readUnsignedByte();
        long id = response.readLong();
        byte[] answer = new BodyReader(response.readSlice(length - BinaryProtocol.HEADER_BYTES)).optional("value");
        response.release();
        return op == BinaryProtocol.OK && version == 1 && id == 1 ? answer : null;
    }

    private Object httpExchange(int[] bytes) {
        // Client: build and encode the put (as HttpTitanClient does).
        FullHttpRequest put = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/v1/kv/key-000042",
                Unpooled.wrappedBuffer(value));
        put.headers().set(HttpHeaderNames.HOST, "127.0.0.1");
        HttpUtil.setContentLength(put, valueBytes);
        put.headers().set("Titan-Client-Id", 7L);
        put.headers().set("Titan-Sequence", ++sequence);
        httpClient.writeOutbound(put);
        ByteBuf request = collect(httpClient);
        if (bytes != null) {
            bytes[0] = request.readableBytes();
        }
        // Server: decode, route, submit, encode the response.
        httpServer.writeInbound(request);
        httpServer.runPendingTasks();
        ByteBuf response = collect(httpServer);
        if (bytes != null) {
            bytes[1] = response.readableBytes();
        }
        // Client: decode the response and its JSON.
        httpClient.writeInbound(response);
        FullHttpResponse answer = httpClient.readInbound();
        try {
            JsonNode json = MAPPER.readTree(ByteBufUtil.getBytes(answer.content()));
            return answer.status().code() == 200 ? json.get("outcome").textValue() : null;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } finally {
            answer.release();
        }
    }

    private static ByteBuf collect(EmbeddedChannel channel) {
        ByteBuf first = channel.readOutbound();
        ByteBuf next = channel.readOutbound();
        if (next == null) {
            return first;
        }
        var all = Unpooled.compositeBuffer();
        all.addComponent(true, first);
        while (next != null) {
            all.addComponent(true, next);
            next = channel.readOutbound();
        }
        return all;
    }
}
