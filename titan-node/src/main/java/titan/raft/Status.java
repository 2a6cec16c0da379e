package titan.raft;

import java.util.Map;

/**
 * A point-in-time view of one peer, for logs, transcripts and the simulator's invariant checks.
 *
 * @param leader    the leader this peer believes in, or {@code null}
 * @param followers the leader's replication state per follower (empty unless leader)
 */
public record Status(NodeId id, Role role, long term, NodeId leader, NodeId votedFor, long commitIndex,
                     long appliedIndex, long lastIndex, long lastTerm, long snapshotIndex, Membership membership,
                     Map<NodeId, String> followers) {}
