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
 * @param unknownWriteResends how often a write whose attempt's fate is unknown (connection lost after
 *                            sending, an indeterminate answer, or no answer within
 *                            {@code timeout / (unknownWriteResends + 1)}) is sent again, to the next
 *                            node, in the <em>same</em> session and sequence, as etcd's and Jepsen's
 *                            clients do; the server's session answers the copy that finds the first
 *                            already applied (docs/client-protocol.md, "Sessions"). 0 (the default)
 *                            never resends: the outcome is then indeterminate at once
 * @param pinned              every call goes to the first endpoint only: a node that is not the
 *                            leader, or is down, fails the call instead of redirecting it (Jepsen's
 *                            clients bound to one node each, so that a deposed leader's answers are seen)
 */
public record ClientOptions(Duration timeout, Duration retryDelay, int connectionsPerNode, int inFlightMax,
                            int ioThreads, int frameBytesMax, int unknownWriteResends, boolean pinned) {
    public ClientOptions {
        if (timeout.isNegative() || timeout.isZero() || retryDelay.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive and retryDelay not negative");
        }
        if (connectionsPerNode < 1 || inFlightMax < 1 || ioThreads < 1 || frameBytesMax < 64) {
            throw new IllegalArgumentException("connectionsPerNode, inFlightMax, ioThreads must be >= 1 and frameBytesMax >= 64");
        }
        if (unknownWriteResends < 0 || unknownWriteResends > 10) {
            throw new IllegalArgumentException("unknownWriteResends must be 0 to 10, not " + unknownWriteResends);
        }
    }

    /** Options that never resend and follow redirects. */
    public ClientOptions(Duration timeout, Duration retryDelay, int connectionsPerNode, int inFlightMax,
                         int ioThreads, int frameBytesMax) {
        this(timeout, retryDelay, connectionsPerNode, inFlightMax, ioThreads, frameBytesMax, 0, false);
    }

    /** 5 s timeout, 20 ms retry delay, 1 connection per node, 256 in flight, 1 I/O thread. */
    public static ClientOptions defaults() {
        return new ClientOptions(Duration.ofSeconds(5), Duration.ofMillis(20), 1, 256, 1,
                ApiLimits.forValues(KvConfig.VALUE_BYTES_MAX_DEFAULT).frameBytesMax());
    }

    public ClientOptions withTimeout(Duration t) {
        return new ClientOptions(t, retryDelay, connectionsPerNode, inFlightMax, ioThreads, frameBytesMax,
                unknownWriteResends, pinned);
    }

    public ClientOptions withRetryDelay(Duration d) {
        return new ClientOptions(timeout, d, connectionsPerNode, inFlightMax, ioThreads, frameBytesMax,
                unknownWriteResends, pinned);
    }

    public ClientOptions withConnectionsPerNode(int n) {
        return new ClientOptions(timeout, retryDelay, n, inFlightMax, ioThreads, frameBytesMax, unknownWriteResends, pinned);
    }

    public ClientOptions withInFlightMax(int n) {
        return new ClientOptions(timeout, retryDelay, connectionsPerNode, n, ioThreads, frameBytesMax, unknownWriteResends, pinned);
    }

    public ClientOptions withIoThreads(int n) {
        return new ClientOptions(timeout, retryDelay, connectionsPerNode, inFlightMax, n, frameBytesMax, unknownWriteResends, pinned);
    }

    public ClientOptions withUnknownWriteResends(int n) {
        return new ClientOptions(timeout, retryDelay, connectionsPerNode, inFlightMax, ioThreads, frameBytesMax, n, pinned);
    }

    public ClientOptions withPinned(boolean p) {
        return new ClientOptions(timeout, retryDelay, connectionsPerNode, inFlightMax, ioThreads, frameBytesMax,
                unknownWriteResends, p);
    }
}
