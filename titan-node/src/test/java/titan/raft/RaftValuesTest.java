package titan.raft;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import titan.raft.quorum.MajorityQuorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The value types at the edge of the Raft core refuse what cannot be valid (bad input gets a clear
 * error, never a crash later), and the snapshot buffer reassembles chunks byte for byte (§7).
 */
class RaftValuesTest {
    private static final Membership THREE = Membership.ofVoters(3);

    // Figure 2: terms and indexes of log entries start at 1.
    static Stream<Arguments> badEntries() {
        return Stream.of(Arguments.of(0L, 1L), Arguments.of(1L, 0L), Arguments.of(-1L, 5L), Arguments.of(5L, -1L));
    }

    @ParameterizedTest(name = "term {0}, index {1}")
    @MethodSource("badEntries")
    void entriesHavePositiveTermAndIndex(long term, long index) {
        assertThatThrownBy(() -> Entry.command(term, index, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("entries have positive term and index");
    }

    @Test
    void entriesAreValuesWithASize() {
        assertThatThrownBy(() -> new Entry(1, 1, null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("entry type is required");
        Entry a = Entry.command(1, 1, new byte[] {1, 2});
        assertThat(a).isEqualTo(Entry.command(1, 1, new byte[] {1, 2})).hasSameHashCodeAs(Entry.command(1, 1, new byte[] {1, 2}));
        assertThat(a).isNotEqualTo(Entry.command(1, 1, new byte[] {1, 3}));
        assertThat(a).isNotEqualTo(Entry.command(2, 1, new byte[] {1, 2}));
        assertThat(a).isNotEqualTo(Entry.command(1, 2, new byte[] {1, 2}));
        assertThat(a).isNotEqualTo(new Entry(1, 1, EntryType.NOOP, new byte[] {1, 2}));
        assertThat(a.sizeBytes()).isEqualTo(26);
        assertThat(Entry.noop(3, 4).data()).isEmpty();
        assertThat(Entry.noop(3, 4).sizeBytes()).isEqualTo(24);
        assertThat(Entry.noop(3, 4).type()).isEqualTo(EntryType.NOOP);
        assertThat(a).hasToString("Entry[1@1 COMMAND 2B]");
    }

    @Test
    void hardStateRefusesNegatives() {
        assertThatThrownBy(() -> new HardState(-1, null, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HardState(0, null, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new HardState(0, null, 0)).isEqualTo(HardState.INITIAL);
    }

    // §7: a snapshot at index 0 is the empty bootstrap one and only it has term 0.
    static Stream<Arguments> snapshotPositions() {
        return Stream.of(Arguments.of(-1L, 1L, false), Arguments.of(1L, -1L, false), Arguments.of(0L, 1L, false),
                Arguments.of(1L, 0L, false), Arguments.of(0L, 0L, true), Arguments.of(4L, 2L, true));
    }

    @ParameterizedTest(name = "{0}@{1}")
    @MethodSource("snapshotPositions")
    void snapshotPositionsAreConsistent(long index, long term, boolean valid) {
        if (valid) {
            assertThat(new SnapshotMeta(index, term, THREE).index()).isEqualTo(index);
        } else {
            assertThatThrownBy(() -> new SnapshotMeta(index, term, THREE)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("bad snapshot position " + index + "@" + term);
        }
    }

    @Test
    void snapshotsAreValues() {
        SnapshotMeta meta = new SnapshotMeta(4, 2, THREE);
        Snapshot s = new Snapshot(meta, new byte[] {1});
        assertThat(s).isEqualTo(new Snapshot(meta, new byte[] {1})).hasSameHashCodeAs(new Snapshot(meta, new byte[] {1}));
        assertThat(s).isNotEqualTo(new Snapshot(meta, new byte[] {2}));
        assertThat(s).isNotEqualTo(new Snapshot(new SnapshotMeta(5, 2, THREE), new byte[] {1}));
        assertThat(new Snapshot(meta, null).data()).isEmpty();
        assertThat(s).hasToString("Snapshot[4@2 voters=[n1, n2, n3] 1B]");
    }

    @Test
    void nodeIdsArePositiveAndParse() {
        assertThatThrownBy(() -> NodeId.of(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(NodeId.of(1).value()).isEqualTo(1);
        assertThat(NodeId.parse("n3")).isEqualTo(NodeId.of(3));
        assertThat(NodeId.parse("3")).isEqualTo(NodeId.of(3));
        assertThatThrownBy(() -> NodeId.parse("x3")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a node id: 'x3' (expected n1, n2, ...)");
        assertThat(NodeId.of(2).compareTo(NodeId.of(10))).isNegative();
        assertThat(NodeId.of(10).compareTo(NodeId.of(2))).isPositive();
        assertThat(NodeId.of(7)).hasToString("n7");
    }

    @Test
    void recoveredEntriesMustFollowTheSnapshotContiguously() {
        Snapshot snapshot = new Snapshot(new SnapshotMeta(4, 1, THREE), new byte[0]);
        assertThatThrownBy(() -> new PersistentState(HardState.INITIAL, snapshot, List.of(Entry.command(1, 6, null))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not contiguous after the snapshot at 4: found index 6");
        assertThatThrownBy(() -> new PersistentState(HardState.INITIAL, snapshot,
                List.of(Entry.command(1, 5, null), Entry.command(1, 7, null))))
                .hasMessageContaining("found index 7");
        assertThatThrownBy(() -> new PersistentState(null, snapshot, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PersistentState(HardState.INITIAL, null, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new PersistentState(HardState.INITIAL, snapshot,
                List.of(Entry.command(1, 5, null), Entry.command(1, 6, null))).entries()).hasSize(2);
        PersistentState fresh = PersistentState.bootstrap(THREE);
        assertThat(fresh.snapshot().meta()).isEqualTo(new SnapshotMeta(0, 0, THREE));
        assertThat(fresh.hardState()).isEqualTo(HardState.INITIAL);
        assertThat(fresh.entries()).isEmpty();
    }

    // RaftConfig documents 1 <= heartbeatTicks < electionTicks and positive limits.
    static Stream<Arguments> badTicks() {
        return Stream.of(Arguments.of(1, 1), Arguments.of(10, 0), Arguments.of(10, 10), Arguments.of(10, 11));
    }

    @ParameterizedTest(name = "election {0}, heartbeat {1}")
    @MethodSource("badTicks")
    void configRefusesBadTicks(int election, int heartbeat) {
        RaftConfig base = RaftConfig.defaults(NodeId.of(1));
        assertThatThrownBy(() -> base.withTicks(election, heartbeat)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("need 1 <= heartbeatTicks < electionTicks");
    }

    @Test
    void configAcceptsTheSmallestTicksAndLimits() {
        RaftConfig c = RaftConfig.defaults(NodeId.of(1)).withTicks(2, 1).withFlowControl(1, 1, 1).withSnapshotChunkBytes(1);
        assertThat(c.electionTicks()).isEqualTo(2);
        assertThat(c.heartbeatTicks()).isEqualTo(1);
        assertThat(c.appendBytesMax()).isEqualTo(1);
        assertThat(c.inflightAppendsMax()).isEqualTo(1);
        assertThat(c.inflightBytesMax()).isEqualTo(1);
        assertThat(c.snapshotChunkBytes()).isEqualTo(1);
        assertThat(new RaftConfig(NodeId.of(1), 10, 1, true, true, 1, 1, 1, 1, 1, 0, Set.of()).learnerCatchUpEntries())
                .isZero();
    }

    static Stream<Arguments> badLimits() {
        return Stream.of(
                Arguments.of(0, 1, 1L, 1L, 1, 0L), Arguments.of(1, 0, 1L, 1L, 1, 0L), Arguments.of(1, 1, 0L, 1L, 1, 0L),
                Arguments.of(1, 1, 1L, 0L, 1, 0L), Arguments.of(1, 1, 1L, 1L, 0, 0L), Arguments.of(1, 1, 1L, 1L, 1, -1L));
    }

    @ParameterizedTest
    @MethodSource("badLimits")
    void configRefusesNonPositiveLimits(int appendBytes, int inflight, long inflightBytes, long uncommitted, int chunk,
                                        long catchUp) {
        assertThatThrownBy(() -> new RaftConfig(NodeId.of(1), 10, 1, true, true, appendBytes, inflight, inflightBytes,
                uncommitted, chunk, catchUp, Set.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("limits must be positive");
    }

    @Test
    void configWithersChangeOneSettingEach() {
        RaftConfig d = RaftConfig.defaults(NodeId.of(2));
        assertThat(d.preVote()).isTrue();
        assertThat(d.checkQuorum()).isTrue();
        assertThat(d.unsafe()).isEmpty();
        assertThat(d.withPreVote(false).preVote()).isFalse();
        assertThat(d.withPreVote(false).checkQuorum()).isTrue();
        assertThat(d.withCheckQuorum(false).checkQuorum()).isFalse();
        assertThat(d.withCheckQuorum(false).preVote()).isTrue();
        RaftConfig unsafe = d.withUnsafe(EnumSet.of(UnsafeMode.COMMIT_PREVIOUS_TERM));
        assertThat(unsafe.isUnsafe(UnsafeMode.COMMIT_PREVIOUS_TERM)).isTrue();
        assertThat(unsafe.isUnsafe(UnsafeMode.CONCURRENT_MEMBERSHIP)).isFalse();
        assertThat(d.isUnsafe(UnsafeMode.COMMIT_PREVIOUS_TERM)).isFalse();
        RaftConfig all = d.withUnsafe(EnumSet.allOf(UnsafeMode.class)).withTicks(4, 2).withPreVote(false)
                .withCheckQuorum(false).withFlowControl(7, 8, 9).withSnapshotChunkBytes(10);
        assertThat(all.unsafe()).hasSize(UnsafeMode.values().length);
        assertThat(all.self()).isEqualTo(NodeId.of(2));
        assertThat(all.electionTicks()).isEqualTo(4);
        assertThat(all.appendBytesMax()).isEqualTo(7);
        assertThat(all.snapshotChunkBytes()).isEqualTo(10);
        assertThat(all.uncommittedBytesMax()).isEqualTo(d.uncommittedBytesMax());
        assertThat(all.learnerCatchUpEntries()).isEqualTo(d.learnerCatchUpEntries());
    }

    @Test
    void unsafeModesParseByFlag() {
        assertThat(UnsafeMode.parseList(" commit-previous-term,stale-reads "))
                .containsExactlyInAnyOrder(UnsafeMode.COMMIT_PREVIOUS_TERM, UnsafeMode.STALE_READS);
        assertThat(UnsafeMode.parseList("")).isEmpty();
        assertThat(UnsafeMode.parseList("  ")).isEmpty();
        assertThat(UnsafeMode.parseList(null)).isEmpty();
        assertThatThrownBy(() -> UnsafeMode.fromFlag("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown unsafe mode 'nope'; known: vote-without-log-check, ");
        assertThat(UnsafeMode.NO_FSYNC.layer()).isEqualTo(UnsafeMode.Layer.NODE);
        assertThat(UnsafeMode.READ_WITHOUT_HEARTBEAT.layer()).isEqualTo(UnsafeMode.Layer.RAFT);
        for (UnsafeMode mode : UnsafeMode.values()) {
            assertThat(UnsafeMode.fromFlag(mode.flag())).isEqualTo(mode);
        }
    }

    @Test
    void invariantsThrowWithTheFormattedMessage() {
        Invariants.check(true, "never %s", "shown");
        Invariants.check(true, "never");
        assertThatThrownBy(() -> Invariants.check(false, "index %d", 7)).isInstanceOf(IllegalStateException.class)
                .hasMessage("invariant violated: index 7");
        assertThatThrownBy(() -> Invariants.check(false, "plain")).isInstanceOf(IllegalStateException.class)
                .hasMessage("invariant violated: plain");
    }

    @Test
    void anEmptyVoterSetNeverConstrainsTheCommitIndex() {
        assertThat(MajorityQuorum.committed(List.<Integer>of(), i -> 0)).isEqualTo(Long.MAX_VALUE);
    }

    // ---- the snapshot buffer (§7: "write data into snapshot file at given offset")

    @Test
    void snapshotChunksAreReassembledInOrder() {
        SnapshotMeta meta = new SnapshotMeta(9, 2, THREE);
        SnapshotReceiver r = new SnapshotReceiver(meta);
        assertThat(r.meta()).isEqualTo(meta);
        byte[] expected = new byte[5000];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) (i * 31);
        }
        int[] chunkSizes = {1, 1023, 0, 1024, 1, 2951}; // crosses the initial 1 KiB buffer exactly, then grows past double
        int at = 0;
        for (int size : chunkSizes) {
            r.append(java.util.Arrays.copyOfRange(expected, at, at + size));
            at += size;
            assertThat(r.size()).isEqualTo(at);
        }
        Snapshot snapshot = r.finish();
        assertThat(snapshot.meta()).isEqualTo(meta);
        assertThat(snapshot.data()).containsExactly(expected);
        assertThat(new SnapshotReceiver(meta).finish().data()).isEmpty();
    }

    @Test
    void snapshotBufferGrowsByMoreThanOneChunkWhenNeeded() {
        SnapshotReceiver r = new SnapshotReceiver(new SnapshotMeta(1, 1, THREE));
        byte[] big = new byte[3000];
        big[2999] = 42;
        r.append(new byte[] {7});
        r.append(big);
        byte[] data = r.finish().data();
        assertThat(data).hasSize(3001);
        assertThat(data[0]).isEqualTo((byte) 7);
        assertThat(data[3000]).isEqualTo((byte) 42);
    }
}
