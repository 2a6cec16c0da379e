package titan.lab.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.netty.channel.nio.NioEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import titan.client.Endpoint;
import titan.client.Outcome;
import titan.client.TitanClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The etcd gateway client against a stand-in gateway on loopback (the JDK's HTTP server) that
 * answers as etcd 3.4's JSON gateway does: what it sends (paths, base64 keys and values) and how it
 * reads the answers (a put's 200 is Ok, a range without kvs is NotFound, an error status is
 * Indeterminate). Real sockets, no sleeps; every call is bounded by the client's timeout.
 */
class EtcdGatewayClientTest {
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private NioEventLoopGroup group;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v3/kv/put", exchange -> {
            String body = read(exchange);
            bodies.add("put " + body);
            answer(exchange, body.contains("\"a2V5LWZhaWw=\"") ? 503 : 200, "{\"header\":{\"revision\":\"2\"}}");
        });
        server.createContext("/v3/kv/range", exchange -> {
            String body = read(exchange);
            bodies.add("range " + body);
            answer(exchange, 200, body.contains("\"a2V5LTE=\"")
                    ? "{\"header\":{},\"kvs\":[{\"key\":\"a2V5LTE=\",\"value\":\"dg==\"}],\"count\":\"1\"}"
                    : "{\"header\":{}}");
        });
        server.start();
        group = new NioEventLoopGroup(1);
    }

    @AfterEach
    void stop() {
        server.stop(0);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static String read(HttpExchange exchange) throws IOException {
        return new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Test
    void speaksTheV3JsonGatewayAndReadsItsAnswers() {
        Endpoint endpoint = new Endpoint("m1", "127.0.0.1", server.getAddress().getPort(), 1);
        try (TitanClient client = new EtcdGatewayClient(endpoint, group, Duration.ofSeconds(5))) {
            assertThat(client.put("key-1", "v".getBytes(StandardCharsets.UTF_8)).join()).isInstanceOf(Outcome.Ok.class);
            assertThat(client.get("key-1", TitanClient.ReadMode.LINEARIZABLE).join()).isInstanceOf(Outcome.Ok.class);
            assertThat(client.get("key-2", TitanClient.ReadMode.LINEARIZABLE).join()).isInstanceOf(Outcome.NotFound.class);
            assertThat(client.put("key-fail", new byte[0]).join()).isInstanceOf(Outcome.Indeterminate.class)
                    .satisfies(o -> assertThat(((Outcome.Indeterminate) o).reason()).contains("503"));
            assertThat(client.delete("key-1").join()).isInstanceOf(Outcome.Failed.class);
        }
        assertThat(bodies).containsExactly(
                "put {\"key\":\"a2V5LTE=\",\"value\":\"dg==\"}",
                "range {\"key\":\"a2V5LTE=\"}",
                "range {\"key\":\"a2V5LTI=\"}",
                "put {\"key\":\"a2V5LWZhaWw=\",\"value\":\"\"}");
    }

    // Calls made at once are sent one at a time on the one connection and all answered.
    @Test
    void manyCallsAtOnceAreSentInTurn() {
        Endpoint endpoint = new Endpoint("m1", "127.0.0.1", server.getAddress().getPort(), 1);
        try (TitanClient client = new EtcdGatewayClient(endpoint, group, Duration.ofSeconds(5))) {
            var futures = java.util.stream.IntStream.range(0, 50)
                    .mapToObj(i -> client.put("k" + i, new byte[] {1})).toList();
            futures.forEach(f -> assertThat(f.join()).isInstanceOf(Outcome.Ok.class));
        }
        assertThat(bodies).hasSize(50);
    }
}
