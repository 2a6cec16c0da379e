package titan.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import titan.client.ClientOptions;
import titan.client.Endpoint;
import titan.client.HttpTitanClient;
import titan.client.Outcome;
import titan.client.TcpTitanClient;
import titan.client.TitanClient;
import titan.node.ClientOutcome;
import titan.node.kv.KvCommand;

/**
 * Both servers on real loopback sockets under hostile clients: random and mutated bytes (a seeded
 * fuzz), and a client that sends and never reads. After each, a good client must still be served.
 * Waits poll with a deadline.
 */
class ApiSocketTest {
    private static final long SEED = Long.getLong("titan.seed", 20261201L);
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final FakeKvService service = new FakeKvService("n1").asLeader();
    private final ApiLimits limits = ApiLimits.forValues(4096);
    private final TcpApiServer tcp = TcpApiServer.start(service, new InetSocketAddress("127.0.0.1", 0), group, limits,
            new SimpleMeterRegistry());
    private final HttpApiServer http = HttpApiServer.start(service, new InetSocketAddress("127.0.0.1", 0), group, limits,
            new SimpleMeterRegistry(), () -> "");

    @AfterEach
    void tearDown() {
        tcp.close();
        http.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void randomAndMutatedBytesAtBothPortsLeaveTheServersServing() throws IOException {
        // Goal: no input crashes a server or wedges a connection; the fuzz is seeded (-Dtitan.seed=N replays it).
        SplittableRandom random = new SplittableRandom(SEED);
        List<byte[]> tcpSeeds = tcpSeeds();
        List<byte[]> httpSeeds = httpSeeds();
        for (int i = 0; i < 150; i++) {
            blast(tcp.port(), fuzz(random, tcpSeeds));
            blast(http.port(), fuzz(random, httpSeeds));
        }
        awaitTrue(() -> tcp.openConnections() == 0 && http.openConnections() == 0, "every fuzz connection closed");
        Endpoint endpoint = new Endpoint("n1", "127.0.0.1", http.port(), tcp.port());
        ClientOptions options = ClientOptions.defaults().withTimeout(WAIT);
        try (TitanClient t = new TcpTitanClient(List.of(endpoint), options);
             TitanClient h = new HttpTitanClient(List.of(endpoint), options)) {
            assertThat(t.putBlocking("after", "tcp".getBytes(StandardCharsets.UTF_8))).isInstanceOf(Outcome.Ok.class);
            assertThat(h.appendBlocking("after", "+http".getBytes(StandardCharsets.UTF_8))).isInstanceOf(Outcome.Ok.class);
            Outcome read = t.getBlocking("after", TitanClient.ReadMode.LINEARIZABLE);
            assertThat(((Outcome.Ok) read).value()).isEqualTo("tcp+http".getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void aClientThatSendsAndNeverReadsIsStoppedWithBoundedMemory() throws IOException {
        // Goal: the server stops reading once its outbound buffer is full, so the sender blocks in TCP.
        byte[] value = new byte[2048];
        service.respond(r -> new ClientOutcome.Read(value));
        ByteBuf one = Unpooled.buffer();
        BinaryProtocol.writeRead(one, 1, "k", true);
        byte[] request = new byte[one.readableBytes()];
        one.readBytes(request);
        ByteBuffer burst = ByteBuffer.allocate(request.length * 512);
        while (burst.hasRemaining()) {
            burst.put(request);
        }
        try (SocketChannel socket = SocketChannel.open(new InetSocketAddress("127.0.0.1", tcp.port()))) {
            socket.configureBlocking(false);
            long deadline = System.nanoTime() + WAIT.toNanos();
            int stalls = 0;
            while (stalls < 200 && System.nanoTime() < deadline) {
                if (!burst.hasRemaining()) {
                    burst.rewind(); // whole requests only: a partial write continues where it stopped
                }
                int written = socket.write(burst);
                stalls = written == 0 ? stalls + 1 : 0;
                if (written == 0) {
                    LockSupport.parkNanos(1_000_000);
                }
            }
            assertThat(stalls).as("the server stopped reading").isEqualTo(200);
            Channel server = tcp.channels().iterator().next();
            awaitTrue(() -> !server.config().isAutoRead(), "the server paused the connection"); // it may lag the client
            long pending = server.unsafe().outboundBuffer().totalPendingWriteBytes();
            long bound = TcpApiServer.WATER_MARK.high() + (long) limits.inFlightMax() * (value.length + 32);
            assertThat(pending).isLessThanOrEqualTo(bound);
            int submitted = service.submitted.size();
            for (int i = 0; i < 20; i++) {
                socket.write(burst);
            }
            assertThat(service.submitted).as("nothing more is read").hasSize(submitted);
        }
        // The server serves a good client meanwhile and afterwards.
        service.asLeader();
        Endpoint endpoint = new Endpoint("n1", "127.0.0.1", http.port(), tcp.port());
        try (TitanClient t = new TcpTitanClient(List.of(endpoint), ClientOptions.defaults().withTimeout(WAIT))) {
            assertThat(t.putBlocking("k", new byte[1])).isInstanceOf(Outcome.Ok.class);
        }
    }

    @Test
    void anHttpClientThatPipelinesAndNeverReadsIsStoppedWithBoundedMemory() throws IOException {
        // Goal: as for TCP: HTTP pipelining without reading fills the server's outbound buffer, then it stops reading.
        byte[] value = new byte[2048];
        service.respond(r -> new ClientOutcome.Read(value));
        byte[] request = "GET /v1/kv/k?stale=true HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer burst = ByteBuffer.allocate(request.length * 256);
        while (burst.hasRemaining()) {
            burst.put(request);
        }
        try (SocketChannel socket = SocketChannel.open(new InetSocketAddress("127.0.0.1", http.port()))) {
            socket.configureBlocking(false);
            long deadline = System.nanoTime() + WAIT.toNanos();
            int stalls = 0;
            while (stalls < 200 && System.nanoTime() < deadline) {
                if (!burst.hasRemaining()) {
                    burst.rewind(); // whole requests only: a partial write continues where it stopped
                }
                int written = socket.write(burst);
                stalls = written == 0 ? stalls + 1 : 0;
                if (written == 0) {
                    LockSupport.parkNanos(1_000_000);
                }
            }
            assertThat(stalls).as("the server stopped reading").isEqualTo(200);
            Channel server = http.channels().iterator().next();
            awaitTrue(() -> !server.config().isAutoRead(), "the server paused the connection"); // it may lag the client
            long pending = server.unsafe().outboundBuffer().totalPendingWriteBytes();
            // The high-water mark, the in-flight requests' answers, and the one read loop the decoder
            // was in when the pause began (at most 16 reads of 64 KiB of 41-byte requests).
            long bound = TcpApiServer.WATER_MARK.high() + (long) (limits.inFlightMax() + 16 * 65536 / request.length)
                    * (value.length + 200);
            assertThat(pending).isLessThanOrEqualTo(bound);
            int submitted = service.submitted.size();
            for (int i = 0; i < 20; i++) {
                socket.write(burst);
            }
            assertThat(service.submitted).as("nothing more is read").hasSize(submitted);
        }
    }

    // ---------------------------------------------------------------- fuzz input

    private static List<byte[]> tcpSeeds() {
        List<byte[]> seeds = new ArrayList<>();
        ByteBuf out = Unpooled.buffer();
        BinaryProtocol.writeCommand(out, 1, new KvCommand.Put(5, 1, "k", "value".getBytes(StandardCharsets.UTF_8)));
        seeds.add(bytes(out));
        BinaryProtocol.writeCommand(out, 2, new KvCommand.Cas(5, 2, "k", null, new byte[3]));
        seeds.add(bytes(out));
        BinaryProtocol.writeRead(out, 3, "k", false);
        BinaryProtocol.writeStatusRequest(out, 4);
        seeds.add(bytes(out));
        return seeds;
    }

    private static List<byte[]> httpSeeds() {
        return List.of(
                "PUT /v1/kv/k HTTP/1.1\r\nHost: x\r\nTitan-Client-Id: 5\r\nTitan-Sequence: 1\r\nContent-Length: 3\r\n\r\nabc",
                "POST /v1/kv/k HTTP/1.1\r\nHost: x\r\nContent-Length: 37\r\n\r\n{\"op\":\"cas\",\"expected\":null,\"value\":\"\"}",
                "GET /v1/kv/k?stale=true HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/status HTTP/1.1\r\n\r\n",
                "POST /v1/kv/k HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"op\"\r\n0\r\n\r\n")
                .stream().map(s -> s.getBytes(StandardCharsets.ISO_8859_1)).toList();
    }

    private static byte[] bytes(ByteBuf buf) {
        byte[] b = new byte[buf.readableBytes()];
        buf.readBytes(b);
        buf.clear();
        return b;
    }

    /** Random bytes, or a valid request with bytes flipped, cut, repeated or a field blown up. */
    private static byte[] fuzz(SplittableRandom random, List<byte[]> seeds) {
        byte[] seed = seeds.get(random.nextInt(seeds.size()));
        switch (random.nextInt(5)) {
            case 0 -> {
                byte[] noise = new byte[random.nextInt(400)];
                random.nextBytes(noise);
                return noise;
            }
            case 1 -> {
                byte[] m = seed.clone();
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                    m[random.nextInt(m.length)] = (byte) random.nextInt(256);
                }
                return m;
            }
            case 2 -> {
                byte[] cut = new byte[random.nextInt(seed.length)];
                System.arraycopy(seed, 0, cut, 0, cut.length);
                return cut;
            }
            case 3 -> {
                byte[] twice = new byte[seed.length * 2];
                System.arraycopy(seed, 0, twice, 0, seed.length);
                System.arraycopy(seed, 0, twice, seed.length, seed.length);
                twice[random.nextInt(twice.length)] ^= (byte) (1 << random.nextInt(8));
                return twice;
            }
            default -> {
                byte[] m = seed.clone();
                int at = random.nextInt(Math.max(1, m.length - 4));
                m[at] = (byte) 0x7f;
                m[at + 1] = (byte) 0xff;
                return m;
            }
        }
    }

    /** Sends {@code bytes}, half-closes, and reads whatever comes back until the server closes. */
    private static void blast(int port, byte[] bytes) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            try {
                out.write(bytes);
                socket.shutdownOutput();
            } catch (SocketException e) {
                return; // the server already closed on an early error: fine
            }
            InputStream in = socket.getInputStream();
            byte[] sink = new byte[4096];
            try {
                while (in.read(sink) >= 0) {
                    // drain until the server closes its side
                }
            } catch (SocketException e) {
                // reset by the server after an error frame: fine
            }
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting until " + what).isLessThan(deadline);
            LockSupport.parkNanos(1_000_000);
        }
    }
}
