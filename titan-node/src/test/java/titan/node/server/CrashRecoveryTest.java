package titan.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import titan.client.ClientOptions;
import titan.client.Outcome;
import titan.client.TcpTitanClient;
import titan.client.TitanClient;

/**
 * Crash tests with real node processes on loopback: SIGKILL the leader in the middle of a write
 * load, and in another run every node at once; restart; then every acknowledged write must be
 * there, exactly once, and no write whose outcome was unknown may be there twice.
 *
 * <p>The writes are appends of unique elements, so a final read of a key shows every append that
 * took effect, in order, and a double-applied retry shows as a repeated element. Polls with
 * deadlines; no fixed sleeps.
 */
@Tag("cluster")
class CrashRecoveryTest {
    private static final int KEYS = 6;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    @Test
    void killingTheLeaderMidLoadLosesNoAcknowledgedWrite() throws Exception {
        try (NodeProcesses cluster = new NodeProcesses(dir, 3, List.of());
             TitanClient client = new TcpTitanClient(cluster.endpoints(),
                     ClientOptions.defaults().withTimeout(Duration.ofSeconds(3)))) {
            cluster.startAll();
            AppendLoad load = new AppendLoad(client, 32);
            load.start();
            await(() -> load.acknowledged() >= 200, Duration.ofSeconds(60), "200 acknowledged appends");
            String leader = awaitLeader(cluster);
            cluster.kill(leader);
            long acknowledgedAtKill = load.acknowledged();
            await(() -> load.acknowledged() >= acknowledgedAtKill + 200, Duration.ofSeconds(60),
                    "200 more appends acknowledged by a new leader");
            load.stop();
            cluster.start(leader);
            load.verify(client);
            String newLeader = awaitLeader(cluster);
            assertThat(newLeader).isNotNull();
            awaitCaughtUp(cluster, leader, newLeader);
            for (int k = 0; k < KEYS; k++) {
                assertThat(staleRead(cluster, leader, "k" + k)).as("the restarted node's copy of k%d", k)
                        .isEqualTo(staleRead(cluster, newLeader, "k" + k));
            }
        }
    }

    @Test
    void killingEveryNodeAtOnceLosesNoAcknowledgedWrite() throws Exception {
        try (NodeProcesses cluster = new NodeProcesses(dir, 3, List.of());
             TitanClient client = new TcpTitanClient(cluster.endpoints(),
                     ClientOptions.defaults().withTimeout(Duration.ofSeconds(3)))) {
            cluster.startAll();
            AppendLoad load = new AppendLoad(client, 32);
            load.start();
            await(() -> load.acknowledged() >= 300, Duration.ofSeconds(60), "300 acknowledged appends");
            for (String node : cluster.nodes()) {
                cluster.kill(node); // one after the other within milliseconds, under load
            }
            load.stop();
            cluster.startAll();
            load.verify(client);
        }
    }

    @Test
    void sigtermStopsEveryNodeCleanlyAndTheDataStays() throws Exception {
        try (NodeProcesses cluster = new NodeProcesses(dir, 3, List.of())) {
            cluster.startAll();
            try (TitanClient client = new TcpTitanClient(cluster.endpoints(), ClientOptions.defaults())) {
                for (int i = 0; i < 20; i++) {
                    String key = "t" + i;
                    await(() -> client.putBlocking(key, key.getBytes(StandardCharsets.UTF_8)) instanceof Outcome.Ok,
                            Duration.ofSeconds(30), "a put of " + key);
                }
            }
            for (String node : cluster.nodes()) {
                assertThat(cluster.terminate(node)).as(node + "'s exit code after SIGTERM").isZero();
            }
            cluster.startAll();
            try (TitanClient client = new TcpTitanClient(cluster.endpoints(), ClientOptions.defaults())) {
                for (int i = 0; i < 20; i++) {
                    String key = "t" + i;
                    Outcome[] read = new Outcome[1];
                    await(() -> (read[0] = client.getBlocking(key, TitanClient.ReadMode.LINEARIZABLE))
                            instanceof Outcome.Ok, Duration.ofSeconds(30), "a read of " + key);
                    assertThat(new String(((Outcome.Ok) read[0]).value(), StandardCharsets.UTF_8)).isEqualTo(key);
                }
            }
        }
    }

    // ------------------------------------------------------------------ the load

    /** Keeps {@code inFlight} appends of unique elements going and remembers each one's outcome. */
    private static final class AppendLoad {
        private final TitanClient client;
        private final int inFlight;
        private final AtomicBoolean running = new AtomicBoolean();
        private final AtomicLong next = new AtomicLong();
        private final AtomicInteger outstanding = new AtomicInteger();
        private final Map<String, Outcome> outcomes = new ConcurrentHashMap<>();

        AppendLoad(TitanClient client, int inFlight) {
            this.client = client;
            this.inFlight = inFlight;
        }

        void start() {
            running.set(true);
            for (int i = 0; i < inFlight; i++) {
                issue();
            }
        }

        private void issue() {
            if (!running.get()) {
                return;
            }
            long n = next.getAndIncrement();
            String element = "e" + n;
            outstanding.incrementAndGet();
            client.append("k" + (n % KEYS), (element + ",").getBytes(StandardCharsets.UTF_8)).thenAccept(outcome -> {
                outcomes.put(element, outcome);
                outstanding.decrementAndGet();
                issue();
            });
        }

        long acknowledged() {
            return outcomes.values().stream().filter(o -> o instanceof Outcome.Ok).count();
        }

        void stop() throws InterruptedException {
            running.set(false);
            await(() -> outstanding.get() == 0, Duration.ofSeconds(30), "the appends in flight to end");
        }

        /** Reads every key linearizably and checks the elements against the recorded outcomes. */
        void verify(TitanClient client) throws InterruptedException {
            Map<String, Integer> seen = new HashMap<>();
            for (int k = 0; k < KEYS; k++) {
                String key = "k" + k;
                Outcome[] read = new Outcome[1];
                await(() -> {
                    read[0] = client.getBlocking(key, TitanClient.ReadMode.LINEARIZABLE);
                    return read[0] instanceof Outcome.Ok || read[0] instanceof Outcome.NotFound;
                }, Duration.ofSeconds(60), "a linearizable read of " + key);
                if (read[0] instanceof Outcome.Ok ok) {
                    for (String e : new String(ok.value(), StandardCharsets.UTF_8).split(",")) {
                        if (!e.isEmpty()) {
                            seen.merge(e, 1, Integer::sum);
                        }
                    }
                }
            }
            List<String> lost = new ArrayList<>();
            outcomes.forEach((element, outcome) -> {
                if (outcome instanceof Outcome.Ok && !seen.containsKey(element)) {
                    lost.add(element);
                }
            });
            assertThat(lost).as("acknowledged appends missing after recovery").isEmpty();
            assertThat(seen.entrySet()).as("elements applied more than once").allMatch(e -> e.getValue() == 1);
            assertThat(seen.keySet()).as("elements that were refused, or never sent, yet applied").allMatch(e -> {
                Outcome o = outcomes.get(e);
                return o instanceof Outcome.Ok || o instanceof Outcome.Indeterminate;
            });
            assertThat(acknowledged()).isGreaterThan(0);
            System.out.printf("appends: %d acknowledged, %d indeterminate, %d failed; %d elements applied%n",
                    acknowledged(), outcomes.values().stream().filter(o -> o instanceof Outcome.Indeterminate).count(),
                    outcomes.values().stream().filter(o -> o instanceof Outcome.Failed).count(), seen.size());
        }
    }

    // ------------------------------------------------------------------ cluster helpers

    private static String awaitLeader(NodeProcesses cluster) throws InterruptedException {
        String[] leader = new String[1];
        await(() -> {
            for (String node : cluster.nodes()) {
                Optional<JsonNode> status = status(cluster, node);
                if (status.isPresent() && status.get().path("role").asText().equals("leader")) {
                    leader[0] = node;
                    return true;
                }
            }
            return false;
        }, Duration.ofSeconds(60), "a leader");
        return leader[0];
    }

    private static void awaitCaughtUp(NodeProcesses cluster, String node, String leader) throws InterruptedException {
        await(() -> {
            Optional<JsonNode> mine = status(cluster, node);
            Optional<JsonNode> theirs = status(cluster, leader);
            return mine.isPresent() && theirs.isPresent()
                    && mine.get().path("appliedIndex").asLong() >= theirs.get().path("commitIndex").asLong();
        }, Duration.ofSeconds(60), node + " to catch up with " + leader);
    }

    private static Optional<JsonNode> status(NodeProcesses cluster, String node) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + cluster.httpPort(node) + "/v1/status")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(JSON.readTree(r.body())) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static String staleRead(NodeProcesses cluster, String node, String key) throws Exception {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + cluster.httpPort(node) + "/v1/kv/" + key + "?stale=true")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return r.statusCode() == 404 ? null : new String(r.body(), StandardCharsets.UTF_8);
    }

    static void await(BooleanSupplier condition, Duration within, String what) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + within.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(20); // polling real processes; the deadline bounds the test
        }
    }
}
