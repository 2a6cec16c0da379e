package titan.raft;

import java.util.Optional;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import titan.raft.Message.AppendResponse;
import titan.raft.Message.VoteResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the core accepts while a Ready is pending (its sync in progress): a leader steps its
 * followers' acknowledgements, commits only entries that are durable on itself as well, and hands
 * out those entries to apply at once; anything that could depend on the pending state is refused.
 * Method: one leader of three voters driven by hand, with acknowledgements made up as its followers
 * would send them.
 */
class PendingReadyTest {
    private static final NodeId SELF = NodeId.of(1);
    private static final NodeId PEER = NodeId.of(2);

    private final RaftCore leader = new RaftCore(RaftConfig.defaults(SELF).withPreVote(false).withCheckQuorum(false),
            PersistentState.bootstrap(Membership.ofVoters(3)), new SplittableRandom(1));

    PendingReadyTest() {
        leader.campaign();
        advanceAll();
        leader.step(new VoteResponse(PEER, SELF, leader.term(), false, true));
        advanceAll(); // the no-op at index 1 is durable here now
        assertThat(leader.role()).isEqualTo(Role.LEADER);
    }

    @Test
    void anAcknowledgementDuringTheSyncCommitsAndHandsOutOnlyDurableEntries() {
        long noop = leader.lastIndex();
        long first = propose();
        advanceAll(); // `first` is durable here
        long second = propose();
        Ready pending = leader.ready().orElseThrow(); // persisting `second`
        assertThat(pending.entriesToPersist()).extracting(Entry::index).containsExactly(second);

        // §5.3/§5.4.2: the follower holds both, but the leader's own copy of `second` is not durable yet.
        leader.step(AppendResponse.accept(PEER, SELF, leader.term(), second));
        assertThat(leader.commitIndex()).isEqualTo(first);
        Ready apply = leader.readyToApply().orElseThrow();
        assertThat(apply.entriesToApply()).extracting(Entry::index).containsExactly(noop, first);
        assertThat(apply.entriesToPersist()).isEmpty();
        assertThat(apply.messagesToSend()).isEmpty();
        assertThat(apply.hardState()).isNull();
        leader.advance(apply);
        assertThat(leader.appliedIndex()).isEqualTo(first);
        assertThat(leader.readyToApply()).isEmpty(); // nothing handed out twice

        leader.advance(pending); // `second` is durable: now it commits, and the next Ready applies it
        assertThat(leader.commitIndex()).isEqualTo(second);
        Ready next = leader.ready().orElseThrow();
        assertThat(next.entriesToApply()).extracting(Entry::index).containsExactly(second);
        leader.advance(next);
        assertThat(leader.appliedIndex()).isEqualTo(second);
    }

    @Test
    void withoutAPendingReadyNothingIsHandedOutToApplyEarly() {
        propose();
        advanceAll();
        leader.step(AppendResponse.accept(PEER, SELF, leader.term(), leader.lastIndex()));
        assertThat(leader.readyToApply()).isEmpty(); // ready() hands it out, in order with the rest
        assertThat(leader.ready().orElseThrow().entriesToApply()).isNotEmpty();
    }

    @Test
    void aVoteResponseDuringTheSyncIsADriverBug() {
        propose();
        leader.ready().orElseThrow();
        // A candidate that counted votes before its own vote is durable could, after a crash, vote
        // again in the same term (§5.2, Figure 2): only acknowledgements to a leader may be stepped.
        assertThatThrownBy(() -> leader.step(new VoteResponse(PEER, SELF, leader.term(), false, true)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("VoteResponse");
        assertThatThrownBy(() -> leader.ready()).isInstanceOf(IllegalStateException.class);
    }

    private long propose() {
        ProposalResult result = leader.propose(new byte[] {1});
        assertThat(result).isInstanceOf(ProposalResult.Accepted.class);
        return ((ProposalResult.Accepted) result).index();
    }

    private void advanceAll() {
        for (Optional<Ready> r = leader.ready(); r.isPresent(); r = leader.ready()) {
            leader.advance(r.get());
        }
    }
}
