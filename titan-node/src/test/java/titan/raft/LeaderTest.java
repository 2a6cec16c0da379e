package titan.raft;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import titan.raft.Message.AppendRequest;
import titan.raft.Message.AppendResponse;
import titan.raft.Message.HeartbeatRequest;
import titan.raft.Message.HeartbeatResponse;
import titan.raft.Message.InstallSnapshotRequest;
import titan.raft.Message.InstallSnapshotResponse;
import titan.raft.Message.TimeoutNow;
import titan.raft.Message.VoteResponse;
import titan.raft.ProposalResult.Accepted;
import titan.raft.ProposalResult.Reason;
import titan.raft.ProposalResult.Rejected;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The leader's half of the core ({@link Leader}) driven message by message: one real leader, and
 * its followers played by hand-written responses, so each test controls exactly which follower
 * acknowledged what. Every test states the rule it checks and asserts the message or state the
 * rule exists for.
 */
class LeaderTest {
    static final NodeId N1 = NodeId.of(1);
    static final NodeId N2 = NodeId.of(2);
    static final NodeId N3 = NodeId.of(3);

    /** One leader and what it sent and reported in the batches handled so far. */
    static final class Fixture {
        final RaftCore core;
        final List<Message> sent = new ArrayList<>();
        final List<ReadState> reads = new ArrayList<>();

        Fixture(RaftCore core) {
            this.core = core;
        }

        /** Handles every pending Ready like a driver with an instant disk; returns the messages sent. */
        List<Message> drain() {
            List<Message> out = new ArrayList<>();
            while (true) {
                var ready = core.ready();
                if (ready.isEmpty()) {
                    break;
                }
                out.addAll(ready.get().messagesToSend());
                reads.addAll(ready.get().readStates());
                core.advance(ready.get());
            }
            sent.addAll(out);
            return out;
        }

        <T extends Message> List<T> drain(Class<T> type) {
            return drain().stream().filter(type::isInstance).map(type::cast).toList();
        }

        void ack(NodeId from, long match) {
            core.step(AppendResponse.accept(from, N1, core.term(), match));
        }

        void heartbeatAck(NodeId from, long round) {
            core.step(new HeartbeatResponse(from, N1, core.term(), round));
        }

        ProposalResult propose(String command) {
            return core.propose(command.getBytes(StandardCharsets.UTF_8));
        }

        void tick(int count) {
            for (int i = 0; i < count; i++) {
                core.tick();
            }
        }
    }

    static RaftConfig config() {
        return RaftConfig.defaults(N1).withPreVote(false);
    }

    /** n1 elected leader of {@code voters} voters at term {@code term} over a log of the given terms. */
    static Fixture leader(RaftConfig config, int voters, long term, long... logTerms) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < logTerms.length; i++) {
            entries.add(Entry.command(logTerms[i], i + 1, new byte[] {(byte) i}));
        }
        PersistentState state = new PersistentState(new HardState(term - 1, null, 0),
                PersistentState.bootstrap(Membership.ofVoters(voters)).snapshot(), entries);
        RaftCore core = new RaftCore(config, state, new SplittableRandom(7));
        core.campaign();
        Fixture f = new Fixture(core);
        f.drain();
        for (int i = 2; i <= voters / 2 + 1; i++) {
            core.step(new VoteResponse(NodeId.of(i), N1, term, false, true));
        }
        assertThat(core.role()).isEqualTo(Role.LEADER);
        assertThat(core.term()).isEqualTo(term);
        f.sent.clear();
        return f;
    }

    /** A 3-voter leader at term 1 whose followers have acknowledged its no-op (index 1). */
    static Fixture steadyLeader(RaftConfig config) {
        Fixture f = leader(config, 3, 1);
        f.drain();
        f.ack(N2, 1);
        f.ack(N3, 1);
        f.drain();
        assertThat(f.core.commitIndex()).isEqualTo(1);
        f.sent.clear();
        return f;
    }

    // ---- commitment (§5.3, §5.4.2)

    // §5.4.2: "Raft never commits log entries from previous terms by counting replicas. Only log
    // entries from the leader's current term are committed by counting replicas."
    @Test
    void entriesOfEarlierTermsCommitOnlyWithAnEntryOfTheCurrentTerm() {
        Fixture f = leader(config(), 3, 3, 1, 1); // log 1@1 2@1, no-op 3@3
        f.drain();
        f.ack(N2, 2);
        f.drain();
        assertThat(f.core.commitIndex()).as("a majority holds 2@1, but it is not of term 3").isZero();
        f.ack(N2, 3);
        f.drain();
        assertThat(f.core.commitIndex()).as("the no-op commits everything before it").isEqualTo(3);
    }

    @Test
    void unsafeSwitchCommitsEarlierTermsByCounting() {
        Fixture f = leader(config().withUnsafe(Set.of(UnsafeMode.COMMIT_PREVIOUS_TERM)), 3, 3, 1, 1);
        f.drain();
        f.ack(N2, 2);
        f.drain();
        assertThat(f.core.commitIndex()).isEqualTo(2);
    }

    // §5.3: an entry is committed once the leader has replicated it on a majority: in five voters,
    // the leader and two followers.
    @Test
    void commitNeedsAMajorityOfFive() {
        Fixture f = leader(config(), 5, 1);
        f.drain();
        f.ack(N2, 1);
        f.drain();
        assertThat(f.core.commitIndex()).as("2 of 5").isZero();
        f.ack(N3, 1);
        f.drain();
        assertThat(f.core.commitIndex()).as("3 of 5").isEqualTo(1);
    }

    // A follower learns a commit index only for entries it is known to hold: heartbeats carry
    // min(match, commit) (Message.HeartbeatRequest), and an up-to-date follower gets an empty append
    // carrying a new commit index.
    @Test
    void followersLearnTheCommitIndexTheyCanUse() {
        Fixture f = leader(config(), 3, 1);
        f.drain();
        f.ack(N2, 1);
        List<AppendRequest> update = f.drain(AppendRequest.class);
        assertThat(update).as("n2 is up to date and the commit index moved: one empty append")
                .singleElement().satisfies(a -> {
                    assertThat(a.to()).isEqualTo(N2);
                    assertThat(a.entries()).isEmpty();
                    assertThat(a.leaderCommit()).isEqualTo(1);
                });
        f.tick(1);
        List<HeartbeatRequest> beats = f.drain(HeartbeatRequest.class);
        assertThat(beats).extracting(HeartbeatRequest::to, HeartbeatRequest::commitIndex)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(N2, 1L), org.assertj.core.groups.Tuple.tuple(N3, 0L));
    }

    // ---- flow control (§5.3 pipelining, etcd's progress states)

    // A probing follower gets one append at a time; once it accepts, appends are pipelined until
    // the in-flight window is full, and an acknowledgement frees it again.
    @Test
    void replicationPipelinesUpToTheWindow() {
        RaftConfig c = config().withFlowControl(1, 2, 1 << 20); // one entry per append, two appends in flight
        Fixture f = steadyLeader(c);
        f.propose("a");
        f.propose("b");
        f.propose("c");
        List<AppendRequest> toN2 = f.drain(AppendRequest.class).stream().filter(a -> a.to().equals(N2)).toList();
        assertThat(toN2).extracting(AppendRequest::prevLogIndex).containsExactly(1L, 2L);
        assertThat(toN2).allSatisfy(a -> assertThat(a.entries()).hasSize(1));
        f.ack(N2, 2);
        List<AppendRequest> next = f.drain(AppendRequest.class).stream().filter(a -> a.to().equals(N2)).toList();
        assertThat(next).extracting(AppendRequest::prevLogIndex).containsExactly(3L);
        assertThat(f.core.status().followers().get(N2)).isEqualTo("REPLICATE match=2 next=5 inflight=2");
    }

    @Test
    void aProbeSendsOneAppendUntilAnswered() {
        Fixture f = leader(config(), 3, 1);
        assertThat(f.drain(AppendRequest.class)).hasSize(2);
        f.propose("a");
        assertThat(f.drain(AppendRequest.class)).as("both followers still have a probe out").isEmpty();
        f.heartbeatAck(N2, 0); // a live follower: probe again
        assertThat(f.drain(AppendRequest.class)).singleElement().satisfies(a -> {
            assertThat(a.to()).isEqualTo(N2);
            assertThat(a.prevLogIndex()).isZero();
            assertThat(a.entries()).hasSize(2);
        });
    }

    // A replicating follower that acknowledges nothing for max(2, electionTicks / 2) ticks while
    // appends are in flight has lost one: the leader goes back to probing from its match.
    @Test
    void aStalledFollowerIsProbedAgain() {
        Fixture f = steadyLeader(config().withCheckQuorum(false).withFlowControl(1, 64, 1 << 20));
        f.propose("a");
        f.propose("b");
        f.drain();
        f.tick(4);
        f.ack(N2, 2); // progress: the stall count starts over
        f.drain();
        f.tick(4);
        assertThat(f.core.status().followers().get(N2)).isEqualTo("REPLICATE match=2 next=4 inflight=1");
        f.tick(1);
        assertThat(f.core.status().followers().get(N2)).isEqualTo("PROBE match=2 next=3");
    }

    // §5.3 with the hint: a rejection sends the leader straight back to the follower's last entry
    // that may match, skipping the leader's entries of later terms.
    @Test
    void aRejectionWithAHintSkipsBack() {
        Fixture f = leader(config(), 3, 4, 1, 1, 3, 3, 3); // no-op 6@4
        f.drain();
        // n2 holds 1@1 2@1 3@2 4@2 5@2 6@2: it rejects prev=5@3 and names its entry 5@2.
        f.core.step(AppendResponse.reject(N2, N1, 4, 5, 5, 2));
        assertThat(f.drain(AppendRequest.class)).singleElement().satisfies(a -> {
            assertThat(a.prevLogIndex()).as("our last entry of term <= 2 at or below 5").isEqualTo(2);
            assertThat(a.prevLogTerm()).isEqualTo(1);
        });
        // A rejection without a hint term points at the hinted index itself.
        f.core.step(AppendResponse.reject(N2, N1, 4, 2, 1, 0));
        assertThat(f.drain(AppendRequest.class)).singleElement()
                .satisfies(a -> assertThat(a.prevLogIndex()).isEqualTo(1));
        // A stale rejection (of an append no longer outstanding) changes nothing.
        f.core.step(AppendResponse.reject(N2, N1, 4, 5, 0, 0));
        assertThat(f.drain(AppendRequest.class)).isEmpty();
        assertThat(f.core.status().followers().get(N2)).isEqualTo("PROBE match=0 next=2");
    }

    // A follower in REPLICATE whose append is rejected goes back to probing from its match.
    @Test
    void aRejectionWhileReplicatingFallsBackToProbing() {
        Fixture f = steadyLeader(config().withFlowControl(1, 64, 1 << 20));
        f.propose("a");
        f.propose("b");
        f.drain(); // appends prev=1 [2] and prev=2 [3] to each follower
        f.core.step(AppendResponse.reject(N2, N1, 1, 2, 1, 1)); // n2 lost the first one
        assertThat(f.core.status().followers().get(N2)).isEqualTo("PROBE match=1 next=2");
        f.core.step(AppendResponse.reject(N3, N1, 1, 1, 1, 1)); // rejects at its match: stale
        assertThat(f.core.status().followers().get(N3)).startsWith("REPLICATE");
    }

    // ---- proposals

    // The uncommitted-bytes limit refuses proposals while too much waits to commit, but always
    // lets one entry through when nothing waits, however large (or no entry could ever commit).
    @Test
    void uncommittedBytesBoundProposals() {
        RaftConfig c = new RaftConfig(N1, 10, 1, false, true, 1 << 20, 64, 1 << 20, 100, 1 << 16, 100, Set.of());
        Fixture f = steadyLeader(c);
        assertThat(f.core.propose(new byte[50])).isInstanceOf(Accepted.class); // 74 bytes
        assertThat(f.core.propose(new byte[2])).isInstanceOf(Accepted.class); // 100: exactly the limit
        assertThat(f.core.propose(new byte[0])).isInstanceOf(Rejected.class)
                .satisfies(r -> assertThat(((Rejected) r).reason()).isEqualTo(Reason.TOO_MANY_UNCOMMITTED_BYTES));
        f.drain();
        f.ack(N2, 3);
        f.drain();
        assertThat(f.core.commitIndex()).isEqualTo(3);
        assertThat(f.core.propose(new byte[500])).as("nothing waits: one large entry passes").isInstanceOf(Accepted.class);
        assertThat(f.core.propose(new byte[0])).isInstanceOf(Rejected.class);
    }

    @Test
    void uncommittedBytesCountOnlyThisTermsEntries() {
        // The old entries 1..2 (term 1) commit with the no-op; only the no-op was counted, so after
        // the commit the budget is whole again.
        RaftConfig c = new RaftConfig(N1, 10, 1, false, true, 1 << 20, 64, 1 << 20, 60, 1 << 16, 100, Set.of());
        Fixture f = leader(c, 3, 2, 1, 1);
        f.drain();
        f.ack(N2, 3);
        f.drain();
        assertThat(f.core.commitIndex()).isEqualTo(3);
        assertThat(f.core.propose(new byte[30])).isInstanceOf(Accepted.class); // 54
        assertThat(f.core.propose(new byte[0])).isInstanceOf(Rejected.class); // 78 > 60
    }

    // §4.1: a removed server leaves the leader's replication at once: no more messages to it, and
    // its late answers are ignored.
    @Test
    void aRemovedFollowerIsNoLongerReplicatedTo() {
        Fixture f = steadyLeader(config());
        assertThat(f.core.proposeMembership(new MembershipChange.RemoveServer(N3))).isInstanceOf(Accepted.class);
        assertThat(f.drain(AppendRequest.class)).extracting(Message::to).containsExactly(N2);
        f.ack(N3, 2);
        f.drain();
        assertThat(f.core.commitIndex()).as("n3 no longer counts").isEqualTo(1);
        assertThat(f.core.status().followers()).containsOnlyKeys(N2);
        f.ack(N2, 2);
        f.drain();
        assertThat(f.core.commitIndex()).isEqualTo(2);
    }

    // ---- heartbeats and check-quorum (dissertation §6.2)

    @Test
    void heartbeatsGoOutEveryHeartbeatInterval() {
        Fixture f = steadyLeader(config().withTicks(10, 3));
        f.tick(2);
        assertThat(f.drain(HeartbeatRequest.class)).isEmpty();
        f.tick(1);
        assertThat(f.drain(HeartbeatRequest.class)).extracting(Message::to).containsExactly(N2, N3);
        f.tick(2);
        assertThat(f.drain(HeartbeatRequest.class)).isEmpty();
        f.tick(1);
        assertThat(f.drain(HeartbeatRequest.class)).hasSize(2);
    }

    @Test
    void aLeaderWithoutAQuorumStepsDownAfterAnElectionTimeout() {
        Fixture f = steadyLeader(config());
        f.tick(10); // the first round: both followers were active when elected
        assertThat(f.core.role()).isEqualTo(Role.LEADER);
        f.tick(9);
        assertThat(f.core.role()).isEqualTo(Role.LEADER);
        f.tick(1);
        assertThat(f.core.role()).isEqualTo(Role.FOLLOWER);
        assertThat(f.core.leader()).isNull();
    }

    @Test
    void oneActiveFollowerIsAQuorumOfThree() {
        Fixture f = steadyLeader(config());
        for (int round = 0; round < 3; round++) {
            f.tick(5);
            f.heartbeatAck(N2, 0);
            f.tick(5);
            f.drain();
        }
        assertThat(f.core.role()).isEqualTo(Role.LEADER);
    }

    @Test
    void withoutCheckQuorumALeaderStaysAlone() {
        Fixture f = steadyLeader(config().withCheckQuorum(false));
        f.tick(50);
        assertThat(f.core.role()).isEqualTo(Role.LEADER);
    }

    // ---- ReadIndex (dissertation §6.4)

    // Step 1: a leader that has not committed an entry of its term does not know the commit index:
    // reads wait. Step 3: a heartbeat round acknowledged by a majority confirms them.
    @Test
    void readsWaitForTheFirstCommitAndAQuorumRound() {
        Fixture f = leader(config(), 3, 1);
        assertThat(f.core.readIndex(5)).isTrue();
        assertThat(f.drain(HeartbeatRequest.class)).as("no read point yet, no round").isEmpty();
        f.ack(N2, 1);
        List<HeartbeatRequest> round = f.drain(HeartbeatRequest.class);
        assertThat(round).extracting(HeartbeatRequest::readRound).containsExactly(1L, 1L);
        assertThat(f.reads).isEmpty();
        f.heartbeatAck(N3, 0);
        f.drain();
        assertThat(f.reads).as("an older round confirms nothing").isEmpty();
        f.heartbeatAck(N3, 1);
        f.drain();
        assertThat(f.reads).containsExactly(ReadState.confirmed(5, 1));
    }

    @Test
    void readsBatchIntoOneRoundAndConfirmInOrder() {
        Fixture f = steadyLeader(config());
        f.core.readIndex(1);
        f.core.readIndex(2);
        assertThat(f.drain(HeartbeatRequest.class)).extracting(HeartbeatRequest::readRound).containsOnly(1L);
        f.propose("x");
        f.drain();
        f.ack(N2, 2);
        f.drain();
        f.core.readIndex(3);
        assertThat(f.drain(HeartbeatRequest.class)).extracting(HeartbeatRequest::readRound).containsOnly(2L);
        f.heartbeatAck(N2, 2); // acknowledges round 2, hence round 1 too
        f.drain();
        assertThat(f.reads).containsExactly(ReadState.confirmed(1, 1), ReadState.confirmed(2, 1),
                ReadState.confirmed(3, 2));
    }

    @Test
    void unconfirmedReadsAreDroppedWhenLeadershipEnds() {
        Fixture f = steadyLeader(config());
        f.core.readIndex(9);
        f.drain();
        f.core.step(new HeartbeatRequest(N2, N1, 2, 0, 0)); // a newer leader
        f.drain();
        assertThat(f.reads).containsExactly(ReadState.dropped(9));
        assertThat(f.core.readIndex(10)).isFalse();
    }

    @Test
    void unsafeReadsAreConfirmedWithoutARound() {
        Fixture f = steadyLeader(config().withUnsafe(Set.of(UnsafeMode.READ_WITHOUT_HEARTBEAT)));
        f.core.readIndex(4);
        assertThat(f.drain(HeartbeatRequest.class)).isEmpty();
        assertThat(f.reads).containsExactly(ReadState.confirmed(4, 1));
    }

    // ---- leadership transfer (dissertation §3.10)

    @Test
    void transferWaitsForTheTargetToCatchUpThenSendsTimeoutNow() {
        Fixture f = steadyLeader(config());
        f.propose("a");
        f.drain();
        assertThat(f.core.transferLeadership(N1)).as("to itself").isFalse();
        assertThat(f.core.transferLeadership(NodeId.of(9))).as("not a voter").isFalse();
        assertThat(f.core.transferLeadership(N2)).isTrue();
        assertThat(f.drain(TimeoutNow.class)).as("n2 lacks index 2").isEmpty();
        assertThat(f.propose("b")).isInstanceOf(Rejected.class)
                .satisfies(r -> assertThat(((Rejected) r).reason()).isEqualTo(Reason.LEADERSHIP_TRANSFER_IN_PROGRESS));
        f.ack(N3, 2);
        assertThat(f.drain(TimeoutNow.class)).as("n3 is not the target").isEmpty();
        f.ack(N2, 2);
        assertThat(f.drain(TimeoutNow.class)).extracting(Message::to).containsExactly(N2);
    }

    @Test
    void aTransferIsAbandonedAfterAnElectionTimeout() {
        Fixture f = steadyLeader(config().withCheckQuorum(false));
        f.propose("a");
        f.drain();
        f.core.transferLeadership(N2);
        f.tick(9);
        assertThat(f.propose("b")).isInstanceOf(Rejected.class);
        f.tick(1);
        assertThat(f.propose("b")).isInstanceOf(Accepted.class);
    }

    @Test
    void aCaughtUpTargetGetsTimeoutNowAtOnce() {
        Fixture f = steadyLeader(config());
        assertThat(f.core.transferLeadership(N3)).isTrue();
        assertThat(f.drain(TimeoutNow.class)).extracting(Message::to).containsExactly(N3);
    }

    // ---- snapshots to lagging followers (§7)

    @Test
    void aFollowerBehindTheSnapshotReceivesItInChunks() {
        Fixture f = leader(config().withSnapshotChunkBytes(4), 3, 1);
        f.drain();
        f.ack(N2, 1); // n3 never answers its first probe
        f.propose("a");
        f.drain();
        f.ack(N2, 2);
        f.drain();
        f.core.compact(2, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        f.heartbeatAck(N3, 0); // n3 (match 0) is probed again: its next entry is compacted away
        List<InstallSnapshotRequest> first = f.drain(InstallSnapshotRequest.class);
        assertThat(first).singleElement().satisfies(s -> {
            assertThat(s.to()).isEqualTo(N3);
            assertThat(s.offset()).isZero();
            assertThat(s.chunk()).containsExactly(1, 2, 3, 4);
            assertThat(s.done()).isFalse();
            assertThat(s.meta().index()).isEqualTo(2);
        });
        f.propose("b");
        assertThat(f.drain(InstallSnapshotRequest.class)).as("one chunk in flight at a time").isEmpty();
        f.core.step(new InstallSnapshotResponse(N3, N1, 1, 2, 4, false));
        assertThat(f.drain(InstallSnapshotRequest.class)).singleElement().satisfies(s -> {
            assertThat(s.offset()).isEqualTo(4);
            assertThat(s.chunk()).containsExactly(5, 6, 7, 8);
        });
        f.heartbeatAck(N3, 0); // a heartbeat answer resends the current chunk in case it was lost
        assertThat(f.drain(InstallSnapshotRequest.class)).singleElement()
                .satisfies(s -> assertThat(s.offset()).isEqualTo(4));
        f.core.step(new InstallSnapshotResponse(N3, N1, 1, 2, 8, false));
        assertThat(f.drain(InstallSnapshotRequest.class)).singleElement().satisfies(s -> {
            assertThat(s.chunk()).containsExactly(9, 10);
            assertThat(s.done()).isTrue();
        });
        f.core.step(new InstallSnapshotResponse(N3, N1, 1, 2, 0, true));
        List<AppendRequest> after = f.drain(AppendRequest.class);
        assertThat(after).singleElement().satisfies(a -> {
            assertThat(a.to()).isEqualTo(N3);
            assertThat(a.prevLogIndex()).as("probing resumes after the snapshot").isEqualTo(2);
        });
        assertThat(f.core.status().followers().get(N3)).startsWith("PROBE match=2");
    }

    @Test
    void aNewerCompactionRestartsTheSnapshotTransfer() {
        Fixture f = leader(config().withSnapshotChunkBytes(4), 3, 1);
        f.drain();
        f.ack(N2, 1);
        f.propose("a");
        f.propose("b");
        f.drain();
        f.ack(N2, 3);
        f.drain();
        f.core.compact(2, new byte[] {1, 2, 3, 4, 5});
        f.heartbeatAck(N3, 0);
        assertThat(f.drain(InstallSnapshotRequest.class)).singleElement()
                .satisfies(s -> assertThat(s.meta().index()).isEqualTo(2));
        f.core.compact(3, new byte[] {9, 9, 9, 9, 9});
        f.core.step(new InstallSnapshotResponse(N3, N1, 1, 2, 4, false));
        assertThat(f.drain(InstallSnapshotRequest.class)).singleElement().satisfies(s -> {
            assertThat(s.meta().index()).isEqualTo(3);
            assertThat(s.offset()).isZero();
            assertThat(s.chunk()).containsExactly(9, 9, 9, 9);
        });
        // A late "installed" for the older snapshot still proves n3 holds index 2.
        f.core.step(new InstallSnapshotResponse(N3, N1, 1, 2, 0, true));
        f.drain();
        assertThat(f.core.status().followers().get(N3)).startsWith("SNAPSHOT match=2");
    }
}
