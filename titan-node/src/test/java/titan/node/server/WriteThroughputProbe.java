package titan.node.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import titan.client.ClientOptions;
import titan.client.HttpTitanClient;
import titan.client.Outcome;
import titan.client.TcpTitanClient;
import titan.client.TitanClient;

/**
 * A first, simple write-throughput figure for each protocol (not a test, not the load benchmark):
 * starts a 3-node cluster of real processes, runs a closed loop of 256-byte puts on 1,000 keys for
 * a few seconds per protocol, and prints writes/s with the leader's fsyncs and entries per fsync
 * from {@code /metrics}. Run from the repository root after {@code ./mvnw -pl titan-node test-compile}:
 * <pre>
 *   java -cp "titan-node/target/test-classes:titan-node/target/classes:$(cat cp.txt)" \
 *        titan.node.server.WriteThroughputProbe [seconds] [tcpInFlight] [httpConnections]
 * </pre>
 */
public final class WriteThroughputProbe {
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int tcpInFlight = args.length > 1 ? Integer.parseInt(args[1]) : 512;
        int httpConnections = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        Path dir = Files.createTempDirectory("titan-probe");
        try (NodeProcesses cluster = new NodeProcesses(dir, 3, List.of())) {
            cluster.startAll();
            String leader = null;
            try (TitanClient warm = new TcpTitanClient(cluster.endpoints(), ClientOptions.defaults())) {
                while (!(warm.putBlocking("warm", new byte[1]) instanceof Outcome.Ok)) {
                    Thread.sleep(50);
                }
                leader = ((Outcome.Ok) warm.putBlocking("warm", new byte[1])).node();
            }
            ClientOptions tcpOptions = ClientOptions.defaults().withConnectionsPerNode(4)
                    .withInFlightMax(Math.max(1, tcpInFlight / 4));
            try (TitanClient tcp = new TcpTitanClient(cluster.endpoints(), tcpOptions)) {
                run("tcp", tcp, tcpInFlight, seconds, cluster, leader);
            }
            ClientOptions httpOptions = ClientOptions.defaults().withConnectionsPerNode(httpConnections);
            try (TitanClient http = new HttpTitanClient(cluster.endpoints(), httpOptions)) {
                run("http", http, httpConnections, seconds, cluster, leader);
            }
        }
    }

    private static void run(String protocol, TitanClient client, int concurrency, int seconds, NodeProcesses cluster,
                            String leader) throws Exception {
        byte[] value = new byte[256];
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong ok = new AtomicLong();
        AtomicLong other = new AtomicLong();
        AtomicLong counting = new AtomicLong(); // 0 during warm-up
        AtomicLong next = new AtomicLong();
        Runnable[] issue = new Runnable[1];
        issue[0] = () -> {
            if (!running.get()) {
                return;
            }
            client.put("key" + (next.getAndIncrement() % 1000), value).thenAccept(o -> {
                if (counting.get() == 1) {
                    (o instanceof Outcome.Ok ? ok : other).incrementAndGet();
                }
                issue[0].run();
            });
        };
        for (int i = 0; i < concurrency; i++) {
            issue[0].run();
        }
        Thread.sleep(2_000); // warm-up, excluded
        double fsyncsBefore = metric(cluster, leader, "titan_fsyncs_total");
        double entriesBefore = metric(cluster, leader, "titan_entries_per_fsync_sum");
        counting.set(1);
        long start = System.nanoTime();
        Thread.sleep(seconds * 1_000L);
        counting.set(0);
        double elapsed = (System.nanoTime() - start) / 1e9;
        running.set(false);
        double fsyncs = metric(cluster, leader, "titan_fsyncs_total") - fsyncsBefore;
        double entries = metric(cluster, leader, "titan_entries_per_fsync_sum") - entriesBefore;
        System.out.printf("%s: %,.0f writes/s (%d ok, %d not ok in %.1f s, concurrency %d); leader %s: %,.0f fsyncs/s,"
                        + " %.1f entries per fsync%n", protocol, ok.get() / elapsed, ok.get(), other.get(), elapsed,
                concurrency, leader, fsyncs / elapsed, fsyncs == 0 ? 0 : entries / fsyncs);
        Thread.sleep(1_000); // let the calls in flight end before the client closes
    }

    private static double metric(NodeProcesses cluster, String node, String name) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + cluster.httpPort(node) + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.body().lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
