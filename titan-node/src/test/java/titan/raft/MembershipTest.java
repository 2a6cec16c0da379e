package titan.raft;

import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Configurations (dissertation §4.1, §4.2.1): the quorum size of each voter count, the single-server
 * steps between configurations, and the entry encoding, round-tripped as a property and refused
 * byte by byte when malformed.
 */
class MembershipTest {
    private static final NodeId N1 = NodeId.of(1);
    private static final NodeId N4 = NodeId.of(4);

    // §5.2/§4.1: a quorum is a strict majority of the voters; learners never count.
    static Stream<Arguments> quorumCases() {
        return Stream.of(Arguments.of(1, 1), Arguments.of(2, 2), Arguments.of(3, 2), Arguments.of(4, 3),
                Arguments.of(5, 3), Arguments.of(6, 4), Arguments.of(7, 4));
    }

    @ParameterizedTest(name = "{0} voters need {1}")
    @MethodSource("quorumCases")
    void quorumIsAStrictMajorityOfTheVoters(int voters, int quorum) {
        assertThat(Membership.ofVoters(voters).quorum()).isEqualTo(quorum);
        assertThat(Membership.ofVoters(voters).withLearner(NodeId.of(99)).quorum()).isEqualTo(quorum);
        assertThat(titan.raft.quorum.MajorityQuorum.size(voters)).isEqualTo(quorum);
    }

    @Test
    void singleServerStepsMoveOneNodeBetweenTheSets() {
        Membership three = Membership.ofVoters(3);
        Membership withLearner = three.withLearner(N4);
        assertThat(withLearner.isLearner(N4)).isTrue();
        assertThat(withLearner.isVoter(N4)).isFalse();
        assertThat(withLearner.contains(N4)).isTrue();
        assertThat(withLearner.members()).containsExactly(N1, NodeId.of(2), NodeId.of(3), N4);

        Membership promoted = withLearner.withVoter(N4);
        assertThat(promoted.isVoter(N4)).isTrue();
        assertThat(promoted.isLearner(N4)).isFalse();
        assertThat(promoted.learners()).isEmpty();
        assertThat(promoted.voters()).hasSize(4);

        Membership demoted = promoted.withLearner(N4);
        assertThat(demoted.voters()).hasSize(3);
        assertThat(demoted.learners()).containsExactly(N4);

        assertThat(withLearner.without(N4)).isEqualTo(three);
        assertThat(promoted.without(N1).contains(N1)).isFalse();
        assertThat(promoted.without(N1).voters()).hasSize(3);
        assertThat(three.contains(N4)).isFalse();
    }

    @Test
    void aNodeIsNeverBothVoterAndLearner() {
        TreeSet<NodeId> both = new TreeSet<>(Set.of(N1));
        assertThatThrownBy(() -> new Membership(both, both)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("n1 is both a voter and a learner");
    }

    @Test
    void describesVotersAndLearners() {
        assertThat(Membership.ofVoters(2)).hasToString("voters=[n1, n2]");
        assertThat(Membership.ofVoters(2).withLearner(N4)).hasToString("voters=[n1, n2] learners=[n4]");
    }

    // ---- the entry encoding

    @Property
    void encodingRoundTrips(@ForAll @Size(max = 7) Set<@IntRange(min = 1, max = 100_000) Integer> voters,
                            @ForAll @Size(max = 7) Set<@IntRange(min = 100_001, max = Integer.MAX_VALUE) Integer> learners) {
        TreeSet<NodeId> v = new TreeSet<>();
        voters.forEach(i -> v.add(NodeId.of(i)));
        TreeSet<NodeId> l = new TreeSet<>();
        learners.forEach(i -> l.add(NodeId.of(i)));
        Membership m = new Membership(v, l);
        byte[] bytes = m.encode();
        assertThat(bytes).hasSize(4 * (2 + voters.size() + learners.size()));
        assertThat(Membership.decode(bytes)).isEqualTo(m);
    }

    @Test
    void encodingIsBigEndian() {
        Membership m = new Membership(new TreeSet<>(Set.of(NodeId.of(0x01020304))), new TreeSet<>(Set.of(NodeId.of(0xA0))));
        assertThat(m.encode()).containsExactly(0, 0, 0, 1, 1, 2, 3, 4, 0, 0, 0, 1, 0, 0, 0, (byte) 0xA0);
    }

    static Stream<Arguments> malformedCases() {
        return Stream.of(
                Arguments.of("empty", new byte[0], "truncated membership entry"),
                Arguments.of("count without ids", new byte[] {0, 0, 0, 1}, "truncated membership entry"),
                Arguments.of("no learner count", new byte[] {0, 0, 0, 1, 0, 0, 0, 1}, "truncated membership entry"),
                Arguments.of("negative voter count", new byte[] {(byte) 0xff, 0, 0, 0, 0, 0, 0, 0}, "bad member count"),
                Arguments.of("voter count beyond the bytes", new byte[] {0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0},
                        "bad member count 4"),
                Arguments.of("voter count of a quarter of the bytes", new byte[] {0, 0, 0, 2, 0, 0, 0, 1},
                        "truncated membership entry"),
                Arguments.of("negative learner count", new byte[] {0, 0, 0, 0, (byte) 0x80, 0, 0, 0}, "bad member count"),
                Arguments.of("learner count beyond the bytes", new byte[] {0, 0, 0, 0, 0, 0, 0, 3}, "bad member count 3"),
                Arguments.of("trailing bytes", new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 9}, "trailing bytes"),
                Arguments.of("a zero node id", new byte[] {0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, "node ids are positive"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedCases")
    void malformedEntriesAreRefused(String name, byte[] data, String message) {
        assertThatThrownBy(() -> Membership.decode(data)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
