package titan.raft;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

import titan.raft.Message.AppendRequest;
import titan.raft.Message.AppendResponse;
import titan.raft.Message.HeartbeatRequest;
import titan.raft.Message.HeartbeatResponse;
import titan.raft.Message.InstallSnapshotRequest;
import titan.raft.Message.InstallSnapshotResponse;
import titan.raft.Message.TimeoutNow;
import titan.raft.Message.VoteRequest;
import titan.raft.Message.VoteResponse;
import titan.raft.quorum.MajorityQuorum;

/**
 * One Raft peer as a pure, deterministic state machine (the etcd-io/raft shape). It has no threads,
 * sockets, files or clocks: the driver feeds it {@link #tick()}, peer messages ({@link #step}),
 * proposals and read requests, takes back a {@link Ready} batch of work, handles it, and reports it
 * done with {@link #advance(Ready)}. Randomness (election timeouts) comes from the injected
 * generator, so a seed determines everything.
 *
 * <p>Not thread-safe: exactly one driver owns it. Between {@link #ready()} returning a batch and
 * {@link #advance(Ready)} (while the driver makes that batch durable), the driver may only
 * {@link #step} the responses that {@link #steppableWhilePending} admits, take
 * {@link #readyToApply()} batches and advance them, and observe; anything else waits for the
 * advance (a part of etcd-io/raft's asynchronous storage writes, see {@link #readyToApply()}).
 *
 * <p>This class holds the follower and candidate behaviour and the term rules (§5.1, §5.2);
 * the leader's replication, commitment and reads live in {@link Leader}.
 */
public final class RaftCore {
    final RaftConfig config;
    final NodeId self;
    final RaftLog log;
    private final RandomGenerator random;

    long term;
    NodeId votedFor;
    NodeId leaderId;
    Role role = Role.FOLLOWER;
    int electionElapsed;
    private int randomizedElectionTimeout;
    private Map<NodeId, Boolean> votes = new HashMap<>();
    /** Present exactly while this peer is the leader. */
    Leader leader;
    private SnapshotReceiver snapshotReceiver;

    final List<Message> outbox = new ArrayList<>();
    final List<ReadState> readStates = new ArrayList<>();
    private Snapshot snapshotToInstall;
    private HardState persistedHardState;
    private Ready pendingReady;
    /** A {@link #readyToApply()} batch handed out and not yet advanced. */
    private Ready pendingApply;
    /** The last index handed out to apply (in a Ready or an apply batch); at least the applied index. */
    private long applyHandedOut;

    public RaftCore(RaftConfig config, PersistentState state, RandomGenerator random) {
        this.config = Objects.requireNonNull(config);
        this.self = config.self();
        this.random = Objects.requireNonNull(random);
        this.log = new RaftLog(state);
        this.term = state.hardState().term();
        this.votedFor = state.hardState().votedFor();
        this.persistedHardState = state.hardState();
        this.applyHandedOut = log.applied();
        resetElectionTimer();
    }

    // ---------------------------------------------------------------- driver API

    /** Advances logical time by one tick: election timeouts for followers, heartbeats for leaders. */
    public void tick() {
        checkNotInReady();
        if (leader != null) {
            leader.tick();
            return;
        }
        electionElapsed++;
        if (electionElapsed >= randomizedElectionTimeout && promotable()) {
            campaign(false);
        }
    }

    /**
     * Handles one message from a peer. Messages addressed elsewhere are a driver bug, and so is a
     * message that {@link #steppableWhilePending} refuses while a Ready is pending.
     */
    public void step(Message m) {
        Invariants.check(pendingReady == null || steppableWhilePending(m),
                "the driver stepped a %s between ready() and advance()", m.getClass().getSimpleName());
        Invariants.check(m.to().equals(self), "%s received a message for %s", self, m.to());
        if (m.term() > term && !acceptHigherTerm(m)) {
            return;
        }
        if (m.term() < term) {
            answerLowerTerm(m);
            return;
        }
        dispatch(m);
    }

    /**
     * Proposes a state-machine command. Accepted means appended to the leader's log; the driver
     * learns the outcome when an entry at that index is applied (it is ours only if its term matches).
     */
    public ProposalResult propose(byte[] command) {
        checkNotInReady();
        if (leader == null) {
            return notLeader();
        }
        return leader.propose(EntryType.COMMAND, command);
    }

    /** Proposes one single-server membership change (dissertation §4.1); the leader's rules apply. */
    public ProposalResult proposeMembership(MembershipChange change) {
        checkNotInReady();
        if (leader == null) {
            return notLeader();
        }
        return leader.proposeMembership(change);
    }

    /**
     * Asks for a linearizable read point (dissertation §6.4). Returns false when this peer is not
     * the leader (see {@link #leader()} for a hint); otherwise a {@link ReadState} with
     * {@code requestId} arrives in a later {@link Ready}, confirmed or dropped.
     */
    public boolean readIndex(long requestId) {
        checkNotInReady();
        if (leader == null) {
            return false;
        }
        leader.addRead(requestId);
        return true;
    }

    /**
     * Starts handing leadership to {@code target} (dissertation §3.10): proposals are refused until
     * the transfer completes or is abandoned after an election timeout. Returns false when this peer
     * is not the leader or the target is not another voter.
     */
    public boolean transferLeadership(NodeId target) {
        checkNotInReady();
        return leader != null && leader.transfer(target);
    }

    /** Starts an election now, as if the election timeout had elapsed (for tests and operators). */
    public void campaign() {
        checkNotInReady();
        if (leader == null && promotable()) {
            campaign(false);
        }
    }

    /**
     * Records that the state machine's state at {@code index} (at or below the applied index) is
     * {@code stateMachineData}, and compacts the log up to it (§7). The driver must persist the
     * returned snapshot before it discards the entries from its storage.
     */
    public Snapshot compact(long index, byte[] stateMachineData) {
        checkNotInReady();
        return log.compact(index, stateMachineData);
    }

    /**
     * Whether the driver may step {@code m} while a Ready is pending (its sync in progress): the
     * responses to a leader's appends and heartbeats. They only move the leader's view of its
     * followers, its commit index (which counts the leader itself only up to its durable index, so
     * the pending entries never count) and its read confirmations; anything they make the core send
     * waits for the next Ready. Everything else may depend on, or change, state that the pending
     * Ready is making durable: a vote response counted before the candidate's own vote is durable
     * could elect two leaders in one term after a crash (§5.2, Figure 2), so those wait.
     */
    public static boolean steppableWhilePending(Message m) {
        return m instanceof AppendResponse || m instanceof HeartbeatResponse;
    }

    /** The next batch of work, if there is any. */
    public Optional<Ready> ready() {
        checkNotInReady();
        if (leader != null) {
            leader.flush();
        }
        HardState hardState = new HardState(term, votedFor, log.committed());
        boolean hardStateChanged = !hardState.equals(persistedHardState);
        boolean voteChanged = hardState.term() != persistedHardState.term()
                || !Objects.equals(hardState.votedFor(), persistedHardState.votedFor());
        List<Entry> toPersist = log.unstableEntries();
        List<Entry> toApply = log.entriesToApply(applyHandedOut, log.committed());
        if (!hardStateChanged && toPersist.isEmpty() && snapshotToInstall == null && outbox.isEmpty()
                && toApply.isEmpty() && readStates.isEmpty()) {
            return Optional.empty();
        }
        pendingReady = new Ready(hardStateChanged ? hardState : null,
                voteChanged || !toPersist.isEmpty() || snapshotToInstall != null, toPersist, snapshotToInstall,
                outbox, toApply, readStates);
        outbox.clear();
        readStates.clear();
        snapshotToInstall = null;
        if (!toApply.isEmpty()) {
            applyHandedOut = toApply.get(toApply.size() - 1).index();
        }
        return Optional.of(pendingReady);
    }

    /**
     * While a Ready is pending: the entries committed since that are durable <em>here</em> and not
     * yet handed out, and the reads confirmed since, for the driver to apply and answer now rather
     * than after the pending sync (etcd-io/raft's asynchronous storage writes apply only locally
     * durable committed entries in the same way). The batch has no hard state, entries to persist,
     * snapshot or messages; the driver applies its entries, answers its reads and calls
     * {@link #advance(Ready)} with it. Empty when there is nothing, and always when no Ready is
     * pending ({@link #ready()} hands out everything then).
     *
     * <p>Why applying early is safe: an entry is applied only once committed, i.e. durable on a
     * majority (§5.3), so its result is the one every later leader applies at that index (§5.4.3,
     * State Machine Safety); durable here as well, it is never asked for again after a crash of this
     * node. Entries are handed out in index order: the pending Ready's entries to apply end at or
     * below the durable index, or this batch is empty.
     */
    public Optional<Ready> readyToApply() {
        Invariants.check(pendingApply == null, "readyToApply() before the previous apply batch was advanced");
        if (pendingReady == null) {
            return Optional.empty();
        }
        List<Entry> toApply = log.entriesToApply(applyHandedOut, Math.min(log.committed(), log.stable()));
        if (toApply.isEmpty() && readStates.isEmpty()) {
            return Optional.empty();
        }
        pendingApply = new Ready(null, false, List.of(), null, List.of(), toApply, readStates);
        readStates.clear();
        if (!toApply.isEmpty()) {
            applyHandedOut = toApply.get(toApply.size() - 1).index();
        }
        return Optional.of(pendingApply);
    }

    /** The driver handled every part of {@code ready} in the documented order. */
    public void advance(Ready ready) {
        if (ready == pendingApply && ready != null) {
            pendingApply = null;
            if (!ready.entriesToApply().isEmpty()) {
                log.appliedTo(ready.entriesToApply().get(ready.entriesToApply().size() - 1).index());
            }
            return;
        }
        Invariants.check(ready == pendingReady, "advance() with a batch that is not the pending one");
        Invariants.check(pendingApply == null, "advance() of a Ready before its apply batch was advanced");
        pendingReady = null;
        if (ready.hardState() != null) {
            persistedHardState = ready.hardState();
        }
        if (!ready.entriesToPersist().isEmpty()) {
            Entry last = ready.entriesToPersist().get(ready.entriesToPersist().size() - 1);
            log.stableTo(last.index(), last.term());
        }
        if (!ready.entriesToApply().isEmpty()) {
            // An apply batch taken during the sync may have applied beyond this Ready's entries already.
            long last = ready.entriesToApply().get(ready.entriesToApply().size() - 1).index();
            log.appliedTo(Math.max(last, log.applied()));
        }
        if (leader != null) {
            leader.onPersisted(); // the leader counts itself towards a quorum only for durable entries
        }
    }

    // ---------------------------------------------------------------- observation

    public NodeId id() {
        return self;
    }

    public Role role() {
        return role;
    }

    public long term() {
        return term;
    }

    /** The leader this peer believes in, or {@code null}. */
    public NodeId leader() {
        return leaderId;
    }

    public long commitIndex() {
        return log.committed();
    }

    public long appliedIndex() {
        return log.applied();
    }

    /** The last log index this peer's driver has reported durable through {@link #advance(Ready)}. */
    public long durableIndex() {
        return log.stable();
    }

    public long lastIndex() {
        return log.lastIndex();
    }

    public long snapshotIndex() {
        return log.snapshotIndex();
    }

    /** The term of the entry at {@code index}, or -1 when it is compacted away or absent. */
    public long termAt(long index) {
        return log.term(index);
    }

    /** The entry at {@code index}; it must be held (after the snapshot, at or before the last index). */
    public Entry entryAt(long index) {
        return log.entry(index);
    }

    /** The membership in force: the latest in the log, committed or not (dissertation §4.1). */
    public Membership membership() {
        return log.membership();
    }

    public Status status() {
        Map<NodeId, String> followers = new TreeMap<>();
        if (leader != null) {
            leader.describeFollowers(followers);
        }
        return new Status(self, role, term, leaderId, votedFor, log.committed(), log.applied(), log.lastIndex(),
                log.lastTerm(), log.snapshotIndex(), log.membership(), followers);
    }

    // ---------------------------------------------------------------- terms (§5.1)

    /**
     * A message from a later term. Returns whether to go on handling it. Vote requests are ignored
     * while this peer hears from a leader (leader stickiness under check-quorum, dissertation §4.2.3)
     * unless they come from a leadership transfer; pre-vote traffic never changes our term.
     */
    private boolean acceptHigherTerm(Message m) {
        if (m instanceof VoteRequest r) {
            boolean inLease = config.checkQuorum() && leaderId != null && electionElapsed < config.electionTicks()
                    && !r.leadershipTransfer();
            if (inLease) {
                return false;
            }
            if (r.preVote()) {
                return true;
            }
            becomeFollower(m.term(), null);
            return true;
        }
        if (m instanceof VoteResponse v && v.preVote() && v.granted()) {
            return true; // a granted pre-vote carries the term we would campaign in
        }
        boolean fromLeader = m instanceof AppendRequest || m instanceof HeartbeatRequest
                || m instanceof InstallSnapshotRequest;
        becomeFollower(m.term(), fromLeader ? m.from() : null);
        return true;
    }

    /**
     * A message from an earlier term is dropped (§5.1), but a stale leader is told the current term
     * so that it steps down: with pre-vote or check-quorum, nobody else would ever raise its term.
     */
    private void answerLowerTerm(Message m) {
        if ((config.checkQuorum() || config.preVote())
                && (m instanceof AppendRequest || m instanceof HeartbeatRequest)) {
            send(AppendResponse.reject(self, m.from(), term, 0, 0, 0));
        } else if (m instanceof VoteRequest r && r.preVote()) {
            send(new VoteResponse(self, m.from(), term, true, false));
        }
    }

    private void dispatch(Message m) {
        if (m instanceof VoteRequest r) {
            onVoteRequest(r);
        } else if (m instanceof VoteResponse v) {
            onVoteResponse(v);
        } else if (m instanceof AppendRequest a) {
            followLeader(a.from());
            onAppendRequest(a);
        } else if (m instanceof HeartbeatRequest h) {
            followLeader(h.from());
            onHeartbeat(h);
        } else if (m instanceof InstallSnapshotRequest s) {
            followLeader(s.from());
            onInstallSnapshot(s);
        } else if (m instanceof TimeoutNow) {
            if (leader == null && promotable()) {
                campaign(true); // dissertation §3.10: skip pre-vote, start a real election at once
            }
        } else if (leader != null) {
            leader.onResponse(m);
        }
    }

    // ---------------------------------------------------------------- elections (§5.2)

    private void onVoteRequest(VoteRequest r) {
        boolean canVote = r.from().equals(votedFor)
                || (votedFor == null && leaderId == null)
                || (r.preVote() && r.term() > term);
        // §5.4.1: only a candidate whose log is at least as up-to-date as ours gets our vote.
        boolean logOk = config.isUnsafe(UnsafeMode.VOTE_WITHOUT_LOG_CHECK)
                || (config.isUnsafe(UnsafeMode.VOTE_IGNORES_LAST_INDEX) ? r.lastLogTerm() >= log.lastTerm()
                : log.isUpToDate(r.lastLogIndex(), r.lastLogTerm()));
        if (canVote && logOk) {
            if (!r.preVote()) {
                votedFor = r.from(); // made durable (Ready.hardState) before the response is sent
                electionElapsed = 0;
            }
            send(new VoteResponse(self, r.from(), r.preVote() ? r.term() : term, r.preVote(), true));
        } else {
            send(new VoteResponse(self, r.from(), term, r.preVote(), false));
        }
    }

    private void onVoteResponse(VoteResponse v) {
        boolean counts = (role == Role.PRE_CANDIDATE && v.preVote()) || (role == Role.CANDIDATE && !v.preVote());
        if (!counts) {
            return;
        }
        votes.put(v.from(), v.granted());
        switch (MajorityQuorum.tally(log.membership().voters(), votes)) {
            case WON -> {
                if (role == Role.PRE_CANDIDATE) {
                    becomeCandidate(false);
                } else {
                    becomeLeader();
                }
            }
            case LOST -> becomeFollower(term, null);
            case PENDING -> { }
        }
    }

    private void campaign(boolean transfer) {
        if (config.preVote() && !transfer) {
            becomePreCandidate();
        } else {
            becomeCandidate(transfer);
        }
    }

    private void becomePreCandidate() {
        role = Role.PRE_CANDIDATE;
        leaderId = null;
        startVoting();
        if (MajorityQuorum.tally(log.membership().voters(), votes) == MajorityQuorum.VoteResult.WON) {
            becomeCandidate(false);
            return;
        }
        requestVotes(term + 1, true, false);
    }

    private void becomeCandidate(boolean transfer) {
        term++;
        votedFor = self;
        role = Role.CANDIDATE;
        leaderId = null;
        startVoting();
        if (MajorityQuorum.tally(log.membership().voters(), votes) == MajorityQuorum.VoteResult.WON) {
            becomeLeader();
            return;
        }
        requestVotes(term, false, transfer);
    }

    private void startVoting() {
        votes = new HashMap<>();
        votes.put(self, true);
        resetElectionTimer();
    }

    private void requestVotes(long campaignTerm, boolean preVote, boolean transfer) {
        for (NodeId voter : log.membership().voters()) {
            if (!voter.equals(self)) {
                send(new VoteRequest(self, voter, campaignTerm, log.lastIndex(), log.lastTerm(), preVote, transfer));
            }
        }
    }

    private void becomeLeader() {
        Invariants.check(role == Role.CANDIDATE, "%s became leader from %s", self, role);
        role = Role.LEADER;
        leaderId = self;
        votes = new HashMap<>();
        electionElapsed = 0;
        leader = new Leader(this);
    }

    /** Steps down (or stays) to follower in {@code newTerm}, following {@code newLeader} if known. */
    void becomeFollower(long newTerm, NodeId newLeader) {
        Invariants.check(newTerm >= term, "term going back from %d to %d", term, newTerm);
        if (leader != null) {
            leader.stepDown();
            leader = null;
        }
        if (newTerm > term) {
            term = newTerm;
            votedFor = null;
            snapshotReceiver = null;
        }
        role = Role.FOLLOWER;
        leaderId = newLeader;
        votes = new HashMap<>();
        resetElectionTimer();
    }

    private void followLeader(NodeId from) {
        if (role != Role.FOLLOWER || !from.equals(leaderId)) {
            becomeFollower(term, from);
        }
        electionElapsed = 0;
    }

    private void resetElectionTimer() {
        electionElapsed = 0;
        randomizedElectionTimeout = config.electionTicks() + random.nextInt(config.electionTicks());
    }

    /**
     * Only voters campaign: learners and servers outside the configuration never do (§4.2.1). One
     * exception: while the newest configuration is uncommitted, a voter of the last committed one
     * may still campaign even if the newest removes it. It may be the only server whose log can win
     * (say the leader appended its own removal, lost leadership, and nobody else has the entry);
     * barring it would leave the cluster without a leader for good. Votes are still counted in
     * the newest configuration, so it needs a majority of that one.
     */
    private boolean promotable() {
        if (log.membership().isVoter(self)) {
            return true;
        }
        return log.membershipIndex() > log.committed() && log.membershipAt(log.committed()).isVoter(self);
    }

    // ---------------------------------------------------------------- follower side of replication

    private void onAppendRequest(AppendRequest a) {
        if (a.prevLogIndex() < log.snapshotIndex()) {
            // Everything up to our snapshot is committed and therefore identical to the leader's.
            send(AppendResponse.accept(self, a.from(), term, log.committed()));
            return;
        }
        long lastNew = log.maybeAppend(a.prevLogIndex(), a.prevLogTerm(), a.entries());
        if (lastNew >= 0 && a.entries().isEmpty() && config.isUnsafe(UnsafeMode.TRUNCATE_ON_EMPTY_APPEND)) {
            log.truncateAfter(Math.max(a.prevLogIndex(), log.committed())); // the planted bug
        }
        if (lastNew >= 0) {
            // Figure 2, receiver step 5: commit up to min(leaderCommit, index of last new entry).
            log.commitTo(Math.min(a.leaderCommit(), lastNew));
            send(AppendResponse.accept(self, a.from(), term, lastNew));
            return;
        }
        // §5.3 fast backtracking: point the leader at the last entry that may still match.
        long hintIndex = log.findConflictByTerm(Math.min(a.prevLogIndex(), log.lastIndex()), a.prevLogTerm());
        send(AppendResponse.reject(self, a.from(), term, a.prevLogIndex(), hintIndex, log.term(hintIndex)));
    }

    private void onHeartbeat(HeartbeatRequest h) {
        // The leader caps the commit index at our known match, so every entry up to it is the leader's.
        log.commitTo(Math.min(h.commitIndex(), log.lastIndex()));
        send(new HeartbeatResponse(self, h.from(), term, h.readRound()));
    }

    private void onInstallSnapshot(InstallSnapshotRequest s) {
        SnapshotMeta meta = s.meta();
        if (meta.index() <= log.committed()) {
            snapshotReceiver = null;
            send(new InstallSnapshotResponse(self, s.from(), term, meta.index(), 0, true));
            return;
        }
        if (s.offset() == 0) {
            snapshotReceiver = new SnapshotReceiver(meta);
        } else if (snapshotReceiver == null || !snapshotReceiver.meta().equals(meta)
                || snapshotReceiver.size() != s.offset()) {
            long expected = snapshotReceiver != null && snapshotReceiver.meta().equals(meta)
                    ? snapshotReceiver.size() : 0;
            send(new InstallSnapshotResponse(self, s.from(), term, meta.index(), expected, false));
            return;
        }
        snapshotReceiver.append(s.chunk());
        if (!s.done()) {
            send(new InstallSnapshotResponse(self, s.from(), term, meta.index(), snapshotReceiver.size(), false));
            return;
        }
        Snapshot snapshot = snapshotReceiver.finish();
        snapshotReceiver = null;
        if (log.matchTerm(meta.index(), meta.term())) {
            log.commitTo(meta.index()); // §7: we hold the snapshot's last entry; keep the entries after it
        } else {
            log.restore(snapshot); // §7: discard the entire log
            snapshotToInstall = snapshot;
        }
        send(new InstallSnapshotResponse(self, s.from(), term, meta.index(), 0, true));
    }

    // ---------------------------------------------------------------- helpers

    void send(Message m) {
        outbox.add(m);
    }

    private ProposalResult notLeader() {
        return new ProposalResult.Rejected(ProposalResult.Reason.NOT_LEADER, leaderId,
                self + " is not the leader" + (leaderId == null ? " and knows of none" : "; try " + leaderId));
    }

    private void checkNotInReady() {
        Invariants.check(pendingReady == null, "the driver called the core between ready() and advance()");
    }

    @Override
    public String toString() {
        return self + "[" + role + " term=" + term + " commit=" + log.committed() + " last=" + log.lastIndex() + "]";
    }
}
