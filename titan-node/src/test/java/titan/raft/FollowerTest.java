package titan.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;

import titan.raft.Message.AppendRequest;
import titan.raft.Message.AppendResponse;
import titan.raft.Message.HeartbeatRequest;
import titan.raft.Message.HeartbeatResponse;
import titan.raft.Message.InstallSnapshotRequest;
import titan.raft.Message.InstallSnapshotResponse;
import titan.raft.Message.TimeoutNow;
import titan.raft.Message.VoteRequest;
import titan.raft.Message.VoteResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The follower and candidate half of {@link RaftCore}: term rules (§5.1), elections with pre-vote
 * and leader stickiness (§5.2, dissertation §9.6 and §4.2.3), the receiving side of snapshots (§7),
 * and the driver contract of {@code ready}/{@code advance}. Each test drives one core by hand.
 */
class FollowerTest {
    static final NodeId N1 = NodeId.of(1);
    static final NodeId N2 = NodeId.of(2);
    static final NodeId N3 = NodeId.of(3);

    /** Election timeouts drawn at the top of their range: {@code 2 * electionTicks - 1}. */
    static final RandomGenerator LONGEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public int nextInt(int bound) {
            return bound - 1;
        }
    };

    static RaftCore core(RaftConfig config, int voters, long term, long commit, long... logTerms) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < logTerms.length; i++) {
            entries.add(Entry.command(logTerms[i], i + 1, new byte[] {(byte) i}));
        }
        return new RaftCore(config, new PersistentState(new HardState(term, null, commit),
                PersistentState.bootstrap(Membership.ofVoters(voters)).snapshot(), entries), LONGEST);
    }

    static List<Message> drain(RaftCore core) {
        List<Message> out = new ArrayList<>();
        while (true) {
            var ready = core.ready();
            if (ready.isEmpty()) {
                return out;
            }
            out.addAll(ready.get().messagesToSend());
            core.advance(ready.get());
        }
    }

    static void tick(RaftCore core, int count) {
        for (int i = 0; i < count; i++) {
            core.tick();
        }
    }

    // ---- elections (§5.2)

    @Test
    void aFollowerCampaignsWhenItsRandomizedTimeoutExpires() {
        RaftCore f = core(RaftConfig.defaults(N1).withPreVote(false), 3, 1, 0);
        tick(f, 18); // timeout drawn as 10 + 9 = 19
        assertThat(f.role()).isEqualTo(Role.FOLLOWER);
        tick(f, 1);
        assertThat(f.role()).isEqualTo(Role.CANDIDATE);
        assertThat(f.term()).isEqualTo(2);
        List<Message> sent = drain(f);
        assertThat(sent).hasSize(2).allSatisfy(m -> {
            VoteRequest r = (VoteRequest) m;
            assertThat(r.term()).isEqualTo(2);
            assertThat(r.preVote()).isFalse();
            assertThat(r.leadershipTransfer()).isFalse();
        });
    }

    // Dissertation §9.6: a pre-candidate asks at term + 1 without raising its own term, and only a
    // majority of pre-votes starts the real election.
    @Test
    void preVoteRaisesTheTermOnlyAfterAMajority() {
        RaftCore f = core(RaftConfig.defaults(N1), 5, 3, 0, 1, 3);
        f.campaign();
        assertThat(f.role()).isEqualTo(Role.PRE_CANDIDATE);
        assertThat(f.term()).isEqualTo(3);
        assertThat(drain(f)).hasSize(4).allSatisfy(m -> {
            VoteRequest r = (VoteRequest) m;
            assertThat(r.term()).isEqualTo(4);
            assertThat(r.preVote()).isTrue();
            assertThat(r.lastLogIndex()).isEqualTo(2);
            assertThat(r.lastLogTerm()).isEqualTo(3);
        });
        f.step(new VoteResponse(N2, N1, 3, false, true)); // a real vote does not count in a pre-vote
        f.step(new VoteResponse(N3, N1, 4, true, true));
        assertThat(f.role()).as("2 of 5").isEqualTo(Role.PRE_CANDIDATE);
        assertThat(f.term()).as("granted pre-votes do not raise the term").isEqualTo(3);
        f.step(new VoteResponse(NodeId.of(4), N1, 4, true, true));
        assertThat(f.role()).isEqualTo(Role.CANDIDATE);
        assertThat(f.term()).isEqualTo(4);
        f.step(new VoteResponse(N2, N1, 4, true, true)); // a late pre-vote does not count as a vote
        assertThat(f.role()).isEqualTo(Role.CANDIDATE);
        f.step(new VoteResponse(N2, N1, 4, false, true));
        assertThat(f.role()).isEqualTo(Role.CANDIDATE);
        f.step(new VoteResponse(N3, N1, 4, false, true));
        assertThat(f.role()).isEqualTo(Role.LEADER);
    }

    @Test
    void aCandidateRefusedByAMajorityStepsBack() {
        RaftCore f = core(RaftConfig.defaults(N1).withPreVote(false), 3, 1, 0);
        f.campaign();
        f.step(new VoteResponse(N2, N1, 2, false, false));
        assertThat(f.role()).isEqualTo(Role.CANDIDATE);
        f.step(new VoteResponse(N3, N1, 2, false, false));
        assertThat(f.role()).isEqualTo(Role.FOLLOWER);
        assertThat(f.term()).isEqualTo(2);
    }

    @Test
    void aSingleVoterElectsItselfAtOnce() {
        RaftCore withPreVote = core(RaftConfig.defaults(N1), 1, 0, 0);
        withPreVote.campaign();
        assertThat(withPreVote.role()).isEqualTo(Role.LEADER);
        assertThat(withPreVote.term()).isEqualTo(1);
        RaftCore without = core(RaftConfig.defaults(N1).withPreVote(false), 1, 0, 0);
        without.campaign();
        assertThat(without.role()).isEqualTo(Role.LEADER);
        assertThat(drain(without)).isEmpty();
        assertThat(without.commitIndex()).as("its own no-op, durable, is a majority").isEqualTo(1);
    }

    // Dissertation §9.6: a pre-vote is granted to a later term even if this peer voted in its term,
    // and granting one records no vote.
    @Test
    void preVotesAreGrantedWithoutRecordingAVote() {
        RaftCore f = core(RaftConfig.defaults(N1).withCheckQuorum(false), 3, 2, 0);
        f.step(new VoteRequest(N2, N1, 2, 0, 0, false, false));
        assertThat(((VoteResponse) drain(f).get(0)).granted()).isTrue();
        f.step(new VoteRequest(N3, N1, 3, 0, 0, true, false));
        VoteResponse pre = (VoteResponse) drain(f).get(0);
        assertThat(pre.granted()).isTrue();
        assertThat(pre.preVote()).isTrue();
        assertThat(pre.term()).as("answers in the term asked about").isEqualTo(3);
        assertThat(f.term()).isEqualTo(2);
        assertThat(f.status().votedFor()).isEqualTo(N2);
        f.step(new VoteRequest(N3, N1, 2, 0, 0, true, false));
        assertThat(((VoteResponse) drain(f).get(0)).granted()).as("a pre-vote for our own term").isFalse();
    }

    // §5.2: a follower that knows a leader grants no vote in that term, even to a new candidate.
    @Test
    void aFollowerOfALeaderGrantsNoVoteInItsTerm() {
        RaftCore f = core(RaftConfig.defaults(N1).withCheckQuorum(false).withPreVote(false), 3, 2, 0);
        f.step(new HeartbeatRequest(N2, N1, 2, 0, 0));
        drain(f);
        f.step(new VoteRequest(N3, N1, 2, 0, 0, false, false));
        assertThat(((VoteResponse) drain(f).get(0)).granted()).isFalse();
    }

    // Dissertation §4.2.3 (with check-quorum): a follower that heard from its leader within the
    // election timeout ignores vote requests of later terms, unless they come from a leadership transfer.
    @Test
    void leaderStickinessIgnoresDisruptiveCandidates() {
        RaftCore f = core(RaftConfig.defaults(N1).withPreVote(false), 3, 2, 0);
        f.step(new HeartbeatRequest(N2, N1, 2, 0, 0));
        drain(f);
        tick(f, 9);
        f.step(new VoteRequest(N3, N1, 3, 0, 0, false, false));
        assertThat(drain(f)).as("inside the lease").isEmpty();
        assertThat(f.term()).isEqualTo(2);
        f.step(new VoteRequest(N3, N1, 3, 0, 0, false, true));
        assertThat(((VoteResponse) drain(f).get(0)).granted()).as("a transfer breaks the lease").isTrue();
        assertThat(f.term()).isEqualTo(3);
    }

    @Test
    void theLeaseEndsAfterAnElectionTimeout() {
        RaftCore f = core(RaftConfig.defaults(N1).withPreVote(false), 3, 2, 0);
        f.step(new HeartbeatRequest(N2, N1, 2, 0, 0));
        drain(f);
        tick(f, 10);
        f.step(new VoteRequest(N3, N1, 3, 0, 0, false, false));
        assertThat(((VoteResponse) drain(f).get(0)).granted()).isTrue();
    }

    @Test
    void withoutCheckQuorumThereIsNoLease() {
        RaftCore f = core(RaftConfig.defaults(N1).withPreVote(false).withCheckQuorum(false), 3, 2, 0);
        f.step(new HeartbeatRequest(N2, N1, 2, 0, 0));
        drain(f);
        f.step(new VoteRequest(N3, N1, 3, 0, 0, false, false));
        assertThat(((VoteResponse) drain(f).get(0)).granted()).isTrue();
        assertThat(f.leader()).isNull();
    }

    // Dissertation §3.10: TimeoutNow starts a real election at once, skipping pre-vote, marked so
    // that voters ignore their lease.
    @Test
    void timeoutNowStartsATransferElection() {
        RaftCore f = core(RaftConfig.defaults(N1), 3, 2, 0);
        f.step(new TimeoutNow(N2, N1, 2));
        assertThat(f.role()).isEqualTo(Role.CANDIDATE);
        assertThat(f.term()).isEqualTo(3);
        assertThat(drain(f)).allSatisfy(m -> assertThat(((VoteRequest) m).leadershipTransfer()).isTrue());
    }

    // §4.2.1: a learner never campaigns, by timeout or by TimeoutNow.
    @Test
    void aLearnerNeverCampaigns() {
        Membership withLearner = Membership.ofVoters(2).withLearner(N3);
        RaftCore learner = new RaftCore(RaftConfig.defaults(N3), new PersistentState(HardState.INITIAL,
                PersistentState.bootstrap(withLearner).snapshot(), List.of()), LONGEST);
        tick(learner, 100);
        learner.campaign();
        learner.step(new TimeoutNow(N1, N3, 0));
        assertThat(learner.role()).isEqualTo(Role.FOLLOWER);
        assertThat(drain(learner)).isEmpty();
    }

    // RaftCore.promotable: a voter of the last committed configuration may campaign while the
    // newest, uncommitted one removes it; once the removal commits it may not.
    @Test
    void aRemovedVoterCampaignsOnlyWhileItsRemovalIsUncommitted() {
        Membership without1 = Membership.ofVoters(3).without(N1);
        Entry removal = new Entry(1, 1, EntryType.MEMBERSHIP, without1.encode());
        RaftCore pending = new RaftCore(RaftConfig.defaults(N1).withPreVote(false),
                new PersistentState(new HardState(1, null, 0), PersistentState.bootstrap(Membership.ofVoters(3)).snapshot(),
                        List.of(removal)), LONGEST);
        pending.campaign();
        assertThat(pending.role()).isEqualTo(Role.CANDIDATE);
        assertThat(drain(pending)).extracting(Message::to).containsExactly(N2, N3);

        RaftCore committed = new RaftCore(RaftConfig.defaults(N1).withPreVote(false),
                new PersistentState(new HardState(1, null, 1), PersistentState.bootstrap(Membership.ofVoters(3)).snapshot(),
                        List.of(removal)), LONGEST);
        committed.campaign();
        assertThat(committed.role()).isEqualTo(Role.FOLLOWER);
    }

    // ---- terms (§5.1)

    // §5.1, with pre-vote or check-quorum nobody else raises a stale leader's term, so a follower
    // answers its appends and heartbeats with its own term.
    @Test
    void aStaleLeaderIsToldTheTerm() {
        RaftCore f = core(RaftConfig.defaults(N1), 3, 5, 0);
        f.step(new AppendRequest(N2, N1, 4, 0, 0, List.of(), 0));
        f.step(new HeartbeatRequest(N2, N1, 4, 0, 0));
        assertThat(drain(f)).hasSize(2).allSatisfy(m -> {
            assertThat(m).isInstanceOf(AppendResponse.class);
            assertThat(m.term()).isEqualTo(5);
            assertThat(((AppendResponse) m).success()).isFalse();
        });
        RaftCore onlyPreVote = core(RaftConfig.defaults(N1).withCheckQuorum(false), 3, 5, 0);
        onlyPreVote.step(new HeartbeatRequest(N2, N1, 4, 0, 0));
        assertThat(drain(onlyPreVote)).hasSize(1);
        RaftCore neither = core(RaftConfig.defaults(N1).withCheckQuorum(false).withPreVote(false), 3, 5, 0);
        neither.step(new AppendRequest(N2, N1, 4, 0, 0, List.of(), 0));
        neither.step(new VoteRequest(N2, N1, 4, 0, 0, false, false));
        assertThat(drain(neither)).as("§5.1: dropped").isEmpty();
    }

    @Test
    void aStalePreCandidateIsRefusedWithTheTerm() {
        RaftCore f = core(RaftConfig.defaults(N1), 3, 5, 0);
        f.step(new VoteRequest(N2, N1, 4, 9, 4, true, false));
        VoteResponse r = (VoteResponse) drain(f).get(0);
        assertThat(r.granted()).isFalse();
        assertThat(r.preVote()).isTrue();
        assertThat(r.term()).isEqualTo(5);
    }

    @Test
    void aLaterTermFromALeaderIsFollowedAtOnce() {
        RaftCore f = core(RaftConfig.defaults(N1).withPreVote(false), 3, 1, 0);
        f.campaign();
        assertThat(f.status().votedFor()).isEqualTo(N1);
        f.step(new AppendRequest(N3, N1, 4, 0, 0, List.of(), 0));
        assertThat(f.role()).isEqualTo(Role.FOLLOWER);
        assertThat(f.term()).isEqualTo(4);
        assertThat(f.leader()).isEqualTo(N3);
        assertThat(f.status().votedFor()).as("a new term, no vote yet").isNull();
        f.step(new VoteResponse(N2, N1, 5, false, false));
        assertThat(f.term()).isEqualTo(5);
        assertThat(f.leader()).as("a vote response names no leader").isNull();
    }

    // ---- the follower side of replication

    @Test
    void heartbeatsCommitOnlyWhatTheFollowerHolds() {
        RaftCore f = core(RaftConfig.defaults(N1), 3, 1, 0, 1, 1);
        f.step(new HeartbeatRequest(N2, N1, 1, 9, 3));
        List<Message> sent = drain(f);
        assertThat(f.commitIndex()).isEqualTo(2);
        assertThat(sent).singleElement().isEqualTo(new HeartbeatResponse(N1, N2, 1, 3));
        assertThat(f.leader()).isEqualTo(N2);
    }

    // §7: an append that starts inside our snapshot is about committed entries only; we answer
    // with what we know is committed.
    @Test
    void anAppendBeforeTheSnapshotIsAnsweredWithTheCommitIndex() {
        Snapshot snapshot = new Snapshot(new SnapshotMeta(5, 1, Membership.ofVoters(3)), new byte[0]);
        RaftCore f = new RaftCore(RaftConfig.defaults(N1), new PersistentState(new HardState(1, null, 0), snapshot,
                List.of(Entry.command(1, 6, null))), LONGEST);
        f.step(new AppendRequest(N2, N1, 1, 3, 1, List.of(Entry.command(1, 4, null)), 4));
        assertThat(drain(f)).singleElement().isEqualTo(AppendResponse.accept(N1, N2, 1, 5));
    }

    // The unsafe truncate-on-empty-append switch drops entries after the empty append's previous
    // entry (or the commit index, if later).
    @Test
    void unsafeEmptyAppendTruncates() {
        RaftConfig unsafe = RaftConfig.defaults(N1).withUnsafe(Set.of(UnsafeMode.TRUNCATE_ON_EMPTY_APPEND));
        RaftCore f = core(unsafe, 3, 1, 0, 1, 1, 1, 1);
        f.step(new AppendRequest(N2, N1, 1, 1, 1, List.of(), 2));
        drain(f);
        assertThat(f.lastIndex()).as("everything after the previous entry 1@1 is gone").isEqualTo(1);
        RaftCore safe = core(RaftConfig.defaults(N1), 3, 1, 0, 1, 1, 1, 1);
        safe.step(new AppendRequest(N2, N1, 1, 1, 1, List.of(), 2));
        drain(safe);
        assertThat(safe.lastIndex()).isEqualTo(4);
        RaftCore nonEmpty = core(unsafe, 3, 1, 0, 1, 1, 1, 1);
        nonEmpty.step(new AppendRequest(N2, N1, 1, 1, 1, List.of(Entry.command(1, 2, new byte[] {1})), 2));
        drain(nonEmpty);
        assertThat(nonEmpty.lastIndex()).as("a non-empty append never truncates").isEqualTo(4);
        RaftCore committed = core(unsafe, 3, 1, 3, 1, 1, 1, 1);
        committed.step(new AppendRequest(N2, N1, 1, 1, 1, List.of(), 3));
        drain(committed);
        assertThat(committed.lastIndex()).as("never below the commit index").isEqualTo(3);
    }

    // ---- the receiving side of snapshots (§7)

    private static InstallSnapshotRequest chunk(SnapshotMeta meta, long offset, byte[] data, boolean done) {
        return new InstallSnapshotRequest(N2, N1, 1, meta, offset, data, done);
    }

    @Test
    void chunksOutOfOrderAreAnsweredWithTheExpectedOffset() {
        RaftCore f = core(RaftConfig.defaults(N1), 3, 1, 0);
        SnapshotMeta meta = new SnapshotMeta(7, 1, Membership.ofVoters(3));
        f.step(chunk(meta, 4, new byte[] {5}, false));
        assertThat(drain(f)).singleElement().isEqualTo(new InstallSnapshotResponse(N1, N2, 1, 7, 0, false));
        f.step(chunk(meta, 0, new byte[] {1, 2}, false));
        assertThat(drain(f)).singleElement().isEqualTo(new InstallSnapshotResponse(N1, N2, 1, 7, 2, false));
        f.step(chunk(meta, 4, new byte[] {5}, false));
        assertThat(drain(f)).as("a gap").singleElement().isEqualTo(new InstallSnapshotResponse(N1, N2, 1, 7, 2, false));
        SnapshotMeta other = new SnapshotMeta(8, 1, Membership.ofVoters(3));
        f.step(chunk(other, 2, new byte[] {5}, false));
        assertThat(drain(f)).as("another snapshot: start over").singleElement()
                .isEqualTo(new InstallSnapshotResponse(N1, N2, 1, 8, 0, false));
        f.step(chunk(meta, 2, new byte[] {3}, true));
        var ready = f.ready().orElseThrow();
        assertThat(ready.snapshotToInstall()).isEqualTo(new Snapshot(meta, new byte[] {1, 2, 3}));
        assertThat(ready.mustSync()).isTrue();
        assertThat(ready.messagesToSend()).containsExactly(new InstallSnapshotResponse(N1, N2, 1, 7, 0, true));
        f.advance(ready);
        assertThat(f.commitIndex()).isEqualTo(7);
        assertThat(f.snapshotIndex()).isEqualTo(7);
        assertThat(f.lastIndex()).isEqualTo(7);
    }

    @Test
    void aSnapshotOfCommittedEntriesIsAcknowledgedWithoutInstalling() {
        RaftCore f = core(RaftConfig.defaults(N1), 3, 1, 3, 1, 1, 1);
        SnapshotMeta meta = new SnapshotMeta(3, 1, Membership.ofVoters(3));
        f.step(chunk(meta, 0, new byte[] {1}, false));
        assertThat(drain(f)).singleElement().isEqualTo(new InstallSnapshotResponse(N1, N2, 1, 3, 0, true));
        assertThat(f.snapshotIndex()).isZero();
    }

    // §7: "If existing log entry has same index and term as snapshot's last included entry, retain
    // log entries following it and reply."
    @Test
    void aSnapshotOfAnEntryWeHoldKeepsTheEntriesAfterIt() {
        RaftCore f = core(RaftConfig.defaults(N1), 3, 1, 0, 1, 1, 1, 1);
        SnapshotMeta meta = new SnapshotMeta(2, 1, Membership.ofVoters(3));
        f.step(chunk(meta, 0, new byte[] {1}, true));
        var ready = f.ready().orElseThrow();
        assertThat(ready.snapshotToInstall()).isNull();
        f.advance(ready);
        assertThat(f.commitIndex()).isEqualTo(2);
        assertThat(f.lastIndex()).isEqualTo(4);
    }

    @Test
    void aNewTermForgetsAPartialSnapshot() {
        RaftCore f = core(RaftConfig.defaults(N1), 3, 1, 0);
        SnapshotMeta meta = new SnapshotMeta(7, 1, Membership.ofVoters(3));
        f.step(chunk(meta, 0, new byte[] {1, 2}, false));
        drain(f);
        f.step(new InstallSnapshotRequest(N2, N1, 2, meta, 2, new byte[] {3}, true));
        assertThat(drain(f)).singleElement().isEqualTo(new InstallSnapshotResponse(N1, N2, 2, 7, 0, false));
    }

    // Figure 2: a vote cast in the current term is persistent state too; it alone demands a sync.
    @Test
    void aVoteInTheSameTermDemandsASync() {
        RaftCore f = core(RaftConfig.defaults(N1).withCheckQuorum(false), 3, 2, 0);
        f.step(new VoteRequest(N2, N1, 2, 0, 0, false, false));
        var ready = f.ready().orElseThrow();
        assertThat(ready.hardState()).isEqualTo(new HardState(2, N2, 0));
        assertThat(ready.mustSync()).isTrue();
    }

    // §5.2: "If election timeout elapses without receiving AppendEntries RPC from current leader or
    // granting vote to candidate: convert to candidate." Both restart the timer.
    @Test
    void grantingAVoteRestartsTheElectionTimer() {
        RaftCore f = core(RaftConfig.defaults(N1).withCheckQuorum(false).withPreVote(false), 3, 2, 0);
        tick(f, 15);
        f.step(new VoteRequest(N2, N1, 2, 0, 0, false, false)); // our term: no step-down resets the timer
        drain(f);
        tick(f, 18);
        assertThat(f.role()).isEqualTo(Role.FOLLOWER);
        tick(f, 1);
        assertThat(f.role()).isEqualTo(Role.CANDIDATE);
    }

    @Test
    void hearingFromTheLeaderRestartsTheElectionTimer() {
        RaftCore f = core(RaftConfig.defaults(N1).withCheckQuorum(false).withPreVote(false), 3, 2, 0);
        f.step(new HeartbeatRequest(N2, N1, 2, 0, 0));
        drain(f);
        tick(f, 15);
        f.step(new HeartbeatRequest(N2, N1, 2, 0, 0));
        drain(f);
        tick(f, 18);
        assertThat(f.role()).isEqualTo(Role.FOLLOWER);
        tick(f, 1);
        assertThat(f.role()).isEqualTo(Role.CANDIDATE);
    }

    @Test
    void aLeaderIgnoresACampaignRequest() {
        RaftCore f = core(RaftConfig.defaults(N1), 1, 0, 0);
        f.campaign();
        drain(f);
        f.campaign();
        assertThat(f.role()).isEqualTo(Role.LEADER);
        assertThat(f.term()).isEqualTo(1);
    }

    // An append whose previous entry is exactly our snapshot's last entry is checked against the
    // snapshot and appended after it (§7 with §5.3).
    @Test
    void anAppendRightAfterTheSnapshotIsAppended() {
        Snapshot snapshot = new Snapshot(new SnapshotMeta(5, 1, Membership.ofVoters(3)), new byte[0]);
        RaftCore f = new RaftCore(RaftConfig.defaults(N1), new PersistentState(new HardState(1, null, 0), snapshot,
                List.of()), LONGEST);
        f.step(new AppendRequest(N2, N1, 1, 5, 1, List.of(Entry.command(1, 6, null), Entry.command(1, 7, null)), 0));
        assertThat(drain(f)).singleElement().isEqualTo(AppendResponse.accept(N1, N2, 1, 7));
        assertThat(f.lastIndex()).isEqualTo(7);
    }

    // The unsafe vote-ignores-last-index switch: §5.4.1 with the last terms compared only.
    @Test
    void unsafeVoteComparesLastTermsOnly() {
        RaftConfig unsafe = RaftConfig.defaults(N1).withCheckQuorum(false).withPreVote(false)
                .withUnsafe(Set.of(UnsafeMode.VOTE_IGNORES_LAST_INDEX));
        RaftCore shorter = core(unsafe, 3, 2, 0, 1, 2, 2);
        shorter.step(new VoteRequest(N2, N1, 3, 2, 2, false, false));
        assertThat(((VoteResponse) drain(shorter).get(0)).granted()).as("same term, shorter: granted").isTrue();
        RaftCore earlier = core(unsafe, 3, 2, 0, 1, 2, 2);
        earlier.step(new VoteRequest(N2, N1, 3, 9, 1, false, false));
        assertThat(((VoteResponse) drain(earlier).get(0)).granted()).as("earlier term: refused").isFalse();
    }

    // ---- the driver contract (Ready)

    // Figure 2: the term and vote must be durable before a message that depends on them; a
    // commit index alone is a hint and needs no sync.
    @Test
    void onlyTermVoteEntriesOrSnapshotsDemandASync() {
        RaftCore f = core(RaftConfig.defaults(N1), 3, 1, 0, 1, 1);
        assertThat(f.ready()).isEmpty();
        f.step(new HeartbeatRequest(N2, N1, 1, 2, 0));
        var commitOnly = f.ready().orElseThrow();
        assertThat(commitOnly.hardState()).isEqualTo(new HardState(1, null, 2));
        assertThat(commitOnly.mustSync()).isFalse();
        assertThat(commitOnly.entriesToApply()).hasSize(2);
        f.advance(commitOnly);
        assertThat(f.appliedIndex()).isEqualTo(2);
        f.step(new HeartbeatRequest(N2, N1, 1, 2, 0));
        var unchanged = f.ready().orElseThrow();
        assertThat(unchanged.hardState()).as("nothing new to persist").isNull();
        assertThat(unchanged.mustSync()).isFalse();
        f.advance(unchanged);
        assertThat(f.ready()).isEmpty();
        f.step(new AppendRequest(N2, N1, 1, 2, 1, List.of(Entry.command(1, 3, null)), 2));
        var entries = f.ready().orElseThrow();
        assertThat(entries.hardState()).isNull();
        assertThat(entries.mustSync()).isTrue();
        f.advance(entries);
        f.step(new HeartbeatRequest(N3, N1, 2, 0, 0));
        var newTerm = f.ready().orElseThrow();
        assertThat(newTerm.hardState()).isEqualTo(new HardState(2, null, 2));
        assertThat(newTerm.mustSync()).isTrue();
    }

    @Test
    void theDriverMayNotCallInBetweenReadyAndAdvance() {
        RaftCore f = core(RaftConfig.defaults(N1), 3, 1, 0);
        f.step(new HeartbeatRequest(N2, N1, 1, 0, 0));
        var ready = f.ready().orElseThrow();
        assertThatThrownBy(f::tick).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("between ready() and advance()");
        assertThatThrownBy(() -> f.propose(new byte[0])).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(f::ready).isInstanceOf(IllegalStateException.class);
        f.advance(ready);
        assertThatThrownBy(() -> f.advance(ready)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not the pending one");
        assertThatThrownBy(() -> f.step(new HeartbeatRequest(N2, N3, 1, 0, 0))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("n1 received a message for n3");
    }

    @Test
    void aFollowerRefusesLeaderWorkWithAHint() {
        RaftCore f = core(RaftConfig.defaults(N1), 3, 1, 0);
        ProposalResult.Rejected unknown = (ProposalResult.Rejected) f.propose(new byte[0]);
        assertThat(unknown.reason()).isEqualTo(ProposalResult.Reason.NOT_LEADER);
        assertThat(unknown.leaderHint()).isNull();
        assertThat(unknown.detail()).isEqualTo("n1 is not the leader and knows of none");
        f.step(new HeartbeatRequest(N2, N1, 1, 0, 0));
        drain(f);
        ProposalResult.Rejected known = (ProposalResult.Rejected) f.proposeMembership(
                new MembershipChange.AddLearner(NodeId.of(4)));
        assertThat(known.leaderHint()).isEqualTo(N2);
        assertThat(known.detail()).isEqualTo("n1 is not the leader; try n2");
        assertThat(f.readIndex(1)).isFalse();
        assertThat(f.transferLeadership(N3)).isFalse();
        assertThat(f.id()).isEqualTo(N1);
        assertThat(f).hasToString("n1[FOLLOWER term=1 commit=0 last=0]");
    }
}
