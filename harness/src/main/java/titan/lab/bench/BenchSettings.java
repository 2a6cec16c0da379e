package titan.lab.bench;

import java.time.Duration;
import java.util.List;

/**
 * Everything that defines a load benchmark run; written into {@code bench.json} beside the figures.
 *
 * @param protocols      {@code http} and/or {@code tcp}, run one after the other on the same cluster
 * @param rateFractions  open-loop rates as fractions of each protocol's measured maximum
 * @param connections    clients (connections) per protocol
 * @param pipeline       requests in flight per TCP connection (HTTP: always one per connection)
 * @param runtime        {@code local}, {@code docker}, or {@code fake} (the in-process fake server)
 */
public record BenchSettings(List<String> protocols, Duration duration, Duration warmup, int valueBytes, int keys,
                            Mix mix, List<Double> rateFractions, int connections, int pipeline, String runtime,
                            int nodes, boolean fsync, long seed) {
    public static final List<String> PROTOCOLS = List.of("http", "tcp");

    public BenchSettings {
        protocols = List.copyOf(protocols);
        rateFractions = List.copyOf(rateFractions);
        if (protocols.isEmpty() || !PROTOCOLS.containsAll(protocols)) {
            throw new IllegalArgumentException("--protocol takes http, tcp or both, not " + protocols);
        }
        if (duration.isNegative() || duration.isZero() || warmup.isNegative()) {
            throw new IllegalArgumentException("the duration must be positive and the warm-up not negative");
        }
        if (valueBytes < 0 || keys < 1 || connections < 1 || pipeline < 1 || nodes < 1) {
            throw new IllegalArgumentException("need --value-size >= 0 and at least one key, connection, pipelined request and node");
        }
        for (double f : rateFractions) {
            if (!(f > 0 && f <= 2)) {
                throw new IllegalArgumentException("each --rates fraction must be in (0, 2], not " + f);
            }
        }
    }

    /** Requests in flight for a protocol: connections x pipeline for TCP, connections for HTTP. */
    public int concurrency(String protocol) {
        return protocol.equals("tcp") ? connections * pipeline : connections;
    }

    public Workload workload() {
        return new Workload(keys, valueBytes, mix);
    }
}
