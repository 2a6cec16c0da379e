package titan.raft;

/**
 * The leader's view of one follower's replication (§5.3 nextIndex/matchIndex, with the flow-control
 * states of etcd's design):
 * <pre>
 *   PROBE      one append at a time until the follower's match is found; resumes on any response
 *   REPLICATE  pipelined appends, nextIndex advanced optimistically, bounded by {@link Inflights}
 *   SNAPSHOT   the follower's next entry is compacted away: InstallSnapshot chunks, one in flight
 *
 *   PROBE --(append accepted)--> REPLICATE --(append rejected)--> PROBE
 *     |                                                             ^
 *     +--(next entry compacted)--> SNAPSHOT --(snapshot installed)--+
 * </pre>
 */
final class Progress {
    enum State { PROBE, REPLICATE, SNAPSHOT }

    long match;
    long next;
    State state = State.PROBE;
    /** PROBE: an append is outstanding, so nothing more is sent until a response or heartbeat response. */
    boolean probeSent;
    /** REPLICATE: ticks with appends in flight and no acknowledgement; too many means one was lost. */
    int stalledTicks;
    /** Heard from since the last check-quorum round. */
    boolean recentActive = true;
    /** The commit index last sent; an update is due when the leader's commit index moves past it. */
    long commitSent;
    /** The highest ReadIndex heartbeat round this follower acknowledged. */
    long readRoundAcked;
    /** SNAPSHOT: the snapshot being sent, the next byte to send, and whether a chunk is unanswered. */
    long snapshotIndex;
    long snapshotOffset;
    boolean snapshotChunkInFlight;
    final Inflights inflights;

    Progress(long next, int inflightAppendsMax, long inflightBytesMax) {
        this.next = next;
        this.inflights = new Inflights(inflightAppendsMax, inflightBytesMax);
    }

    void becomeProbe() {
        next = state == State.SNAPSHOT ? Math.max(match + 1, snapshotIndex + 1) : match + 1;
        state = State.PROBE;
        probeSent = false;
        inflights.reset();
    }

    void becomeReplicate() {
        state = State.REPLICATE;
        stalledTicks = 0;
        next = match + 1;
        inflights.reset();
    }

    void becomeSnapshot(long index) {
        state = State.SNAPSHOT;
        snapshotIndex = index;
        snapshotOffset = 0;
        snapshotChunkInFlight = false;
        inflights.reset();
    }

    /** An append up to {@code index} was accepted. Returns whether the match index moved. */
    boolean maybeUpdate(long index) {
        boolean updated = false;
        if (index > match) {
            match = index;
            probeSent = false;
            updated = true;
        }
        next = Math.max(next, index + 1);
        return updated;
    }

    /**
     * An append with prevLogIndex {@code rejected} was refused; {@code hint} is the highest index
     * that may still match. Returns false for a stale rejection that must be ignored.
     */
    boolean maybeDecrease(long rejected, long hint) {
        if (state == State.REPLICATE) {
            if (rejected <= match) {
                return false;
            }
            next = match + 1;
            return true;
        }
        if (next - 1 != rejected) {
            return false;
        }
        next = Math.max(Math.min(rejected, hint + 1), match + 1);
        probeSent = false;
        return true;
    }

    boolean isPaused() {
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflights.full();
            case SNAPSHOT -> true;
        };
    }

    @Override
    public String toString() {
        return state + " match=" + match + " next=" + next + (state == State.REPLICATE ? " inflight=" + inflights.count()
                : "") + (state == State.SNAPSHOT ? " snapshot=" + snapshotIndex + "@" + snapshotOffset : "");
    }
}
