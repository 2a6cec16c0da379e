package titan.raft;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

import titan.raft.quorum.MajorityQuorum;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of the fast paths against deliberately dumb oracles (the shape of etcd's
 * quorum/quick_test.go): commit index versus "the largest index held by a majority, by counting",
 * vote tallies versus counting, the follower's log update versus Figure 2's rules applied to a list,
 * and the in-flight window versus a queue.
 */
class QuorumPropertiesTest {

    // §5.3/§5.4: an entry is replicated on a majority when at least a majority of voters hold it.
    @Property
    void committedIndexIsTheLargestIndexHeldByAMajority(@ForAll @Size(min = 1, max = 9) List<@LongRange(max = 50) Long> matches) {
        long fast = MajorityQuorum.committed(indexes(matches.size()), i -> matches.get(i));
        long oracle = 0;
        for (long candidate = 0; candidate <= 50; candidate++) {
            long c = candidate;
            long holders = matches.stream().filter(m -> m >= c).count();
            if (holders >= matches.size() / 2 + 1) {
                oracle = candidate;
            }
        }
        assertThat(fast).isEqualTo(oracle);
    }

    @Property
    void tallyAgreesWithCounting(@ForAll @IntRange(min = 1, max = 9) int voters,
                                 @ForAll("votes") List<Integer> answers) {
        Map<Integer, Boolean> votes = new HashMap<>();
        for (int i = 0; i < Math.min(voters, answers.size()); i++) {
            if (answers.get(i) != 0) {
                votes.put(i, answers.get(i) > 0);
            }
        }
        long yes = votes.values().stream().filter(v -> v).count();
        long no = votes.values().stream().filter(v -> !v).count();
        int quorum = voters / 2 + 1;
        MajorityQuorum.VoteResult expected = yes >= quorum ? MajorityQuorum.VoteResult.WON
                : no >= voters - quorum + 1 ? MajorityQuorum.VoteResult.LOST : MajorityQuorum.VoteResult.PENDING;
        assertThat(MajorityQuorum.tally(indexes(voters), votes)).isEqualTo(expected);
    }

    @Provide
    Arbitrary<List<Integer>> votes() {
        return Arbitraries.integers().between(-1, 1).list().ofMaxSize(9);
    }

    // Figure 2 receiver rules 2–4 on a plain list of terms: the follower's log after an append.
    @Property
    void followerLogMatchesFigure2(@ForAll @Size(max = 8) List<@IntRange(min = 1, max = 3) Integer> followerTerms,
                                   @ForAll @Size(max = 8) List<@IntRange(min = 1, max = 3) Integer> leaderTerms,
                                   @ForAll @IntRange(max = 8) int prevIndex, @ForAll @IntRange(max = 8) int count) {
        List<Integer> leader = nondecreasing(leaderTerms);
        List<Integer> follower = nondecreasing(followerTerms);
        if (prevIndex > leader.size()) {
            return;
        }
        int n = Math.min(count, leader.size() - prevIndex);
        long prevTerm = prevIndex == 0 ? 0 : leader.get(prevIndex - 1);
        List<Entry> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sent.add(Entry.command(leader.get(prevIndex + i), prevIndex + 1 + i, new byte[0]));
        }
        RaftLog log = new RaftLog(new PersistentState(HardState.INITIAL,
                PersistentState.bootstrap(Membership.ofVoters(3)).snapshot(), entries(follower)));
        long result = log.maybeAppend(prevIndex, prevTerm, sent);

        // The oracle: the rules, applied literally to a list.
        List<Integer> expected = new ArrayList<>(follower);
        boolean matches = prevIndex == 0 || (prevIndex <= expected.size() && expected.get(prevIndex - 1) == prevTerm);
        if (matches) {
            for (int i = 0; i < n; i++) {
                int index = prevIndex + i; // 0-based position
                int term = leader.get(index);
                if (index < expected.size() && expected.get(index) != term) {
                    expected.subList(index, expected.size()).clear(); // rule 3: delete it and all that follow
                }
                if (index >= expected.size()) {
                    expected.add(term); // rule 4: append entries not already in the log
                }
            }
        }
        assertThat(result).isEqualTo(matches ? prevIndex + n : -1);
        List<Integer> actual = new ArrayList<>();
        for (long i = 1; i <= log.lastIndex(); i++) {
            actual.add((int) log.term(i));
        }
        assertThat(actual).isEqualTo(expected);
    }

    @Property
    void inflightsBehaveAsABoundedQueue(@ForAll @IntRange(min = 1, max = 8) int countMax,
                                        @ForAll @Size(max = 60) List<@IntRange(min = -3, max = 20) Integer> ops) {
        Inflights inflights = new Inflights(countMax, 1_000);
        ArrayDeque<long[]> model = new ArrayDeque<>();
        long next = 1;
        for (int op : ops) {
            if (op >= 0 && !inflights.full()) {
                inflights.add(next, op);
                model.add(new long[] {next, op});
                next++;
            } else if (op < 0) {
                long upTo = next - 1 + op;
                inflights.freeUpTo(upTo);
                while (!model.isEmpty() && model.peek()[0] <= upTo) {
                    model.poll();
                }
            }
            long bytes = model.stream().mapToLong(e -> e[1]).sum();
            assertThat(inflights.count()).isEqualTo(model.size());
            assertThat(inflights.bytes()).isEqualTo(bytes);
            assertThat(inflights.full()).isEqualTo(model.size() == countMax || bytes >= 1_000);
        }
    }

    private static List<Integer> indexes(int n) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(i);
        }
        return ids;
    }

    /** Raft logs have non-decreasing terms. */
    private static List<Integer> nondecreasing(List<Integer> terms) {
        Integer[] sorted = terms.toArray(new Integer[0]);
        Arrays.sort(sorted);
        return List.of(sorted);
    }

    private static List<Entry> entries(List<Integer> terms) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < terms.size(); i++) {
            out.add(Entry.command(terms.get(i), i + 1, new byte[0]));
        }
        return out;
    }
}
