package titan.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A rough printout, not an assertion and not a benchmark: closed-loop puts of 256-byte values from
 * one client through each protocol to one fake node on loopback (no Raft, no disk), the ceiling the
 * API path and the client leave for the node. Server, node and client share the machine; compare
 * the two protocols as a ratio within one run. The pitfall it guards against is a silent loss of
 * pipelining or write coalescing, which would show as a several-fold drop.
 * Run with {@code ./mvnw -pl titan-node -Pall-tests test -Dtest=ClientLoadMeasurement}.
 */
@Tag("slow")
class ClientLoadMeasurement {
    private static final byte[] VALUE = new byte[256];

    @Test
    void printPutsPerSecond() {
        try (LoopbackCluster cluster = new LoopbackCluster(1).leaderIs(1)) {
            for (int round = 1; round <= 3; round++) {
                double tcp = measure(TcpTitanClient::new, cluster.endpoints,
                        ClientOptions.defaults().withConnectionsPerNode(4).withInFlightMax(256), 512);
                double http = measure(HttpTitanClient::new, cluster.endpoints,
                        ClientOptions.defaults().withConnectionsPerNode(64), 64);
                System.out.printf("round %d: binary TCP %,9.0f puts/s (512 in flight, 4 connections); "
                        + "HTTP/JSON %,9.0f puts/s (64 connections); TCP/HTTP %.2f%n", round, tcp, http, tcp / http);
            }
        }
    }

    private static double measure(BiFunction<List<Endpoint>, ClientOptions, TitanClient> make, List<Endpoint> endpoints,
                                  ClientOptions options, int inFlight) {
        try (TitanClient client = make.apply(endpoints, options)) {
            run(client, inFlight, Duration.ofSeconds(1)); // warm-up
            long start = System.nanoTime();
            long done = run(client, inFlight, Duration.ofSeconds(3));
            return done / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** Keeps {@code inFlight} puts outstanding until {@code duration} passes; returns how many completed Ok. */
    private static long run(TitanClient client, int inFlight, Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        LongAdder ok = new LongAdder();
        AtomicInteger outstanding = new AtomicInteger(inFlight);
        CompletableFuture<Void> finished = new CompletableFuture<>();
        List<Runnable> loops = new ArrayList<>();
        for (int i = 0; i < inFlight; i++) {
            String key = "k" + i;
            Runnable[] loop = new Runnable[1];
            loop[0] = () -> client.put(key, VALUE).whenComplete((outcome, error) -> {
                if (outcome instanceof Outcome.Ok) {
                    ok.increment();
                }
                if (System.nanoTime() < deadline) {
                    loop[0].run();
                } else if (outstanding.decrementAndGet() == 0) {
                    finished.complete(null);
                }
            });
            loops.add(loop[0]);
        }
        loops.forEach(Runnable::run);
        finished.join();
        return ok.sum();
    }
}
