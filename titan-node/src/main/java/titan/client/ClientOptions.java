package titan.client;

import java.time.Duration;

import titan.node.api.ApiLimits;
import titan.node.kv.KvConfig;

/**
 * How a {@link TitanClient} behaves.
 *
 * @param timeout             the deadline of one call, redirects and retries included; a call whose
 *                            request was sent and not answered by then ends {@link Outcome.Indeterminate}
 * @param retryDelay          the pause before trying another node when no leader is known or a node is down
 * @param connectionsPerNode  connections kept to each node (TCP: each pipelined; HTTP: a pool, one
 *                            request at a time per connection); each connection is its own session
 * @param inFlightMax         TCP: requests in flight per connection before later ones wait in the client
 * @param ioThreads           Netty event-loop threads of the client (few: the machine is shared)
 * @param frameBytesMax       the largest response frame or body accepted
 */
public record ClientOptions(Duration timeout, Duration retryDelay, int connectionsPerNode, int inFlightMax,
                            int ioThreads, int frameBytesMax) {
    public ClientOptions {
        if (timeout.isNegative() || timeout.isZero() || retryDelay.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive and retryDelay not negative");
        }
        if (connectionsPerNode < 1 || inFlightMax < 1 || ioThreads < 1 || frameBytesMax < 64) {
            throw new IllegalArgumentException("connectionsPerNode, inFlightMax, ioThreads must be >= 1 and frameBytesMax >= 64");
        }
    }

    /** 5 s timeout, 20 ms retry delay, 1 connection per node, 256 in flight, 1 I/O thread. */
    public static ClientOptions defaults() {
        return new ClientOptions(Duration.ofSeconds(5), Duration.ofMillis(20), 1, 256, 1,
                ApiLimits.forValues(KvConfig.VALUE_BYTES_MAX_DEFAULT).frameBytesMax());
    }

    public ClientOptions withTimeout(Duration t) {
        return new ClientOptions(t, retryDelay, connectionsPerNode, inFlightMax, ioThreads, frameBytesMax);
    }

    public ClientOptions withRetryDelay(Duration d) {
        return new ClientOptions(timeout, d, connectionsPerNode, inFlightMax, ioThreads, frameBytesMax);
    }

    public ClientOptions withConnectionsPerNode(int n) {
        return new ClientOptions(timeout, retryDelay, n, inFlightMax, ioThreads, frameBytesMax);
    }

    public ClientOptions withInFlightMax(int n) {
        return new ClientOptions(timeout, retryDelay, connectionsPerNode, n, ioThreads, frameBytesMax);
    }

    public ClientOptions withIoThreads(int n) {
        return new ClientOptions(timeout, retryDelay, connectionsPerNode, inFlightMax, n, frameBytesMax);
    }
}
