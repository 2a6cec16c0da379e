package titan.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import titan.client.TitanClient.ReadMode;
import titan.node.ClientOutcome;
import titan.node.api.FakeKvService;
import titan.node.api.KvRequest;
import titan.node.kv.KvCommand;
import titan.node.kv.KvResult;

/**
 * Both clients against real Netty servers on loopback over fake nodes: redirects, sessions,
 * pipelining and the honesty of outcomes when nodes refuse, stall or drop connections. Every wait
 * is bounded by the client's own timeout (no sleeps).
 */
class TitanClientTest {
    private static final ClientOptions FAST = ClientOptions.defaults().withTimeout(Duration.ofMillis(1500))
            .withRetryDelay(Duration.ofMillis(5));

    private LoopbackCluster cluster;
    private TitanClient client;

    static Stream<Arguments> protocols() {
        BiFunction<List<Endpoint>, ClientOptions, TitanClient> tcp = TcpTitanClient::new;
        BiFunction<List<Endpoint>, ClientOptions, TitanClient> http = HttpTitanClient::new;
        BiFunction<List<Endpoint>, ClientOptions, TitanClient> pipelined = (e, o) -> new HttpTitanClient(e, o, null, 4);
        return Stream.of(Arguments.of("tcp", tcp), Arguments.of("http", http), Arguments.of("http-pipelined", pipelined));
    }

    @org.junit.jupiter.api.Test
    void pipelinedHttpAnswersMatchTheirRequestsWhenTheNodeAnswersOutOfOrder() {
        // Goal: over a real socket, four requests leave before any answer; the node answers them last
        // to first, the server still responds in request order, and each call gets its own answer.
        cluster = new LoopbackCluster(1); // holds every request until the test answers it
        TitanClient c = start((e, o) -> new HttpTitanClient(e, o, null, 4), cluster.endpoints,
                FAST.withTimeout(Duration.ofSeconds(20)));
        List<CompletableFuture<Outcome>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            calls.add(c.get("k" + i, ReadMode.LINEARIZABLE));
        }
        FakeKvService node = cluster.node(1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (node.submitted.size() < 4 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        assertThat(node.submitted).hasSize(4); // all four in flight on the one connection at once
        for (int i = 3; i >= 0; i--) {
            String key = ((KvRequest.Read) node.take(i).request()).key();
            node.take(i).reply().accept(new ClientOutcome.Read(b("value-of-" + key)));
        }
        for (int i = 0; i < 4; i++) {
            Outcome o = calls.get(i).join();
            assertThat(o).isInstanceOf(Outcome.Ok.class);
            assertThat(new String(((Outcome.Ok) o).value(), StandardCharsets.UTF_8)).isEqualTo("value-of-k" + i);
        }
    }

    private TitanClient start(BiFunction<List<Endpoint>, ClientOptions, TitanClient> make, List<Endpoint> endpoints,
                              ClientOptions options) {
        client = make.apply(endpoints, options);
        return client;
    }

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void everyOpFindsTheLeaderThroughARedirect(String name, BiFunction<List<Endpoint>, ClientOptions, TitanClient> make) {
        // Goal: starting at a follower, the client follows the hint to n2 and every op gets its definite outcome.
        cluster = new LoopbackCluster(3).leaderIs(2);
        TitanClient c = start(make, cluster.endpoints, FAST);
        assertThat(c.putBlocking("k", b("v1"))).isEqualTo(new Outcome.Ok(null, "n2"));
        assertThat(((Outcome.Ok) c.getBlocking("k", ReadMode.LINEARIZABLE)).value()).isEqualTo(b("v1"));
        assertThat(c.getBlocking("nope", ReadMode.STALE)).isEqualTo(new Outcome.NotFound("n2"));
        Outcome mismatch = c.casBlocking("k", b("x"), b("v2"));
        assertThat(mismatch).isInstanceOf(Outcome.CasMismatch.class);
        assertThat(((Outcome.CasMismatch) mismatch).current()).isEqualTo(b("v1"));
        assertThat(c.casBlocking("k", b("v1"), new byte[] {(byte) 0xff, 0})).isInstanceOf(Outcome.Ok.class);
        Outcome binary = c.casBlocking("k", null, b("z"));
        assertThat(((Outcome.CasMismatch) binary).current()).isEqualTo(new byte[] {(byte) 0xff, 0});
        assertThat(c.appendBlocking("a/b é", b("x"))).isInstanceOf(Outcome.Ok.class);
        assertThat(c.appendBlocking("a/b é", b("y"))).isInstanceOf(Outcome.Ok.class);
        assertThat(((Outcome.Ok) c.getBlocking("a/b é", ReadMode.LINEARIZABLE)).value()).isEqualTo(b("xy"));
        assertThat(c.deleteBlocking("a/b é")).isInstanceOf(Outcome.Ok.class);
        assertThat(c.deleteBlocking("a/b é")).isEqualTo(new Outcome.NotFound("n2"));
        assertThat(cluster.node(1).submitted).hasSize(1); // one redirect, then the leader is remembered
        assertThat(cluster.node(3).submitted).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void writesOfOneConnectionAreOneSessionInSendOrder(String name,
                                                       BiFunction<List<Endpoint>, ClientOptions, TitanClient> make) {
        // Goal: pipelined writes share a session whose sequences start at 1 and rise in submission order.
        cluster = new LoopbackCluster(1).leaderIs(1);
        TitanClient c = start(make, cluster.endpoints, FAST.withConnectionsPerNode(2).withInFlightMax(16).withTimeout(Duration.ofSeconds(20)));
        List<CompletableFuture<Outcome>> calls = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            calls.add(c.put("k" + (i % 7), b("v" + i)));
        }
        calls.forEach(f -> assertThat(f.join()).isInstanceOf(Outcome.Ok.class));
        Map<Long, Long> lastSequence = new HashMap<>();
        for (FakeKvService.Submitted s : cluster.node(1).submitted) {
            KvCommand command = ((KvRequest.Write) s.request()).command();
            long previous = lastSequence.getOrDefault(command.clientId(), 0L);
            assertThat(command.sequence()).isEqualTo(previous + 1);
            lastSequence.put(command.clientId(), command.sequence());
        }
        assertThat(lastSequence).hasSize(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void aSilentNodeMakesAWriteIndeterminate(String name, BiFunction<List<Endpoint>, ClientOptions, TitanClient> make) {
        cluster = new LoopbackCluster(1); // holds every request forever
        TitanClient c = start(make, cluster.endpoints, FAST.withTimeout(Duration.ofMillis(300)));
        Outcome outcome = c.putBlocking("k", b("v"));
        assertThat(outcome).isInstanceOf(Outcome.Indeterminate.class);
        assertThat(outcome.node()).isEqualTo("n1");
        assertThat(cluster.node(1).submitted).hasSize(1);
        // The connection is still usable once the node answers again.
        cluster.node(1).asLeader();
        assertThat(c.putBlocking("k", b("w"))).isInstanceOf(Outcome.Ok.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void aConnectionDroppedAfterSendingIsIndeterminate(String name,
                                                       BiFunction<List<Endpoint>, ClientOptions, TitanClient> make) {
        cluster = new LoopbackCluster(1);
        cluster.node(1).respond(request -> {
            CompletableFuture.runAsync(() -> {
                cluster.tcp.get(0).close();
                cluster.http.get(0).close();
            });
            return null;
        });
        TitanClient c = start(make, cluster.endpoints, FAST);
        Outcome outcome = c.appendBlocking("k", b("v"));
        assertThat(outcome).isInstanceOf(Outcome.Indeterminate.class);
        assertThat(((Outcome.Indeterminate) outcome).reason()).contains("lost after the request was sent");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void aRefusedConnectionIsADefiniteFailure(String name, BiFunction<List<Endpoint>, ClientOptions, TitanClient> make)
            throws IOException {
        TitanClient c = start(make, List.of(deadEndpoint("n1"), deadEndpoint("n2")), FAST.withTimeout(Duration.ofMillis(300)));
        Outcome outcome = c.putBlocking("k", b("v"));
        assertThat(outcome).isInstanceOf(Outcome.Failed.class);
        assertThat(((Outcome.Failed) outcome).reason()).contains("cannot connect");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void aDownNodeIsSkipped(String name, BiFunction<List<Endpoint>, ClientOptions, TitanClient> make) throws IOException {
        cluster = new LoopbackCluster(1).leaderIs(1);
        TitanClient c = start(make, List.of(deadEndpoint("n9"), cluster.endpoints.get(0)), FAST);
        assertThat(c.putBlocking("k", b("v"))).isEqualTo(new Outcome.Ok(null, "n1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void theAdvertisedAddressIsTheFallbackForAnUnlistedLeader(String name,
                                                              BiFunction<List<Endpoint>, ClientOptions, TitanClient> make) {
        cluster = new LoopbackCluster(2);
        cluster.node(2).asLeader();
        Endpoint n2 = cluster.endpoints.get(1);
        cluster.node(1).asFollowerOf("n2").withStatus(FakeKvService.status("n1", "follower", "n2",
                "127.0.0.1:" + n2.httpPort(), "127.0.0.1:" + n2.tcpPort()));
        TitanClient c = start(make, List.of(cluster.endpoints.get(0)), FAST);
        assertThat(c.putBlocking("k", b("v"))).isEqualTo(new Outcome.Ok(null, "n2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void noLeaderAnywhereFailsDefinitelyAtTheDeadline(String name,
                                                      BiFunction<List<Endpoint>, ClientOptions, TitanClient> make) {
        cluster = new LoopbackCluster(2);
        cluster.node(1).asFollowerOf(null);
        cluster.node(2).asFollowerOf(null);
        TitanClient c = start(make, cluster.endpoints, FAST.withTimeout(Duration.ofMillis(200)));
        Outcome outcome = c.putBlocking("k", b("v"));
        assertThat(outcome).isInstanceOf(Outcome.Failed.class);
        assertThat(((Outcome.Failed) outcome).reason()).contains("not the leader");
        assertThat(cluster.node(1).submitted).isNotEmpty();
        assertThat(cluster.node(2).submitted).isNotEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void theNodesOwnVerdictsPassThrough(String name, BiFunction<List<Endpoint>, ClientOptions, TitanClient> make) {
        cluster = new LoopbackCluster(1);
        TitanClient c = start(make, cluster.endpoints, FAST);
        cluster.node(1).respond(r -> new ClientOutcome.Refused("busy"));
        assertThat(c.putBlocking("k", b("v"))).isInstanceOf(Outcome.Failed.class);
        cluster.node(1).respond(r -> new ClientOutcome.Indeterminate("superseded"));
        assertThat(c.putBlocking("k", b("v"))).isEqualTo(new Outcome.Indeterminate("superseded", "n1"));
        cluster.node(1).respond(r -> new ClientOutcome.Applied(new KvResult.Rejected("too big"), 1, 1));
        assertThat(((Outcome.Failed) c.putBlocking("k", b("v"))).reason()).contains("too big");
        assertThat(c.putBlocking("k".repeat(1025), b("v"))).isInstanceOf(Outcome.Failed.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void aSessionAnswerRetriesInAFreshSession(String name, BiFunction<List<Endpoint>, ClientOptions, TitanClient> make) {
        // Goal: the first request's session was refused (it did nothing), so the client starts another and retries.
        cluster = new LoopbackCluster(1);
        AtomicInteger calls = new AtomicInteger();
        FakeKvService leader = cluster.node(1);
        cluster.node(1).respond(r -> calls.getAndIncrement() == 0
                ? new ClientOutcome.Applied(new KvResult.SessionExpired(1, 1), 1, 1) : null);
        TitanClient c = start(make, cluster.endpoints, FAST);
        CompletableFuture<Outcome> put = c.put("k", b("v"));
        // Poll until the retry arrived, bounded by the call's own deadline.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (leader.submitted.size() < 2 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        assertThat(leader.submitted).hasSize(2);
        leader.take(1).reply().accept(new ClientOutcome.Applied(KvResult.Ok.WRITTEN, 2, 1));
        assertThat(put.join()).isInstanceOf(Outcome.Ok.class);
        KvCommand first = ((KvRequest.Write) leader.take(0).request()).command();
        KvCommand retry = ((KvRequest.Write) leader.take(1).request()).command();
        assertThat(retry.clientId()).isNotEqualTo(first.clientId());
        assertThat(retry.sequence()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void aDroppedWriteIsResentInTheSameSessionWhenAsked(String name,
                                                       BiFunction<List<Endpoint>, ClientOptions, TitanClient> make) {
        // Goal: with resends on, a write whose connection to n1 dropped after sending goes to n2 with the
        // same client id and sequence (so the server can answer it from its session), and ends ok.
        cluster = new LoopbackCluster(2);
        cluster.node(1).respond(request -> {
            CompletableFuture.runAsync(() -> {
                cluster.tcp.get(0).close();
                cluster.http.get(0).close();
            });
            return null;
        });
        cluster.node(2).asLeader();
        TitanClient c = start(make, cluster.endpoints, FAST.withTimeout(Duration.ofSeconds(6)).withUnknownWriteResends(2));
        assertThat(c.appendBlocking("k", b("v"))).isEqualTo(new Outcome.Ok(null, "n2"));
        KvCommand first = ((KvRequest.Write) cluster.node(1).take(0).request()).command();
        KvCommand resent = ((KvRequest.Write) cluster.node(2).take(0).request()).command();
        assertThat(resent.clientId()).isEqualTo(first.clientId());
        assertThat(resent.sequence()).isEqualTo(first.sequence());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void aSilentNodesWriteIsResentAndALaterRefusalIsStillIndeterminate(String name,
            BiFunction<List<Endpoint>, ClientOptions, TitanClient> make) {
        // Goal: n1 holds the write past its share of the deadline, so it is resent to n2; n2 refuses
        // that copy, which says nothing of n1's copy, so the call is indeterminate, not failed.
        cluster = new LoopbackCluster(2); // n1 holds every request forever
        cluster.node(2).respond(r -> new ClientOutcome.Refused("busy"));
        TitanClient c = start(make, cluster.endpoints, FAST.withTimeout(Duration.ofSeconds(4)).withUnknownWriteResends(1));
        Outcome outcome = c.putBlocking("k", b("v"));
        assertThat(outcome).isInstanceOf(Outcome.Indeterminate.class);
        assertThat(((Outcome.Indeterminate) outcome).reason()).contains("resend");
        assertThat(cluster.node(1).submitted).hasSize(1);
        assertThat(cluster.node(2).submitted).hasSize(1);
        KvCommand resent = ((KvRequest.Write) cluster.node(2).take(0).request()).command();
        assertThat(resent.clientId()).isEqualTo(((KvRequest.Write) cluster.node(1).take(0).request()).command().clientId());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void withoutResendsADroppedWriteIsNeverSentTwice(String name,
                                                     BiFunction<List<Endpoint>, ClientOptions, TitanClient> make) {
        // Goal: the default never resends: the second node never sees the write.
        cluster = new LoopbackCluster(2);
        cluster.node(1).respond(request -> {
            CompletableFuture.runAsync(() -> {
                cluster.tcp.get(0).close();
                cluster.http.get(0).close();
            });
            return null;
        });
        cluster.node(2).asLeader();
        TitanClient c = start(make, cluster.endpoints, FAST);
        assertThat(c.appendBlocking("k", b("v"))).isInstanceOf(Outcome.Indeterminate.class);
        assertThat(cluster.node(2).submitted).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void aPinnedClientFailsAtAFollowerInsteadOfRedirecting(String name,
                                                          BiFunction<List<Endpoint>, ClientOptions, TitanClient> make) {
        // Goal: pinned to n1 (a follower of n2), reads and writes fail definitely and n2 sees nothing.
        cluster = new LoopbackCluster(2).leaderIs(2);
        TitanClient c = start(make, cluster.endpoints, FAST.withTimeout(Duration.ofSeconds(5)).withPinned(true));
        Outcome write = c.putBlocking("k", b("v"));
        assertThat(write).isInstanceOf(Outcome.Failed.class);
        assertThat(((Outcome.Failed) write).reason()).contains("pinned");
        assertThat(c.getBlocking("k", ReadMode.LINEARIZABLE)).isInstanceOf(Outcome.Failed.class);
        assertThat(cluster.node(2).submitted).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void resendsAreBounded() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClientOptions.defaults().withUnknownWriteResends(11))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 to 10");
    }

    private static Endpoint deadEndpoint(String id) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return new Endpoint(id, "127.0.0.1", port, port);
    }
}
