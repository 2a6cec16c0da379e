package titan.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import titan.client.ClientOptions;
import titan.client.HttpTitanClient;
import titan.client.Outcome;
import titan.client.TcpTitanClient;
import titan.client.TitanClient;

/**
 * Random and mutated bytes at every port of a running three-node cluster (HTTP, binary TCP and the
 * peer port of every node), then proof that the cluster still serves correctly: writes through both
 * protocols are acknowledged and read back, and every node is still alive. Seeded, so a failure
 * replays.
 */
@Tag("cluster")
class PortFuzzTest {
    @TempDir
    Path dir;

    @Test
    void garbageAtEveryPortLeavesTheClusterServing() throws Exception {
        SplittableRandom random = new SplittableRandom(20261201);
        try (NodeProcesses cluster = new NodeProcesses(dir, 3, List.of())) {
            cluster.startAll();
            try (TitanClient tcp = new TcpTitanClient(cluster.endpoints(), ClientOptions.defaults())) {
                assertWrites(tcp, "before", 5);
            }
            List<Integer> ports = new ArrayList<>();
            for (var e : cluster.endpoints()) {
                ports.add(e.httpPort());
                ports.add(e.tcpPort());
            }
            ports.addAll(cluster.peerPorts());
            int connections = 0;
            for (int round = 0; round < 8; round++) {
                for (int port : ports) {
                    throwGarbage(port, payload(random));
                    connections++;
                }
            }
            for (String node : cluster.nodes()) {
                assertThat(cluster.isRunning(node)).as(node + " survived " + connections + " garbage connections")
                        .isTrue();
            }
            try (TitanClient tcp = new TcpTitanClient(cluster.endpoints(), ClientOptions.defaults());
                 TitanClient http = new HttpTitanClient(cluster.endpoints(), ClientOptions.defaults())) {
                assertWrites(tcp, "after-tcp", 20);
                assertWrites(http, "after-http", 20);
            }
        }
    }

    /** Random bytes, or a plausible start (an HTTP line, a frame header) followed by mutations. */
    private static byte[] payload(SplittableRandom random) {
        byte[] bytes;
        switch (random.nextInt(4)) {
            case 0 -> {
                bytes = new byte[1 + random.nextInt(4096)];
                random.nextBytes(bytes);
            }
            case 1 -> bytes = ("PUT /v1/kv/" + "x".repeat(random.nextInt(3000)) + " HTTP/1.1\r\nContent-Length: "
                    + random.nextInt() + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            case 2 -> {
                bytes = new byte[64];
                random.nextBytes(bytes);
                bytes[0] = 0; // a length prefix that claims far more than follows, or a negative one
                bytes[1] = (byte) random.nextInt(256);
            }
            default -> {
                bytes = "GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
                for (int i = 0; i < 4; i++) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
            }
        }
        return bytes;
    }

    private static void throwGarbage(int port, byte[] bytes) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(500);
            OutputStream out = s.getOutputStream();
            out.write(bytes);
            out.flush();
            s.shutdownOutput();
            s.getInputStream().readNBytes(1024); // whatever the server answers, if it answers
        } catch (IOException expected) {
            // the server closed the connection on us: that is a fine answer to garbage
        }
    }

    private static void assertWrites(TitanClient client, String prefix, int count) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            String key = prefix + "-" + i;
            byte[] value = ("v" + i).getBytes(StandardCharsets.UTF_8);
            Outcome[] put = new Outcome[1];
            CrashRecoveryTest.await(() -> {
                put[0] = client.putBlocking(key, value);
                return put[0] instanceof Outcome.Ok;
            }, Duration.ofSeconds(30), "a put of " + key);
            Outcome read = client.getBlocking(key, TitanClient.ReadMode.LINEARIZABLE);
            assertThat(read).isInstanceOf(Outcome.Ok.class);
            assertThat(((Outcome.Ok) read).value()).isEqualTo(value);
        }
    }
}
