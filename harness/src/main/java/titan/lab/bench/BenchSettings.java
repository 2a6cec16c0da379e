package titan.lab.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything that defines a load benchmark run; written into {@code bench.json} beside the figures.
 *
 * @param protocols       {@code http} and/or {@code tcp}, run one after the other on the same cluster
 * @param rateFractions   open-loop rates as fractions of each protocol's measured maximum
 * @param httpConnections connections of HTTP/JSON (Titan's and etcd's gateway): one request in flight each
 *                        unless {@code httpPipeline} says otherwise
 * @param tcpConnections  connections of binary TCP
 * @param pipeline        requests in flight per TCP connection
 * @param runtime         {@code local}, {@code docker}, or {@code fake} (the in-process fake server)
 * @param search          how the closed loop looks for each protocol's maximum
 * @param compare         other systems run with the same load after Titan ({@code etcd}), or none
 * @param clusterWarmup   unrecorded load of each protocol before its first phase (the nodes' JVMs
 *                        compile its path; a leader settles), beyond each phase's warm-up
 * @param httpPipeline    requests in flight per Titan HTTP connection (HTTP/1.1 pipelining, as wrk's
 *                        pipeline script does); 1, the default, is the unpipelined headline figure
 */
public record BenchSettings(List<String> protocols, Duration duration, Duration warmup, int valueBytes, int keys,
                            Mix mix, List<Double> rateFractions, int httpConnections, int tcpConnections, int pipeline,
                            String runtime, int nodes, boolean fsync, long seed, Search search, List<String> compare,
                            Duration clusterWarmup, int httpPipeline) {
    public static final List<String> PROTOCOLS = List.of("http", "tcp");
    public static final List<String> COMPARABLE = List.of("etcd");

    /**
     * The search for the maximum: with {@code on}, short closed-loop steps of {@code step} (after
     * {@code warmup}) at rising concurrency (see {@link #ladder}), stopping at the first step that
     * gains less than {@code gainMin} over the best so far; the measured closed loop then runs at the
     * best step's setting. Without it, the closed loop runs at the full setting at once.
     */
    public record Search(boolean on, Duration step, Duration warmup, double gainMin) {
        public static final Search OFF = new Search(false, Duration.ofSeconds(1), Duration.ZERO, 0);

        public Search {
            if (step.isNegative() || step.isZero() || warmup.isNegative() || !(gainMin >= 0)) {
                throw new IllegalArgumentException("a search step must be positive, its warm-up and minimum gain not negative");
            }
        }
    }

    /** One concurrency setting: {@code connections}, each with {@code perConnection} requests in flight. */
    public record Setting(int connections, int perConnection) {
        public int inFlight() {
            return connections * perConnection;
        }

        @Override
        public String toString() {
            return perConnection == 1 ? connections + " connections" : connections + " connections x " + perConnection
                    + " pipelined";
        }
    }

    public BenchSettings {
        protocols = List.copyOf(protocols);
        rateFractions = List.copyOf(rateFractions);
        compare = List.copyOf(compare);
        if (protocols.isEmpty() || !PROTOCOLS.containsAll(protocols)) {
            throw new IllegalArgumentException("--protocol takes http, tcp or both, not " + protocols);
        }
        if (!COMPARABLE.containsAll(compare)) {
            throw new IllegalArgumentException("--compare takes etcd, not " + compare);
        }
        if (duration.isNegative() || duration.isZero() || warmup.isNegative() || clusterWarmup.isNegative()) {
            throw new IllegalArgumentException("the duration must be positive and the warm-up not negative");
        }
        if (valueBytes < 0 || keys < 1 || httpConnections < 1 || tcpConnections < 1 || pipeline < 1 || nodes < 1
                || httpPipeline < 1) {
            throw new IllegalArgumentException("need --value-size >= 0 and at least one key, connection, pipelined request and node");
        }
        for (double f : rateFractions) {
            if (!(f > 0 && f <= 2)) {
                throw new IllegalArgumentException("each --rates fraction must be in (0, 2], not " + f);
            }
        }
    }

    /** Settings without HTTP pipelining. */
    public BenchSettings(List<String> protocols, Duration duration, Duration warmup, int valueBytes, int keys,
                         Mix mix, List<Double> rateFractions, int httpConnections, int tcpConnections, int pipeline,
                         String runtime, int nodes, boolean fsync, long seed, Search search, List<String> compare,
                         Duration clusterWarmup) {
        this(protocols, duration, warmup, valueBytes, keys, mix, rateFractions, httpConnections, tcpConnections, pipeline,
                runtime, nodes, fsync, seed, search, compare, clusterWarmup, 1);
    }

    /** Settings with the same connections for every protocol and no search (as the first version had). */
    public BenchSettings(List<String> protocols, Duration duration, Duration warmup, int valueBytes, int keys, Mix mix,
                         List<Double> rateFractions, int connections, int pipeline, String runtime, int nodes,
                         boolean fsync, long seed) {
        this(protocols, duration, warmup, valueBytes, keys, mix, rateFractions, connections, connections, pipeline,
                runtime, nodes, fsync, seed, Search.OFF, List.of(), Duration.ZERO);
    }

    /** The full setting of a protocol: TCP's connections x pipeline; HTTP's connections x httpPipeline; etcd's x 1. */
    public Setting full(String protocol) {
        return switch (protocol) {
            case "tcp" -> new Setting(tcpConnections, pipeline);
            case "http" -> new Setting(httpConnections, httpPipeline);
            default -> new Setting(httpConnections, 1);
        };
    }

    /** Connections a protocol opens (the full setting's). */
    public int connections(String protocol) {
        return full(protocol).connections();
    }

    /** Requests in flight at the full setting: connections x pipeline (HTTP: x httpPipeline). */
    public int concurrency(String protocol) {
        return full(protocol).inFlight();
    }

    /**
     * The search's steps, in the order tried: TCP doubles the pipeline depth on all its connections
     * (from an eighth of {@code pipeline}), HTTP doubles the connections (from an eighth of them); the
     * last step is always the full setting. Without a search, only the full setting.
     */
    public List<Setting> ladder(String protocol) {
        Setting full = full(protocol);
        if (!search.on()) {
            return List.of(full);
        }
        List<Setting> steps = new ArrayList<>();
        boolean tcp = protocol.equals("tcp");
        int top = tcp ? full.perConnection() : full.connections();
        for (int n = Math.max(1, top / 8); n < top; n *= 2) {
            steps.add(tcp ? new Setting(full.connections(), n) : new Setting(n, full.perConnection()));
        }
        steps.add(full);
        return List.copyOf(steps);
    }

    public Workload workload() {
        return new Workload(keys, valueBytes, mix);
    }
}
