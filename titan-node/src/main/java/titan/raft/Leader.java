package titan.raft;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import titan.raft.Message.AppendRequest;
import titan.raft.Message.AppendResponse;
import titan.raft.Message.HeartbeatRequest;
import titan.raft.Message.HeartbeatResponse;
import titan.raft.Message.InstallSnapshotRequest;
import titan.raft.Message.InstallSnapshotResponse;
import titan.raft.Message.TimeoutNow;
import titan.raft.ProposalResult.Accepted;
import titan.raft.ProposalResult.Reason;
import titan.raft.ProposalResult.Rejected;
import titan.raft.quorum.MajorityQuorum;

/**
 * The leader's half of a {@link RaftCore}: replication with batching, pipelining and flow control
 * (§5.3), the commit rule (§5.4.2), heartbeats and check-quorum, ReadIndex reads (dissertation §6.4),
 * leadership transfer (§3.10), snapshots to lagging followers (§7) and single-server membership
 * changes (§4.1). It lives exactly as long as one term of leadership.
 *
 * <p>Sends are lazy: proposals and responses only mark work, and {@link #flush()} (called from
 * {@link RaftCore#ready()}) turns it into messages, so everything proposed between two batches
 * travels in one AppendRequest per follower.
 */
final class Leader {
    private final RaftCore core;
    private final RaftLog log;
    private final RaftConfig config;
    private final NodeId self;
    private final TreeMap<NodeId, Progress> followers = new TreeMap<>();

    private int heartbeatElapsed;
    /** Ticks since the last check-quorum round; the election timeout is one round. */
    private int quorumElapsed;
    private final int stallTicks;

    /** Whether an entry of this term has been committed; until then reads and membership changes wait. */
    private boolean committedInTerm;
    private long uncommittedBytes;

    private NodeId transferTarget;
    private int transferElapsed;
    /** The membership that removes this leader has committed: hand over after the next flush. */
    private boolean removedAndCommitted;

    private long readRound;
    private final List<PendingRead> reads = new ArrayList<>();

    /** A ReadIndex request: its read point once known (-1 before), and its heartbeat round (0 before). */
    private static final class PendingRead {
        final long requestId;
        long index = -1;
        long round;

        PendingRead(long requestId) {
            this.requestId = requestId;
        }
    }

    Leader(RaftCore core) {
        this.core = core;
        this.log = core.log;
        this.config = core.config;
        this.self = core.self;
        this.stallTicks = Math.max(2, config.electionTicks() / 2);
        syncFollowers();
        // §8: a new leader commits a no-op of its own term, which also commits everything before it (§5.4.2).
        Entry noop = Entry.noop(core.term, log.lastIndex() + 1);
        log.append(noop);
        uncommittedBytes = noop.sizeBytes();
    }

    // ---------------------------------------------------------------- proposals

    ProposalResult propose(EntryType type, byte[] data) {
        if (transferTarget != null) {
            return new Rejected(Reason.LEADERSHIP_TRANSFER_IN_PROGRESS, self,
                    "leadership is being transferred to " + transferTarget);
        }
        if (!log.membership().isVoter(self)) {
            return new Rejected(Reason.NOT_LEADER, null, self + " is leaving the cluster");
        }
        Entry entry = new Entry(core.term, log.lastIndex() + 1, type, data);
        if (uncommittedBytes > 0 && uncommittedBytes + entry.sizeBytes() > config.uncommittedBytesMax()) {
            return new Rejected(Reason.TOO_MANY_UNCOMMITTED_BYTES, self,
                    uncommittedBytes + " bytes are waiting to commit");
        }
        log.append(entry);
        uncommittedBytes += entry.sizeBytes();
        if (type == EntryType.MEMBERSHIP) {
            syncFollowers(); // §4.1: a server uses the newest configuration in its log, committed or not
        }
        return new Accepted(entry.index(), entry.term());
    }

    ProposalResult proposeMembership(MembershipChange change) {
        if (!committedInTerm) {
            // A leader must commit an entry of its own term before changing membership, or two
            // single-server changes in different terms can form disjoint majorities.
            return new Rejected(Reason.MEMBERSHIP_CHANGE_IN_PROGRESS, self, "the leader has not committed in its term yet");
        }
        if (log.membershipIndex() > log.committed() && !config.isUnsafe(UnsafeMode.CONCURRENT_MEMBERSHIP)) {
            return new Rejected(Reason.MEMBERSHIP_CHANGE_IN_PROGRESS, self,
                    "the change at index " + log.membershipIndex() + " is not committed yet");
        }
        Membership current = log.membership();
        NodeId node = change.node();
        Membership next;
        if (change instanceof MembershipChange.AddLearner) {
            if (current.contains(node)) {
                return invalid(node + " is already a member");
            }
            next = current.withLearner(node);
        } else if (change instanceof MembershipChange.PromoteLearner) {
            if (!current.isLearner(node)) {
                return invalid(node + " is not a learner");
            }
            Progress p = followers.get(node);
            if (p == null || p.match + config.learnerCatchUpEntries() < log.lastIndex()) {
                return invalid(node + " has not caught up (match " + (p == null ? 0 : p.match) + ", last "
                        + log.lastIndex() + ")");
            }
            next = current.withVoter(node);
        } else {
            if (!current.contains(node)) {
                return invalid(node + " is not a member");
            }
            if (current.isVoter(node) && current.voters().size() == 1) {
                return invalid("cannot remove the last voter");
            }
            next = current.without(node);
        }
        return propose(EntryType.MEMBERSHIP, next.encode());
    }

    private static Rejected invalid(String detail) {
        return new Rejected(Reason.INVALID_MEMBERSHIP_CHANGE, null, detail);
    }

    /** Keeps one {@link Progress} per member other than the leader, in the newest membership. */
    private void syncFollowers() {
        Membership membership = log.membership();
        followers.keySet().removeIf(id -> !membership.contains(id));
        for (NodeId id : membership.members()) {
            if (!id.equals(self) && !followers.containsKey(id)) {
                followers.put(id, new Progress(log.lastIndex() + 1, config.inflightAppendsMax(),
                        config.inflightBytesMax()));
            }
        }
    }

    // ---------------------------------------------------------------- time

    void tick() {
        heartbeatElapsed++;
        quorumElapsed++;
        core.electionElapsed = quorumElapsed;
        if (transferTarget != null && ++transferElapsed >= config.electionTicks()) {
            transferTarget = null; // dissertation §3.10: abort a transfer that did not finish within a timeout
        }
        for (Progress p : followers.values()) {
            if (p.state == Progress.State.REPLICATE && p.inflights.count() > 0 && ++p.stalledTicks >= stallTicks) {
                p.becomeProbe(); // nothing acknowledged for a while: an append was lost, resend from match
            }
        }
        if (quorumElapsed >= config.electionTicks()) {
            quorumElapsed = 0;
            core.electionElapsed = 0;
            if (config.checkQuorum() && !quorumActive()) {
                core.becomeFollower(core.term, null); // dissertation §6.2: a leader without a quorum steps down
                return;
            }
            followers.values().forEach(p -> p.recentActive = false);
        }
        if (heartbeatElapsed >= config.heartbeatTicks()) {
            heartbeatElapsed = 0;
            broadcastHeartbeat();
        }
    }

    private boolean quorumActive() {
        int active = 0;
        for (NodeId voter : log.membership().voters()) {
            Progress p = followers.get(voter);
            if (voter.equals(self) || (p != null && p.recentActive)) {
                active++;
            }
        }
        return active >= log.membership().quorum();
    }

    private void broadcastHeartbeat() {
        for (Map.Entry<NodeId, Progress> e : followers.entrySet()) {
            Progress p = e.getValue();
            core.send(new HeartbeatRequest(self, e.getKey(), core.term, Math.min(p.match, log.committed()), readRound));
        }
    }

    // ---------------------------------------------------------------- sending

    /** Turns pending work into messages: read rounds, then appends or snapshot chunks per follower. */
    void flush() {
        startReadRound();
        for (Map.Entry<NodeId, Progress> e : followers.entrySet()) {
            sendAppends(e.getKey(), e.getValue());
        }
        if (removedAndCommitted) {
            handOverAndStepDown();
        }
    }

    /**
     * Dissertation §4.2.2: a leader removed from the configuration steps down once the change is
     * committed. The appends just flushed carry the new commit index; a TimeoutNow to the most
     * up-to-date remaining voter spares the cluster an election timeout without a leader.
     */
    private void handOverAndStepDown() {
        NodeId successor = null;
        long best = -1;
        for (NodeId voter : log.membership().voters()) {
            Progress p = followers.get(voter);
            if (p != null && p.match > best) {
                best = p.match;
                successor = voter;
            }
        }
        if (successor != null && best == log.lastIndex()) {
            core.send(new TimeoutNow(self, successor, core.term));
        }
        core.becomeFollower(core.term, null);
    }

    private void sendAppends(NodeId to, Progress p) {
        while (true) {
            if (p.state == Progress.State.SNAPSHOT) {
                sendSnapshotChunk(to, p);
                return;
            }
            if (p.isPaused()) {
                return;
            }
            long prevIndex = p.next - 1;
            long prevTerm = log.term(prevIndex);
            if (prevTerm < 0) {
                p.becomeSnapshot(log.snapshotIndex()); // §7: the entries it needs are compacted away
                sendSnapshotChunk(to, p);
                return;
            }
            List<Entry> batch = log.slice(p.next, config.appendBytesMax());
            if (batch.isEmpty() && !needsEmptyAppend(p, prevIndex)) {
                return;
            }
            core.send(new AppendRequest(self, to, core.term, prevIndex, prevTerm, batch, log.committed()));
            p.commitSent = log.committed();
            if (p.state == Progress.State.PROBE) {
                p.probeSent = true;
                return;
            }
            if (batch.isEmpty()) {
                return;
            }
            long bytes = 0;
            for (Entry entry : batch) {
                bytes += entry.sizeBytes();
            }
            Entry last = batch.get(batch.size() - 1);
            p.next = last.index() + 1;
            p.inflights.add(last.index(), bytes);
        }
    }

    /**
     * An append without entries is worth sending to find the follower's match (a probe), or to tell
     * an up-to-date follower a new commit index once nothing else is in flight.
     */
    private boolean needsEmptyAppend(Progress p, long prevIndex) {
        if (p.state == Progress.State.PROBE) {
            return p.match < prevIndex || p.commitSent < log.committed();
        }
        return p.commitSent < log.committed() && p.match == prevIndex;
    }

    private void sendSnapshotChunk(NodeId to, Progress p) {
        if (p.snapshotChunkInFlight) {
            return;
        }
        if (p.snapshotIndex != log.snapshotIndex()) {
            p.becomeSnapshot(log.snapshotIndex()); // we compacted again: start over with the newest snapshot
        }
        Snapshot snapshot = log.snapshot();
        byte[] data = snapshot.data();
        int from = (int) Math.min(p.snapshotOffset, data.length);
        int to_ = Math.min(data.length, from + config.snapshotChunkBytes());
        core.send(new InstallSnapshotRequest(self, to, core.term, snapshot.meta(), from,
                Arrays.copyOfRange(data, from, to_), to_ == data.length));
        p.snapshotChunkInFlight = true;
    }

    private void sendTimeoutNowIfCaughtUp() {
        Progress p = followers.get(transferTarget);
        if (p != null && p.match == log.lastIndex()) {
            core.send(new TimeoutNow(self, transferTarget, core.term));
        }
    }

    // ---------------------------------------------------------------- responses

    void onResponse(Message m) {
        Progress p = followers.get(m.from());
        if (p == null) {
            return; // no longer a member
        }
        p.recentActive = true;
        if (m instanceof AppendResponse r) {
            onAppendResponse(r, p);
        } else if (m instanceof HeartbeatResponse h) {
            onHeartbeatResponse(h, p);
        } else if (m instanceof InstallSnapshotResponse s) {
            onSnapshotResponse(s, p);
        }
    }

    private void onAppendResponse(AppendResponse r, Progress p) {
        if (!r.success()) {
            // §5.3: the hint names the follower's last entry that may match; skip our entries of later terms.
            long hint = r.hintTerm() > 0 ? log.findConflictByTerm(r.hintIndex(), r.hintTerm()) : r.hintIndex();
            if (p.maybeDecrease(r.rejectedIndex(), hint) && p.state == Progress.State.REPLICATE) {
                p.becomeProbe();
            }
            return;
        }
        if (!p.maybeUpdate(r.matchIndex())) {
            return;
        }
        p.stalledTicks = 0;
        switch (p.state) {
            case PROBE -> p.becomeReplicate();
            case SNAPSHOT -> {
                if (p.match >= p.snapshotIndex) {
                    p.becomeReplicate();
                }
            }
            case REPLICATE -> p.inflights.freeUpTo(p.match);
        }
        maybeCommit();
        if (r.from().equals(transferTarget)) {
            sendTimeoutNowIfCaughtUp();
        }
    }

    private void onHeartbeatResponse(HeartbeatResponse h, Progress p) {
        p.probeSent = false; // a live follower: resume probing even if the last probe was lost
        if (p.state == Progress.State.SNAPSHOT) {
            p.snapshotChunkInFlight = false; // resend the current chunk in case it was lost
        }
        if (h.readRound() > p.readRoundAcked) {
            p.readRoundAcked = h.readRound();
            confirmReads();
        }
    }

    private void onSnapshotResponse(InstallSnapshotResponse s, Progress p) {
        if (p.state != Progress.State.SNAPSHOT || s.snapshotIndex() != p.snapshotIndex) {
            if (s.installed() && p.maybeUpdate(s.snapshotIndex())) {
                maybeCommit();
            }
            return;
        }
        if (s.installed()) {
            p.maybeUpdate(s.snapshotIndex());
            p.becomeProbe();
            maybeCommit();
            return;
        }
        p.snapshotOffset = s.nextOffset();
        p.snapshotChunkInFlight = false;
    }

    /** The driver made our own entries durable: they now count towards a quorum. */
    void onPersisted() {
        maybeCommit();
    }

    // ---------------------------------------------------------------- commitment (§5.3, §5.4.2)

    private void maybeCommit() {
        Membership membership = log.membership();
        long quorumMatch = MajorityQuorum.committed(membership.voters(),
                id -> id.equals(self) ? log.stable() : followers.get(id).match);
        if (quorumMatch <= log.committed()) {
            return;
        }
        // §5.4.2: only entries of the current term are committed by counting replicas; earlier ones
        // are committed indirectly (Figure 8 shows why).
        if (log.term(quorumMatch) != core.term && !config.isUnsafe(UnsafeMode.COMMIT_PREVIOUS_TERM)) {
            return;
        }
        for (long i = log.committed() + 1; i <= quorumMatch; i++) {
            Entry e = log.entry(i);
            if (e.term() == core.term) {
                uncommittedBytes -= e.sizeBytes();
            }
        }
        log.commitTo(quorumMatch);
        if (!committedInTerm && log.term(log.committed()) == core.term) {
            committedInTerm = true;
            for (PendingRead read : reads) {
                read.index = log.committed();
            }
        }
        if (!log.membership().isVoter(self) && log.membershipIndex() <= log.committed()) {
            removedAndCommitted = true;
        }
    }

    // ---------------------------------------------------------------- ReadIndex (dissertation §6.4)

    void addRead(long requestId) {
        PendingRead read = new PendingRead(requestId);
        if (committedInTerm) {
            read.index = log.committed(); // step 1–2: the commit index is the read point
        }
        reads.add(read);
    }

    /** Step 3: one heartbeat round confirms every read that was waiting for one. */
    private void startReadRound() {
        boolean waiting = false;
        for (PendingRead read : reads) {
            if (read.index >= 0 && read.round == 0) {
                waiting = true;
                break;
            }
        }
        if (!waiting) {
            return;
        }
        readRound++;
        for (PendingRead read : reads) {
            if (read.index >= 0 && read.round == 0) {
                read.round = readRound;
            }
        }
        if (config.isUnsafe(UnsafeMode.READ_WITHOUT_HEARTBEAT)) {
            confirmAllReads(); // the planted bug: no round proves we are still the leader
            return;
        }
        broadcastHeartbeat();
        heartbeatElapsed = 0;
        confirmReads();
    }

    private void confirmAllReads() {
        for (PendingRead read : reads) {
            if (read.round > 0) {
                core.readStates.add(ReadState.confirmed(read.requestId, read.index));
            }
        }
        reads.removeIf(read -> read.round > 0);
    }

    private void confirmReads() {
        long confirmed = MajorityQuorum.committed(log.membership().voters(),
                id -> id.equals(self) ? readRound : followers.get(id).readRoundAcked);
        Iterator<PendingRead> it = reads.iterator();
        while (it.hasNext()) {
            PendingRead read = it.next();
            if (read.round > 0 && read.round <= confirmed) {
                core.readStates.add(ReadState.confirmed(read.requestId, read.index));
                it.remove();
            }
        }
    }

    // ---------------------------------------------------------------- transfer and step-down

    boolean transfer(NodeId target) {
        if (target.equals(self) || !log.membership().isVoter(target)) {
            return false;
        }
        transferTarget = target;
        transferElapsed = 0;
        sendTimeoutNowIfCaughtUp();
        return true;
    }

    /** Leadership ended: reads that were not confirmed definitely did not happen. */
    void stepDown() {
        for (PendingRead read : reads) {
            core.readStates.add(ReadState.dropped(read.requestId));
        }
        reads.clear();
    }

    void describeFollowers(Map<NodeId, String> out) {
        followers.forEach((id, p) -> out.put(id, p.toString()));
    }
}
