package titan.raft;

import java.util.List;

/**
 * The messages Raft peers exchange. Every message carries the sender's view of the term; the
 * receiver steps down or rejects on a term mismatch (§5.1). Pre-vote messages carry the term the
 * sender <em>would</em> campaign in and do not change anyone's term (dissertation §9.6).
 */
public sealed interface Message {
    NodeId from();

    NodeId to();

    long term();

    /**
     * Asks for a vote (§5.2) or, when {@code preVote}, asks whether a vote would be granted.
     *
     * @param leadershipTransfer set when the campaign follows a {@link TimeoutNow}; voters then
     *     ignore their leader lease (dissertation §3.10)
     */
    record VoteRequest(NodeId from, NodeId to, long term, long lastLogIndex, long lastLogTerm,
                       boolean preVote, boolean leadershipTransfer) implements Message {}

    record VoteResponse(NodeId from, NodeId to, long term, boolean preVote, boolean granted) implements Message {}

    /**
     * Replicates {@code entries} after {@code (prevLogIndex, prevLogTerm)} (§5.3). The entries are
     * consecutive and start at {@code prevLogIndex + 1}.
     */
    record AppendRequest(NodeId from, NodeId to, long term, long prevLogIndex, long prevLogTerm,
                         List<Entry> entries, long leaderCommit) implements Message {
        public AppendRequest {
            entries = List.copyOf(entries);
        }
    }

    /**
     * The answer to an {@link AppendRequest}. On success {@code matchIndex} is the last index the
     * follower now holds that matches the leader. On rejection, {@code rejectedIndex} is the
     * request's {@code prevLogIndex}, and the hint lets the leader skip a whole term at a time
     * (§5.3, the optimization at the end of that section): {@code hintTerm} is the term of the
     * follower's entry at {@code hintIndex}, the follower's best guess of where the logs may agree.
     */
    record AppendResponse(NodeId from, NodeId to, long term, boolean success, long matchIndex,
                          long rejectedIndex, long hintIndex, long hintTerm) implements Message {
        public static AppendResponse accept(NodeId from, NodeId to, long term, long matchIndex) {
            return new AppendResponse(from, to, term, true, matchIndex, 0, 0, 0);
        }

        public static AppendResponse reject(NodeId from, NodeId to, long term, long rejectedIndex,
                                            long hintIndex, long hintTerm) {
            return new AppendResponse(from, to, term, false, 0, rejectedIndex, hintIndex, hintTerm);
        }
    }

    /**
     * The leader's heartbeat. {@code commitIndex} is capped at the follower's known match index so
     * a follower never learns a commit index beyond entries it may not hold. {@code readRound}
     * identifies the heartbeat round for ReadIndex confirmation (dissertation §6.4).
     */
    record HeartbeatRequest(NodeId from, NodeId to, long term, long commitIndex, long readRound) implements Message {}

    record HeartbeatResponse(NodeId from, NodeId to, long term, long readRound) implements Message {}

    /**
     * One chunk of a snapshot (§7). Chunks are sent in order; {@code offset} is the byte position of
     * {@code chunk} within the snapshot data, and {@code done} marks the last chunk.
     */
    record InstallSnapshotRequest(NodeId from, NodeId to, long term, SnapshotMeta meta, long offset,
                                  byte[] chunk, boolean done) implements Message {
        @Override
        public String toString() {
            return "InstallSnapshotRequest[" + from + "->" + to + " term=" + term + " snapshot=" + meta.index() + "@"
                    + meta.term() + " offset=" + offset + " chunk=" + chunk.length + "B done=" + done + "]";
        }
    }

    /**
     * The answer to an {@link InstallSnapshotRequest}: {@code nextOffset} is the byte offset the
     * follower expects next for the snapshot at {@code snapshotIndex} (0 to restart); when
     * {@code installed}, the follower now holds the whole snapshot.
     */
    record InstallSnapshotResponse(NodeId from, NodeId to, long term, long snapshotIndex, long nextOffset,
                                   boolean installed) implements Message {}

    /** Tells the transfer target to start an election at once (dissertation §3.10). */
    record TimeoutNow(NodeId from, NodeId to, long term) implements Message {}
}
