package titan.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bounds of {@link RaftLog}: where the snapshot ends and the entries begin, which indexes are
 * stable, committed and applied, and the invariants that refuse a position outside them. Each
 * case builds a small log and asserts one boundary from both sides.
 */
class RaftLogTest {
    private static final Membership THREE = Membership.ofVoters(3);

    /** Entries 1..n of the given terms after an empty snapshot, with {@code commit} as the stored hint. */
    static RaftLog log(long commit, long... terms) {
        return new RaftLog(new PersistentState(new HardState(terms.length == 0 ? 0 : terms[terms.length - 1], null,
                commit), PersistentState.bootstrap(THREE).snapshot(), entries(1, terms)));
    }

    /** Entries after a snapshot at {@code snapshotIndex}@{@code snapshotTerm}. */
    static RaftLog logAfterSnapshot(long snapshotIndex, long snapshotTerm, long commit, long... terms) {
        Snapshot snapshot = new Snapshot(new SnapshotMeta(snapshotIndex, snapshotTerm, THREE), new byte[] {1, 2});
        return new RaftLog(new PersistentState(new HardState(snapshotTerm, null, commit), snapshot,
                entries(snapshotIndex + 1, terms)));
    }

    static List<Entry> entries(long firstIndex, long... terms) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) {
            out.add(Entry.command(terms[i], firstIndex + i, new byte[] {(byte) i}));
        }
        return out;
    }

    private static Entry membershipEntry(long term, long index, Membership m) {
        return new Entry(term, index, EntryType.MEMBERSHIP, m.encode());
    }

    // ---- recovery

    // A recovered commit index is a hint (Figure 2 keeps commitIndex volatile): it is capped at the
    // last index and never below the snapshot, which is committed by definition (§7).
    static Stream<Arguments> recoveredCommitCases() {
        return Stream.of(
                Arguments.of("hint within the log", 0L, 2L, 2L),
                Arguments.of("hint equal to the last index", 0L, 3L, 3L),
                Arguments.of("hint beyond the log is capped", 0L, 9L, 3L),
                Arguments.of("hint below the snapshot is raised", 5L, 2L, 5L),
                Arguments.of("no hint after a snapshot", 5L, 0L, 5L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recoveredCommitCases")
    void recoveredCommitIndexIsCappedAndFloored(String name, long snapshotIndex, long hint, long expected) {
        RaftLog log = snapshotIndex == 0 ? log(hint, 1, 1, 1) : logAfterSnapshot(snapshotIndex, 1, hint, 1, 1, 1);
        assertThat(log.committed()).isEqualTo(expected);
        assertThat(log.applied()).as("nothing after the snapshot is applied yet").isEqualTo(snapshotIndex);
        assertThat(log.stable()).as("recovered entries are on disk").isEqualTo(snapshotIndex + 3);
        assertThat(log.unstableEntries()).isEmpty();
    }

    // ---- positions

    @Test
    void termIsKnownFromTheSnapshotToTheLastIndexOnly() {
        RaftLog log = logAfterSnapshot(4, 2, 0, 2, 3);
        assertThat(log.firstIndex()).isEqualTo(5);
        assertThat(log.lastIndex()).isEqualTo(6);
        assertThat(log.lastTerm()).isEqualTo(3);
        assertThat(log.term(3)).as("compacted away").isEqualTo(-1);
        assertThat(log.term(4)).as("the snapshot's last entry").isEqualTo(2);
        assertThat(log.term(5)).isEqualTo(2);
        assertThat(log.term(6)).isEqualTo(3);
        assertThat(log.term(7)).as("beyond the last index").isEqualTo(-1);
        assertThat(log.matchTerm(4, 2)).isTrue();
        assertThat(log.matchTerm(6, 2)).isFalse();
    }

    @Test
    void anEmptyLogEndsAtItsSnapshot() {
        RaftLog log = logAfterSnapshot(4, 2, 0);
        assertThat(log.lastIndex()).isEqualTo(4);
        assertThat(log.lastTerm()).isEqualTo(2);
        assertThat(log.snapshotIndex()).isEqualTo(4);
        assertThat(log.snapshot().data()).containsExactly(1, 2);
    }

    @Test
    void entryIsServedOnlyBetweenTheSnapshotAndTheLastIndex() {
        RaftLog log = logAfterSnapshot(4, 2, 0, 2, 3);
        assertThat(log.entry(5).index()).isEqualTo(5);
        assertThat(log.entry(6).term()).isEqualTo(3);
        assertThatThrownBy(() -> log.entry(4)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("entry 4 outside (4, 6]");
        assertThatThrownBy(() -> log.entry(7)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("entry 7 outside (4, 6]");
    }

    // §5.4.1: "If the logs have last entries with different terms, then the log with the later term
    // is more up-to-date. If the logs end with the same term, then whichever log is longer is more
    // up-to-date." Our log: 1@1 2@2 3@2.
    static Stream<Arguments> upToDateCases() {
        return Stream.of(
                Arguments.of("later term, shorter", 1L, 3L, true),
                Arguments.of("same term, longer", 4L, 2L, true),
                Arguments.of("same term, same length", 3L, 2L, true),
                Arguments.of("same term, shorter", 2L, 2L, false),
                Arguments.of("earlier term, longer", 9L, 1L, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("upToDateCases")
    void upToDateComparesLastTermThenLength(String name, long otherIndex, long otherTerm, boolean upToDate) {
        assertThat(log(0, 1, 2, 2).isUpToDate(otherIndex, otherTerm)).isEqualTo(upToDate);
    }

    // §5.3 fast backtracking: the largest index at or below `index` whose term is at most `term`.
    // Log after a snapshot at 2@1: 3@1 4@3 5@3 6@5.
    static Stream<Arguments> conflictCases() {
        return Stream.of(
                Arguments.of("the entry itself qualifies", 6L, 5L, 6L),
                Arguments.of("skips a later term", 6L, 4L, 5L),
                Arguments.of("skips two later terms", 6L, 2L, 3L),
                Arguments.of("an index beyond the log starts at the last index", 20L, 3L, 5L),
                Arguments.of("stops at the snapshot", 6L, 0L, 2L),
                Arguments.of("starting at the snapshot", 2L, 9L, 2L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conflictCases")
    void findConflictByTermSkipsLaterTerms(String name, long index, long term, long expected) {
        assertThat(logAfterSnapshot(2, 1, 0, 1, 3, 3, 5).findConflictByTerm(index, term)).isEqualTo(expected);
    }

    // ---- appending

    @Test
    void leaderAppendsOnlyAtTheNextIndex() {
        RaftLog log = log(0, 1, 1);
        assertThatThrownBy(() -> log.append(Entry.command(1, 4, null))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("append at 4 to a log ending at 2");
        assertThatThrownBy(() -> log.append(Entry.command(1, 2, null))).isInstanceOf(IllegalStateException.class);
        log.append(Entry.command(2, 3, null));
        assertThat(log.lastIndex()).isEqualTo(3);
        assertThat(log.unstableEntries()).extracting(Entry::index).containsExactly(3L);
    }

    // §7: entries the snapshot covers are committed and identical to the leader's: they are
    // skipped, and the rest is appended after the snapshot.
    @Test
    void appendSkipsEntriesCoveredByTheSnapshot() {
        RaftLog log = logAfterSnapshot(3, 1, 0, 1);
        // prev=3@1 matches the snapshot; entries 4..5 where 4 is held already with the same term.
        assertThat(log.maybeAppend(3, 1, entries(4, 1, 2))).isEqualTo(5);
        assertThat(log.lastIndex()).isEqualTo(5);
        assertThat(log.term(5)).isEqualTo(2);
    }

    @Test
    void appendStartingInsideTheSnapshotKeepsTheSnapshot() {
        RaftLog log = logAfterSnapshot(3, 1, 0);
        // The request's prev entry (2@1) is compacted, so it cannot be matched: refused as -1.
        assertThat(log.maybeAppend(2, 1, entries(3, 1, 1))).isEqualTo(-1);
        assertThat(log.lastIndex()).isEqualTo(3);
    }

    // Leader Completeness (§5.4): a committed entry is never truncated; a follower asked to do it
    // has met a broken leader, and the invariant stops it.
    @Test
    void refusesToTruncateACommittedEntry() {
        RaftLog log = log(0, 1, 1, 1);
        log.commitTo(2);
        assertThatThrownBy(() -> log.maybeAppend(1, 1, entries(2, 2))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("truncating committed entry 2 (committed 2)");
        assertThat(log.maybeAppend(2, 1, entries(3, 2))).as("the first uncommitted entry may go").isEqualTo(3);
        assertThat(log.term(3)).isEqualTo(2);
    }

    // §5.3: a truncated suffix is no longer on disk in the form the log now holds: the stable index
    // falls back, so the replacement entries are handed to the driver again.
    @Test
    void truncationMovesTheStableIndexBack() {
        RaftLog log = log(0, 1, 1, 1, 1);
        assertThat(log.stable()).isEqualTo(4);
        assertThat(log.maybeAppend(1, 1, entries(2, 2))).isEqualTo(2);
        assertThat(log.stable()).isEqualTo(1);
        assertThat(log.lastIndex()).isEqualTo(2);
        assertThat(log.unstableEntries()).extracting(Entry::index, Entry::term)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2L, 2L));
    }

    @Test
    void truncationDropsTheMembershipsItRemoves() {
        Membership five = Membership.ofVoters(5);
        RaftLog log = log(0, 1);
        log.append(membershipEntry(1, 2, five));
        assertThat(log.membership()).isEqualTo(five);
        assertThat(log.membershipIndex()).isEqualTo(2);
        log.maybeAppend(1, 1, entries(2, 2));
        assertThat(log.membership()).as("§4.1: the configuration goes with its entry").isEqualTo(THREE);
        assertThat(log.membershipIndex()).isEqualTo(0);
    }

    // The unsafe truncate-on-empty-append switch: only a strictly shorter, non-compacted prefix is kept.
    static Stream<Arguments> truncateAfterCases() {
        return Stream.of(
                Arguments.of("inside the log", 4L, 4L),
                Arguments.of("at the last index: nothing to drop", 6L, 6L),
                Arguments.of("beyond the last index: nothing to drop", 9L, 6L),
                Arguments.of("at the snapshot: every entry goes", 2L, 2L),
                Arguments.of("below the snapshot: refused", 1L, 6L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("truncateAfterCases")
    void truncateAfterKeepsAPrefix(String name, long index, long expectedLast) {
        RaftLog log = logAfterSnapshot(2, 1, 0, 1, 1, 1, 1);
        log.truncateAfter(index);
        assertThat(log.lastIndex()).isEqualTo(expectedLast);
        assertThat(log.stable()).isEqualTo(expectedLast);
    }

    // ---- batching

    // Every command entry of this log is 25 bytes (1 data byte + 24): a batch is the longest prefix
    // within the limit, but always at least one entry (RaftConfig.appendBytesMax).
    static Stream<Arguments> sliceCases() {
        return Stream.of(
                Arguments.of("limit fits exactly two", 1L, 50L, 2),
                Arguments.of("one byte short of two", 1L, 49L, 1),
                Arguments.of("a limit below one entry still sends one", 1L, 1L, 1),
                Arguments.of("everything from the middle", 3L, 10_000L, 2),
                Arguments.of("the last entry", 4L, 25L, 1),
                Arguments.of("beyond the last index", 5L, 10_000L, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sliceCases")
    void sliceHonoursTheByteLimit(String name, long from, long bytesMax, int count) {
        List<Entry> slice = log(0, 1, 1, 1, 1).slice(from, bytesMax);
        assertThat(slice).hasSize(count);
        if (count > 0) {
            assertThat(slice.get(0).index()).isEqualTo(from);
        }
    }

    @Test
    void sliceRefusesCompactedIndexes() {
        RaftLog log = logAfterSnapshot(2, 1, 0, 1);
        assertThatThrownBy(() -> log.slice(2, 100)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("slice from compacted index 2");
        assertThat(log.slice(3, 100)).hasSize(1);
    }

    // ---- persistence, commit, apply

    @Test
    void stableToAcceptsOnlyTheEntriesStillHeld() {
        RaftLog log = log(0, 1);
        log.append(Entry.command(1, 2, null));
        log.append(Entry.command(1, 3, null));
        log.stableTo(3, 2);
        assertThat(log.stable()).as("term mismatch: the entry was replaced since").isEqualTo(1);
        log.stableTo(2, 1);
        assertThat(log.stable()).isEqualTo(2);
        assertThat(log.unstableEntries()).extracting(Entry::index).containsExactly(3L);
        log.stableTo(1, 1);
        assertThat(log.stable()).as("never backwards").isEqualTo(2);
        log.stableTo(3, 1);
        assertThat(log.stable()).isEqualTo(3);
        assertThat(log.unstableEntries()).isEmpty();
    }

    @Test
    void commitOnlyMovesForwardAndNeverBeyondTheLog() {
        RaftLog log = log(0, 1, 1, 1);
        log.commitTo(2);
        log.commitTo(1);
        assertThat(log.committed()).isEqualTo(2);
        log.commitTo(3);
        assertThat(log.committed()).isEqualTo(3);
        assertThatThrownBy(() -> log.commitTo(4)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("commit index 4 beyond last index 3");
    }

    @Test
    void appliesExactlyTheCommittedEntriesNotYetApplied() {
        RaftLog log = logAfterSnapshot(2, 1, 0, 1, 1, 1);
        assertThat(log.entriesToApply(0, Long.MAX_VALUE)).isEmpty();
        log.commitTo(4);
        assertThat(log.entriesToApply(0, Long.MAX_VALUE)).extracting(Entry::index).containsExactly(3L, 4L);
        // Bounded: after what was already handed out, up to what is durable, never past the commit.
        assertThat(log.entriesToApply(3, Long.MAX_VALUE)).extracting(Entry::index).containsExactly(4L);
        assertThat(log.entriesToApply(0, 3)).extracting(Entry::index).containsExactly(3L);
        assertThat(log.entriesToApply(0, 5)).extracting(Entry::index).containsExactly(3L, 4L);
        assertThat(log.entriesToApply(4, 4)).isEmpty();
        log.appliedTo(3);
        assertThat(log.entriesToApply(0, Long.MAX_VALUE)).extracting(Entry::index).containsExactly(4L);
        log.appliedTo(4);
        assertThat(log.entriesToApply(0, Long.MAX_VALUE)).isEmpty();
        assertThatThrownBy(() -> log.appliedTo(5)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("applied 5 outside [4, 4]");
        assertThatThrownBy(() -> log.appliedTo(3)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("applied 3 outside [4, 4]");
    }

    // ---- snapshots (§7)

    @Test
    void compactionReplacesThePrefixUpToTheAppliedIndex() {
        RaftLog log = log(0, 1, 1, 2, 2);
        log.commitTo(3);
        log.appliedTo(3);
        assertThatThrownBy(() -> log.compact(4, new byte[0])).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("snapshot at 4 beyond applied 3");
        Snapshot snapshot = log.compact(3, new byte[] {7});
        assertThat(snapshot.meta()).isEqualTo(new SnapshotMeta(3, 2, THREE));
        assertThat(log.snapshotIndex()).isEqualTo(3);
        assertThat(log.firstIndex()).isEqualTo(4);
        assertThat(log.lastIndex()).isEqualTo(4);
        assertThat(log.term(3)).isEqualTo(2);
        assertThat(log.entry(4).term()).isEqualTo(2);
        assertThat(log.snapshot().data()).containsExactly(7);
        assertThatThrownBy(() -> log.compact(3, new byte[0])).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("snapshot at 3 not after current 3");
        assertThatThrownBy(() -> log.compact(2, new byte[0])).isInstanceOf(IllegalStateException.class);
    }

    // A snapshot carries the membership in force at its index, and memberships it covers leave the
    // log's table, so the configuration survives compaction (§7: "latest configuration as of lastIncludedIndex").
    @Test
    void compactionKeepsTheMembershipAtItsIndex() {
        Membership five = Membership.ofVoters(5);
        Membership four = Membership.ofVoters(4);
        RaftLog log = log(0, 1);
        log.append(membershipEntry(1, 2, five));
        log.append(Entry.command(1, 3, null));
        log.append(membershipEntry(1, 4, four));
        log.commitTo(4);
        log.appliedTo(4);
        assertThat(log.membershipAt(1)).isEqualTo(THREE);
        assertThat(log.membershipAt(3)).isEqualTo(five);
        assertThat(log.membershipAt(4)).isEqualTo(four);
        Snapshot snapshot = log.compact(3, new byte[0]);
        assertThat(snapshot.meta().membership()).isEqualTo(five);
        assertThat(log.membershipAt(3)).isEqualTo(five);
        assertThat(log.membership()).isEqualTo(four);
        assertThat(log.membershipIndex()).isEqualTo(4);
        log.compact(4, new byte[0]);
        assertThat(log.membership()).as("from the snapshot now").isEqualTo(four);
        assertThat(log.membershipIndex()).as("no entry left: the snapshot index").isEqualTo(4);
    }

    @Test
    void restoreDiscardsTheWholeLog() {
        RaftLog log = log(0, 1, 1, 1);
        log.append(membershipEntry(1, 4, Membership.ofVoters(5)));
        Membership two = Membership.ofVoters(2);
        log.restore(new Snapshot(new SnapshotMeta(9, 3, two), new byte[] {5}));
        assertThat(log.lastIndex()).isEqualTo(9);
        assertThat(log.lastTerm()).isEqualTo(3);
        assertThat(log.committed()).isEqualTo(9);
        assertThat(log.applied()).isEqualTo(9);
        assertThat(log.stable()).isEqualTo(9);
        assertThat(log.unstableEntries()).isEmpty();
        assertThat(log.entriesToApply(0, Long.MAX_VALUE)).isEmpty();
        assertThat(log.membership()).isEqualTo(two);
        assertThat(log.membershipIndex()).isEqualTo(9);
        assertThat(log.term(4)).isEqualTo(-1);
    }
}
