package titan.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import titan.raft.Message.AppendRequest;
import titan.raft.Message.AppendResponse;
import titan.raft.Message.VoteRequest;
import titan.raft.Message.VoteResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Table tests of single rules from the Raft paper, each against one real {@link RaftCore}. */
class RaftRulesTest {
    private static final NodeId SELF = NodeId.of(1);
    private static final NodeId CANDIDATE = NodeId.of(2);
    private static final NodeId OTHER = NodeId.of(3);

    private static List<Entry> entries(long... entryTerms) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < entryTerms.length; i++) {
            entries.add(Entry.command(entryTerms[i], i + 1, new byte[] {(byte) i}));
        }
        return entries;
    }

    /** A follower of a 3-voter cluster whose log holds entries of the given terms, at {@code term}. */
    private static RaftCore follower(long term, NodeId votedFor, long... entryTerms) {
        PersistentState state = new PersistentState(new HardState(term, votedFor, 0),
                PersistentState.bootstrap(Membership.ofVoters(3)).snapshot(), entries(entryTerms));
        return new RaftCore(RaftConfig.defaults(SELF).withPreVote(false).withCheckQuorum(false), state,
                new SplittableRandom(1));
    }

    private static List<Message> drain(RaftCore core) {
        List<Message> sent = new ArrayList<>();
        core.ready().ifPresent(r -> {
            sent.addAll(r.messagesToSend());
            core.advance(r);
        });
        return sent;
    }

    // §5.4.1: "If the logs have last entries with different terms, then the log with the later term
    // is more up-to-date. If the logs end with the same term, then whichever log is longer is more
    // up-to-date." A voter grants its vote only to a candidate at least as up-to-date as itself.
    static Stream<Arguments> voteCases() {
        return Stream.of(
                Arguments.of("later last term, shorter log", new long[] {1, 1, 1}, 2, 2, true),
                Arguments.of("same last term, longer log", new long[] {1, 2}, 3, 2, true),
                Arguments.of("same last term, same length", new long[] {1, 2}, 2, 2, true),
                Arguments.of("same last term, shorter log", new long[] {1, 2, 2}, 2, 2, false),
                Arguments.of("earlier last term, longer log", new long[] {1, 3}, 5, 2, false),
                Arguments.of("empty candidate, non-empty voter", new long[] {1}, 0, 0, false),
                Arguments.of("both empty", new long[] {}, 0, 0, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("voteCases")
    void grantsVoteOnlyToUpToDateCandidate(String name, long[] voterLog, long candidateLastIndex,
                                           long candidateLastTerm, boolean granted) {
        RaftCore voter = follower(3, null, voterLog);
        voter.step(new VoteRequest(CANDIDATE, SELF, 4, candidateLastIndex, candidateLastTerm, false, false));
        VoteResponse response = (VoteResponse) drain(voter).get(0);
        assertThat(response.granted()).isEqualTo(granted);
        assertThat(response.term()).isEqualTo(4); // §5.1: the voter adopted the candidate's later term
    }

    // The same table with the unsafe switch: the log check is gone, so every candidate wins the vote.
    @ParameterizedTest(name = "{0}")
    @MethodSource("voteCases")
    void voteWithoutLogCheckGrantsEveryCandidate(String name, long[] voterLog, long candidateLastIndex,
                                                 long candidateLastTerm, boolean ignored) {
        RaftCore unsafe = new RaftCore(RaftConfig.defaults(SELF).withPreVote(false).withCheckQuorum(false)
                .withUnsafe(java.util.Set.of(UnsafeMode.VOTE_WITHOUT_LOG_CHECK)),
                new PersistentState(new HardState(3, null, 0), PersistentState.bootstrap(Membership.ofVoters(3))
                        .snapshot(), entries(voterLog)), new SplittableRandom(1));
        unsafe.step(new VoteRequest(CANDIDATE, SELF, 4, candidateLastIndex, candidateLastTerm, false, false));
        assertThat(((VoteResponse) drain(unsafe).get(0)).granted()).isTrue();
    }

    // §5.2: "Each server will vote for at most one candidate in a given term, on a first-come-first-served basis."
    @Test
    void votesAtMostOncePerTerm() {
        RaftCore voter = follower(4, CANDIDATE, 1);
        voter.step(new VoteRequest(OTHER, SELF, 4, 5, 4, false, false));
        assertThat(((VoteResponse) drain(voter).get(0)).granted()).as("another candidate, same term").isFalse();
        voter.step(new VoteRequest(CANDIDATE, SELF, 4, 1, 1, false, false));
        assertThat(((VoteResponse) drain(voter).get(0)).granted()).as("the same candidate again").isTrue();
    }

    // §5.1: "If a server receives a request with a stale term number, it rejects the request."
    @Test
    void ignoresVoteRequestsFromEarlierTerms() {
        RaftCore voter = follower(5, null);
        voter.step(new VoteRequest(CANDIDATE, SELF, 4, 9, 4, false, false));
        assertThat(drain(voter)).isEmpty();
        assertThat(voter.term()).isEqualTo(5);
    }

    // The vote is durable before the response that depends on it leaves (Figure 2): both are in
    // the same Ready, and the Ready demands a sync.
    @Test
    void voteIsPersistedBeforeTheResponseIsSent() {
        RaftCore voter = follower(1, null);
        voter.step(new VoteRequest(CANDIDATE, SELF, 2, 0, 0, false, false));
        Ready ready = voter.ready().orElseThrow();
        assertThat(ready.hardState()).isEqualTo(new HardState(2, CANDIDATE, 0));
        assertThat(ready.mustSync()).isTrue();
        assertThat(ready.messagesToSend()).hasSize(1);
    }

    // Figure 2, AppendEntries receiver rules 2–5 (§5.3): reject on a missing or mismatched
    // previous entry; delete a conflicting suffix; append new entries; commit up to
    // min(leaderCommit, index of last new entry).
    static Stream<Arguments> appendCases() {
        return Stream.of(
                Arguments.of("append to an empty log", new long[] {}, 0, 0, new long[] {1, 1}, 2,
                        true, new long[] {1, 1}, 2),
                Arguments.of("previous entry missing", new long[] {1}, 2, 1, new long[] {1}, 2,
                        false, new long[] {1}, 0),
                Arguments.of("previous entry has another term", new long[] {1, 1}, 2, 2, new long[] {2}, 3,
                        false, new long[] {1, 1}, 0),
                Arguments.of("conflicting suffix is replaced", new long[] {1, 1, 1, 1}, 1, 1, new long[] {2, 2}, 1,
                        true, new long[] {1, 2, 2}, 1),
                Arguments.of("already held entries are kept, later ones too", new long[] {1, 1, 1}, 1, 1,
                        new long[] {1}, 3, true, new long[] {1, 1, 1}, 2),
                Arguments.of("heartbeat-like empty append commits only what matches", new long[] {1, 1, 2}, 2, 1,
                        new long[] {}, 3, true, new long[] {1, 1, 2}, 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("appendCases")
    void followerAppliesAppendEntriesReceiverRules(String name, long[] followerLog, long prevIndex, long prevTerm,
                                                   long[] newTerms, long leaderCommit, boolean success,
                                                   long[] expectedLog, long expectedCommit) {
        RaftCore f = follower(2, null, followerLog);
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < newTerms.length; i++) {
            entries.add(Entry.command(newTerms[i], prevIndex + 1 + i, new byte[] {(byte) (100 + i)}));
        }
        f.step(new AppendRequest(CANDIDATE, SELF, 2, prevIndex, prevTerm, entries, leaderCommit));
        AppendResponse response = (AppendResponse) drain(f).get(0);
        assertThat(response.success()).isEqualTo(success);
        long[] log = new long[(int) f.lastIndex()];
        for (int i = 0; i < log.length; i++) {
            log[i] = f.termAt(i + 1);
        }
        assertThat(log).containsExactly(expectedLog);
        assertThat(f.commitIndex()).isEqualTo(expectedCommit);
    }

    // §5.3 (the optimization at its end): a rejection names the follower's last entry whose term
    // is at most the leader's prevLogTerm, so the leader can skip a whole conflicting term.
    @Test
    void rejectionHintSkipsTheConflictingTerm() {
        RaftCore f = follower(5, null, 1, 1, 3, 3, 3);
        f.step(new AppendRequest(CANDIDATE, SELF, 5, 5, 4, List.of(), 0));
        AppendResponse response = (AppendResponse) drain(f).get(0);
        assertThat(response.success()).isFalse();
        assertThat(response.hintIndex()).isEqualTo(5);
        assertThat(response.hintTerm()).isEqualTo(3);
        f.step(new AppendRequest(CANDIDATE, SELF, 5, 5, 2, List.of(), 0));
        AppendResponse second = (AppendResponse) drain(f).get(0);
        assertThat(second.hintIndex()).as("no entry of term <= 2 after index 2").isEqualTo(2);
        assertThat(second.hintTerm()).isEqualTo(1);
    }
}
