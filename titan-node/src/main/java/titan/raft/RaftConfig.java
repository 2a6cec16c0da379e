package titan.raft;

import java.util.EnumSet;
import java.util.Set;

/**
 * The settings of one Raft peer. Times are logical ticks; sizes are bytes.
 *
 * @param self                      this peer's id
 * @param electionTicks             the minimum election timeout; each timeout is drawn uniformly
 *                                  from {@code [electionTicks, 2 * electionTicks)} (§5.2)
 * @param heartbeatTicks            the leader's heartbeat interval; must be below electionTicks
 * @param preVote                   run a pre-vote round before a real election (dissertation §9.6)
 * @param checkQuorum               a leader that has not heard from a majority for an election
 *                                  timeout steps down, and voters that heard from a leader within
 *                                  the timeout ignore vote requests (dissertation §6.2, §4.2.3)
 * @param appendBytesMax            the batch limit of one AppendRequest (at least one entry is sent)
 * @param inflightAppendsMax        appends in flight to one follower before the leader pauses it
 * @param inflightBytesMax          bytes in flight to one follower before the leader pauses it
 * @param uncommittedBytesMax       proposals are refused while this many bytes are uncommitted
 * @param snapshotChunkBytes        InstallSnapshot chunk size (§7)
 * @param learnerCatchUpEntries     a learner may be promoted once it is this close to the leader's log
 * @param unsafe                    deliberately broken behaviours, for proving the lab's checks
 */
public record RaftConfig(
        NodeId self,
        int electionTicks,
        int heartbeatTicks,
        boolean preVote,
        boolean checkQuorum,
        int appendBytesMax,
        int inflightAppendsMax,
        long inflightBytesMax,
        long uncommittedBytesMax,
        int snapshotChunkBytes,
        long learnerCatchUpEntries,
        Set<UnsafeMode> unsafe) {

    public RaftConfig {
        if (electionTicks < 2 || heartbeatTicks < 1 || heartbeatTicks >= electionTicks) {
            throw new IllegalArgumentException("need 1 <= heartbeatTicks < electionTicks, got heartbeatTicks="
                    + heartbeatTicks + " electionTicks=" + electionTicks);
        }
        if (appendBytesMax < 1 || inflightAppendsMax < 1 || inflightBytesMax < 1 || uncommittedBytesMax < 1
                || snapshotChunkBytes < 1 || learnerCatchUpEntries < 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        unsafe = unsafe.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(unsafe));
    }

    /** Settings in the range etcd and Ratis use by default: heartbeat 1, election 10 ticks. */
    public static RaftConfig defaults(NodeId self) {
        return new RaftConfig(self, 10, 1, true, true, 256 * 1024, 64, 4L * 1024 * 1024,
                64L * 1024 * 1024, 64 * 1024, 100, Set.of());
    }

    public RaftConfig withTicks(int electionTicks, int heartbeatTicks) {
        return new RaftConfig(self, electionTicks, heartbeatTicks, preVote, checkQuorum, appendBytesMax,
                inflightAppendsMax, inflightBytesMax, uncommittedBytesMax, snapshotChunkBytes, learnerCatchUpEntries,
                unsafe);
    }

    public RaftConfig withPreVote(boolean enabled) {
        return new RaftConfig(self, electionTicks, heartbeatTicks, enabled, checkQuorum, appendBytesMax,
                inflightAppendsMax, inflightBytesMax, uncommittedBytesMax, snapshotChunkBytes, learnerCatchUpEntries,
                unsafe);
    }

    public RaftConfig withCheckQuorum(boolean enabled) {
        return new RaftConfig(self, electionTicks, heartbeatTicks, preVote, enabled, appendBytesMax,
                inflightAppendsMax, inflightBytesMax, uncommittedBytesMax, snapshotChunkBytes, learnerCatchUpEntries,
                unsafe);
    }

    public RaftConfig withFlowControl(int appendBytesMax, int inflightAppendsMax, long inflightBytesMax) {
        return new RaftConfig(self, electionTicks, heartbeatTicks, preVote, checkQuorum, appendBytesMax,
                inflightAppendsMax, inflightBytesMax, uncommittedBytesMax, snapshotChunkBytes, learnerCatchUpEntries,
                unsafe);
    }

    public RaftConfig withSnapshotChunkBytes(int bytes) {
        return new RaftConfig(self, electionTicks, heartbeatTicks, preVote, checkQuorum, appendBytesMax,
                inflightAppendsMax, inflightBytesMax, uncommittedBytesMax, bytes, learnerCatchUpEntries, unsafe);
    }

    public RaftConfig withUnsafe(Set<UnsafeMode> modes) {
        return new RaftConfig(self, electionTicks, heartbeatTicks, preVote, checkQuorum, appendBytesMax,
                inflightAppendsMax, inflightBytesMax, uncommittedBytesMax, snapshotChunkBytes, learnerCatchUpEntries,
                modes);
    }

    public boolean isUnsafe(UnsafeMode mode) {
        return unsafe.contains(mode);
    }
}
