package titan.node.api;

import java.util.function.Consumer;

import titan.node.ClientOutcome;

/**
 * The one request path both client protocols map onto; implemented by the running node.
 *
 * <p>Thread-safe: any thread (a Netty event loop) may call it. Must not block the caller.
 */
public interface KvService {
    /**
     * Submits {@code request}. {@code reply} is called exactly once, on some thread of the node (not
     * necessarily the caller's), when the request's fate is known to this node; it must not block.
     * A request that cannot be accepted at all (the node is stopping, its queue is full) is answered
     * {@link ClientOutcome.Refused} at once: definitely not applied.
     *
     * <p>Must keep order: writes submitted one after another from one thread (one client
     * connection, whose writes are one session numbered in send order) must be proposed to the log
     * in that order; otherwise a pipelined session's later sequence could be applied first and an
     * earlier one answered stale. May call {@code reply} before returning.
     */
    void submit(KvRequest request, Consumer<ClientOutcome> reply);

    /** The node's latest published status; cheap, never blocks. */
    NodeStatus status();
}
