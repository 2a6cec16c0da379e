package titan.raft;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import titan.raft.LeaderTest.Fixture;
import titan.raft.Message.AppendRequest;
import titan.raft.Message.TimeoutNow;
import titan.raft.ProposalResult.Accepted;
import titan.raft.ProposalResult.Reason;
import titan.raft.ProposalResult.Rejected;

import static org.assertj.core.api.Assertions.assertThat;
import static titan.raft.LeaderTest.N1;
import static titan.raft.LeaderTest.N2;
import static titan.raft.LeaderTest.N3;
import static titan.raft.LeaderTest.config;
import static titan.raft.LeaderTest.leader;
import static titan.raft.LeaderTest.steadyLeader;

/**
 * The leader's rules for single-server membership changes (dissertation §4.1–§4.2): one change at a
 * time, only after the leader committed in its term, learners promoted only once caught up, and a
 * removed leader that hands over once its removal commits.
 */
class MembershipChangeTest {
    private static final NodeId N4 = NodeId.of(4);

    private static Reason reason(ProposalResult r) {
        assertThat(r).isInstanceOf(Rejected.class);
        return ((Rejected) r).reason();
    }

    private static String detail(ProposalResult r) {
        return ((Rejected) r).detail();
    }

    // Dissertation §4.1 (the bug found in single-server changes, and its fix): a leader must commit
    // an entry of its own term before it changes the membership.
    @Test
    void noChangeBeforeTheLeaderCommittedInItsTerm() {
        Fixture f = leader(config(), 3, 1);
        assertThat(reason(f.core.proposeMembership(new MembershipChange.AddLearner(N4))))
                .isEqualTo(Reason.MEMBERSHIP_CHANGE_IN_PROGRESS);
        f.drain();
        f.ack(N2, 1);
        f.drain();
        assertThat(f.core.proposeMembership(new MembershipChange.AddLearner(N4))).isInstanceOf(Accepted.class);
    }

    // §4.1: at most one uncommitted configuration; the next change waits for the commit.
    @Test
    void oneUncommittedChangeAtATime() {
        Fixture f = steadyLeader(config());
        assertThat(f.core.proposeMembership(new MembershipChange.AddLearner(N4))).isEqualTo(new Accepted(2, 1));
        assertThat(f.core.membership().isLearner(N4)).as("§4.1: in force once in the log").isTrue();
        ProposalResult second = f.core.proposeMembership(new MembershipChange.RemoveServer(N3));
        assertThat(reason(second)).isEqualTo(Reason.MEMBERSHIP_CHANGE_IN_PROGRESS);
        assertThat(detail(second)).isEqualTo("the change at index 2 is not committed yet");
        f.drain();
        f.ack(N2, 2);
        f.drain();
        assertThat(f.core.proposeMembership(new MembershipChange.RemoveServer(N3))).isInstanceOf(Accepted.class);
    }

    @Test
    void unsafeSwitchAllowsConcurrentChanges() {
        Fixture f = steadyLeader(config().withUnsafe(Set.of(UnsafeMode.CONCURRENT_MEMBERSHIP)));
        assertThat(f.core.proposeMembership(new MembershipChange.AddLearner(N4))).isInstanceOf(Accepted.class);
        assertThat(f.core.proposeMembership(new MembershipChange.RemoveServer(N3))).isInstanceOf(Accepted.class);
    }

    @Test
    void invalidChangesAreRefusedWithAReason() {
        Fixture f = steadyLeader(config());
        ProposalResult addVoter = f.core.proposeMembership(new MembershipChange.AddLearner(N2));
        assertThat(reason(addVoter)).isEqualTo(Reason.INVALID_MEMBERSHIP_CHANGE);
        assertThat(detail(addVoter)).isEqualTo("n2 is already a member");
        assertThat(detail(f.core.proposeMembership(new MembershipChange.PromoteLearner(N2)))).isEqualTo("n2 is not a learner");
        assertThat(detail(f.core.proposeMembership(new MembershipChange.PromoteLearner(N4)))).isEqualTo("n4 is not a learner");
        assertThat(detail(f.core.proposeMembership(new MembershipChange.RemoveServer(N4)))).isEqualTo("n4 is not a member");
        assertThat(f.core.lastIndex()).as("nothing appended").isEqualTo(1);
    }

    @Test
    void theLastVoterCannotBeRemoved() {
        Fixture f = leader(config(), 1, 1);
        f.drain();
        assertThat(f.core.commitIndex()).isEqualTo(1);
        assertThat(detail(f.core.proposeMembership(new MembershipChange.RemoveServer(N1))))
                .isEqualTo("cannot remove the last voter");
        // A learner may still go from a one-voter cluster.
        assertThat(f.core.proposeMembership(new MembershipChange.AddLearner(N2))).isInstanceOf(Accepted.class);
        f.drain();
        assertThat(f.core.commitIndex()).isEqualTo(2);
        assertThat(f.core.proposeMembership(new MembershipChange.RemoveServer(N2))).isInstanceOf(Accepted.class);
    }

    // Dissertation §4.2.1: a learner is promoted only once it has caught up, here to within
    // learnerCatchUpEntries (2) of the leader's last index.
    @Test
    void aLearnerIsPromotedOnlyOnceCaughtUp() {
        RaftConfig c = new RaftConfig(N1, 10, 1, false, true, 1 << 20, 64, 1 << 20, 1 << 20, 1 << 16, 2, Set.of());
        Fixture f = steadyLeader(c);
        f.core.proposeMembership(new MembershipChange.AddLearner(N4)); // index 2
        f.propose("a"); // 3
        f.propose("b"); // 4
        f.drain();
        f.ack(N2, 4);
        f.drain();
        assertThat(f.core.commitIndex()).isEqualTo(4);
        assertThat(detail(f.core.proposeMembership(new MembershipChange.PromoteLearner(N4))))
                .isEqualTo("n4 has not caught up (match 0, last 4)");
        f.ack(N4, 1);
        assertThat(detail(f.core.proposeMembership(new MembershipChange.PromoteLearner(N4))))
                .isEqualTo("n4 has not caught up (match 1, last 4)");
        f.ack(N4, 2);
        assertThat(f.core.proposeMembership(new MembershipChange.PromoteLearner(N4))).isEqualTo(new Accepted(5, 1));
        assertThat(f.core.membership().isVoter(N4)).isTrue();
        assertThat(f.core.membership().quorum()).isEqualTo(3);
    }

    // §4.1: the newest configuration counts at once: after adding a learner the leader replicates
    // to it; learners never count towards the commit quorum.
    @Test
    void aNewLearnerIsReplicatedToButNotCounted() {
        Fixture f = steadyLeader(config());
        f.core.proposeMembership(new MembershipChange.AddLearner(N4));
        List<AppendRequest> sent = f.drain(AppendRequest.class);
        assertThat(sent).extracting(Message::to).contains(N4);
        f.ack(N4, 2);
        f.drain();
        assertThat(f.core.commitIndex()).as("a learner is no quorum").isEqualTo(1);
        f.ack(N3, 2);
        f.drain();
        assertThat(f.core.commitIndex()).isEqualTo(2);
    }

    // Dissertation §4.2.2: a leader that removes itself keeps leading until the removal commits
    // (counted in the new configuration, without itself), takes no new proposals meanwhile, then
    // steps down and tells the first most up-to-date voter to campaign at once.
    @Test
    void aRemovedLeaderHandsOverOnceTheRemovalCommits() {
        Fixture f = leader(config(), 5, 1);
        f.drain();
        for (int i = 2; i <= 5; i++) {
            f.ack(NodeId.of(i), 1);
        }
        f.drain();
        assertThat(f.core.proposeMembership(new MembershipChange.RemoveServer(N1))).isEqualTo(new Accepted(2, 1));
        ProposalResult late = f.propose("x");
        assertThat(reason(late)).isEqualTo(Reason.NOT_LEADER);
        assertThat(detail(late)).isEqualTo("n1 is leaving the cluster");
        f.drain();
        f.ack(N3, 2);
        f.ack(N4, 2);
        f.drain();
        assertThat(f.core.commitIndex()).as("2 of the 4 remaining voters").isEqualTo(1);
        assertThat(f.core.role()).isEqualTo(Role.LEADER);
        f.ack(NodeId.of(5), 2);
        List<Message> sent = f.drain();
        assertThat(f.core.commitIndex()).isEqualTo(2);
        assertThat(f.core.role()).isEqualTo(Role.FOLLOWER);
        assertThat(sent).filteredOn(m -> m instanceof AppendRequest)
                .as("the commit index goes out before the leader leaves")
                .anySatisfy(m -> assertThat(((AppendRequest) m).leaderCommit()).isEqualTo(2));
        assertThat(sent).filteredOn(m -> m instanceof TimeoutNow).extracting(Message::to).containsExactly(N3);
    }
}
