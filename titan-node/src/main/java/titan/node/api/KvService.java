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
     */
    void submit(KvRequest request, Consumer<ClientOutcome> reply);

    /** The node's latest published status; cheap, never blocks. */
    NodeStatus status();
}
