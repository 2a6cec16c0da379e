package titan.node;

import titan.node.kv.KvResult;
import titan.raft.NodeId;

/**
 * What a node tells a client about one request. The client turns it into a history completion:
 * {@link Applied} and {@link Read} are definite, {@link NotLeader} and {@link Refused} mean the
 * request definitely did not happen, {@link Indeterminate} means it may or may not have (Jepsen's
 * {@code :info}, never "failed").
 */
public sealed interface ClientOutcome {
    /**
     * The command took effect as the entry at {@code index} of {@code term} (its result may itself
     * be a CAS mismatch, a rejection, …).
     */
    record Applied(KvResult result, long index, long term) implements ClientOutcome {}

    /** A linearizable read: {@code value} is {@code null} when the key is absent. */
    record Read(byte[] value) implements ClientOutcome {}

    /** Not the leader; nothing was appended. {@code leaderHint} may be {@code null}. */
    record NotLeader(NodeId leaderHint) implements ClientOutcome {}

    /**
     * Definitely not applied: refused before anything was appended (busy, leadership transfer), or
     * its entry was overwritten by another leader's entry at the same index (§5.3), which can then
     * never commit.
     */
    record Refused(String reason) implements ClientOutcome {}

    /** The request never reached a node (the connection was refused): definitely not applied. */
    record Unreachable(String reason) implements ClientOutcome {}

    /** The request's fate is unknown: it may take effect, now or later. */
    record Indeterminate(String reason) implements ClientOutcome {}
}
