package titan.node.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import titan.raft.Entry;
import titan.raft.EntryType;
import titan.raft.HardState;
import titan.raft.Membership;
import titan.raft.NodeId;
import titan.raft.Snapshot;
import titan.raft.SnapshotMeta;

/**
 * The {@link LogStore} contract, run once per implementation (HdrHistogram-style class-parameterized
 * tests): {@code FileLogStoreTest} on a real directory, {@code SimDiskLogStoreTest} in memory. Every
 * test writes, then reopens the store as a restarted process would, and checks what
 * {@link LogStore#recover()} returns.
 */
public abstract class LogStoreContract {
    private final List<LogStore> opened = new ArrayList<>();
    /** The store handed out by the latest {@link #restart}, for writing after it. */
    protected LogStore lastReopened;

    /** A new, empty store (not yet recovered). */
    protected abstract LogStore newStore();

    /** The same storage as {@code store}, reopened after a process restart (closed, no power loss). */
    protected abstract LogStore reopen(LogStore store);

    @AfterEach
    void closeAll() {
        opened.forEach(LogStore::close);
    }

    protected LogStore open() {
        LogStore store = newStore();
        opened.add(store);
        assertThat(store.recover().entries()).isEmpty();
        return store;
    }

    protected RecoveredState restart(LogStore store) {
        LogStore again = reopen(store);
        opened.add(again);
        lastReopened = again;
        return again.recover();
    }

    @Test
    void aFreshStoreRecoversNothing() {
        RecoveredState state = newStoreRecovered();
        assertThat(state.hardState()).isEqualTo(HardState.INITIAL);
        assertThat(state.snapshot()).isNull();
        assertThat(state.entries()).isEmpty();
        assertThat(state.tornTailBytes()).isZero();
        assertThat(state.lastIndex()).isZero();
    }

    @Test
    void syncedEntriesAndHardStateSurviveARestart() {
        LogStore store = open();
        store.append(entries(1, 1, 3));
        store.saveHardState(new HardState(1, NodeId.of(2), 2));
        store.append(entries(1, 4, 5));
        store.saveHardState(new HardState(2, null, 5));
        store.sync();
        RecoveredState state = restart(store);
        assertThat(state.entries()).isEqualTo(entries(1, 1, 5));
        assertThat(state.hardState()).isEqualTo(new HardState(2, null, 5));
        assertThat(state.tornTailBytes()).isZero();
    }

    @Test
    void everyEntryKindAndSizeRoundTrips() {
        LogStore store = open();
        List<Entry> mixed = List.of(Entry.noop(1, 1), Entry.command(1, 2, new byte[0]),
                new Entry(1, 3, EntryType.MEMBERSHIP, Membership.ofVoters(3).encode()),
                Entry.command(Long.MAX_VALUE, 4, new byte[1 << 20]));
        store.append(mixed);
        store.sync();
        assertThat(restart(store).entries()).isEqualTo(mixed);
    }

    // §5.3: "If an existing entry conflicts with a new one, delete the existing entry and all that follow it."
    @Test
    void appendingAtAnEarlierIndexReplacesTheSuffix() {
        LogStore store = open();
        store.append(entries(1, 1, 5));
        store.sync();
        store.append(entries(2, 3, 4));
        store.sync();
        assertThat(restart(store).entries()).isEqualTo(concat(entries(1, 1, 2), entries(2, 3, 4)));
        lastReopened.append(entries(3, 1, 1)); // replacing from the very first entry
        lastReopened.sync();
        assertThat(restart(lastReopened).entries()).isEqualTo(entries(3, 1, 1));
    }

    @Test
    void overwritesWithinOneBatchAreResolvedToo() {
        LogStore store = open();
        store.append(entries(1, 1, 4));
        store.append(entries(2, 2, 2));
        store.append(entries(3, 3, 3));
        store.sync();
        assertThat(restart(store).entries())
                .isEqualTo(List.of(entry(1, 1), entry(2, 2), entry(3, 3)));
    }

    @Test
    void appendRefusesGapsAndIndexesBeforeTheSnapshot() {
        LogStore store = open();
        store.append(entries(1, 1, 3));
        assertThatThrownBy(() -> store.append(entries(1, 5, 6))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must start in [1, 4]");
        assertThatThrownBy(() -> store.append(List.of(entry(1, 4), entry(1, 6))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not consecutive");
        store.saveSnapshot(snapshot(2, 1, "s"));
        assertThatThrownBy(() -> store.append(entries(1, 2, 2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must start in [3, 4]");
        store.append(List.of());
        store.sync();
        assertThat(restart(store).entries()).isEqualTo(entries(1, 3, 3));
    }

    @Test
    void writesBeforeRecoverAreRefused() {
        LogStore store = newStore();
        opened.add(store);
        assertThatThrownBy(() -> store.append(entries(1, 1, 1))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.saveHardState(HardState.INITIAL)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(store::sync).isInstanceOf(IllegalStateException.class);
    }

    // §7: compaction keeps the entries after the snapshot and drops the ones it covers.
    @Test
    void savingASnapshotDropsTheEntriesItCovers() {
        LogStore store = open();
        store.append(entries(1, 1, 10));
        store.saveHardState(new HardState(1, NodeId.of(1), 8));
        store.saveSnapshot(snapshot(6, 1, "at six"));
        RecoveredState state = restart(store);
        assertThat(state.snapshot()).isEqualTo(snapshot(6, 1, "at six"));
        assertThat(state.entries()).isEqualTo(entries(1, 7, 10));
        assertThat(state.hardState()).isEqualTo(new HardState(1, NodeId.of(1), 8));
        lastReopened.append(entries(2, 9, 12));
        lastReopened.saveSnapshot(snapshot(10, 2, "at ten"));
        state = restart(lastReopened);
        assertThat(state.snapshot()).isEqualTo(snapshot(10, 2, "at ten"));
        assertThat(state.entries()).isEqualTo(entries(2, 11, 12));
        assertThat(state.lastIndex()).isEqualTo(12);
    }

    @Test
    void aSnapshotBeyondTheLastEntryLeavesAnEmptyLogAfterIt() {
        LogStore store = open();
        store.append(entries(1, 1, 3));
        store.saveSnapshot(snapshot(5, 1, "ahead"));
        store.append(entries(1, 6, 6));
        store.sync();
        RecoveredState state = restart(store);
        assertThat(state.entries()).isEqualTo(entries(1, 6, 6));
        assertThat(state.snapshot().meta().index()).isEqualTo(5);
    }

    @Test
    void anOlderSnapshotIsRefused() {
        LogStore store = open();
        store.append(entries(1, 1, 5));
        store.saveSnapshot(snapshot(4, 1, "new"));
        assertThatThrownBy(() -> store.saveSnapshot(snapshot(3, 1, "old")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("older");
    }

    // §7: a snapshot from the leader replaces the whole log, even entries after its index, which may conflict.
    @Test
    void installingASnapshotReplacesTheWholeLogButKeepsTheHardState() {
        LogStore store = open();
        store.append(entries(1, 1, 10));
        store.saveHardState(new HardState(3, NodeId.of(2), 4));
        store.sync();
        store.append(entries(1, 11, 12)); // unsynced, and replaced anyway
        store.saveHardState(new HardState(3, NodeId.of(2), 5)); // unsynced, but must be kept
        store.installSnapshot(snapshot(5, 3, "from the leader"));
        RecoveredState state = restart(store);
        assertThat(state.snapshot()).isEqualTo(snapshot(5, 3, "from the leader"));
        assertThat(state.entries()).isEmpty();
        assertThat(state.lastIndex()).isEqualTo(5);
        assertThat(state.hardState()).isEqualTo(new HardState(3, NodeId.of(2), 5));
        lastReopened.append(entries(3, 6, 7));
        lastReopened.sync();
        assertThat(restart(lastReopened).entries()).isEqualTo(entries(3, 6, 7));
    }

    @Test
    void anInstalledSnapshotMayBeAheadOfTheLog() {
        LogStore store = open();
        store.append(entries(1, 1, 2));
        store.installSnapshot(snapshot(100, 4, "far ahead"));
        assertThatThrownBy(() -> store.append(entries(4, 3, 3))).isInstanceOf(IllegalArgumentException.class);
        store.append(entries(4, 101, 102));
        store.sync();
        RecoveredState state = restart(store);
        assertThat(state.entries()).isEqualTo(entries(4, 101, 102));
        assertThat(state.toPersistentState(Membership.EMPTY).snapshot().meta().index()).isEqualTo(100);
    }

    @Test
    void aSnapshotKeepsItsMembershipAndData() {
        LogStore store = open();
        Membership membership = Membership.ofVoters(3).withLearner(NodeId.of(4));
        Snapshot snapshot = new Snapshot(new SnapshotMeta(0, 0, membership), new byte[0]);
        store.saveSnapshot(snapshot); // a bootstrap snapshot at index 0, as PersistentState.bootstrap makes
        assertThat(restart(store).snapshot()).isEqualTo(snapshot);
        Snapshot big = new Snapshot(new SnapshotMeta(0, 0, membership), new byte[3 << 20]);
        lastReopened.saveSnapshot(big);
        assertThat(restart(lastReopened).snapshot()).isEqualTo(big);
    }

    @Test
    void syncWithNothingToWriteIsHarmless() {
        LogStore store = open();
        store.sync();
        store.sync();
        store.append(entries(1, 1, 1));
        store.sync();
        store.sync();
        assertThat(restart(store).entries()).isEqualTo(entries(1, 1, 1));
    }

    @Test
    void manyGroupCommitsAndSnapshotsKeepTheLogExact() {
        // A longer run that mixes batches, overwrites, hard states and compactions, checked against a list.
        LogStore store = open();
        List<Entry> model = new ArrayList<>();
        long snapshotIndex = 0;
        for (int round = 1; round <= 60; round++) {
            long start = round % 7 == 0 && model.size() > 3 ? model.get(model.size() - 3).index()
                    : lastIndex(model, snapshotIndex) + 1;
            List<Entry> batch = entries(round, start, start + 20);
            model.removeIf(e -> e.index() >= start);
            model.addAll(batch);
            store.append(batch);
            store.saveHardState(new HardState(round, null, start));
            store.sync();
            if (round % 10 == 0) {
                snapshotIndex = start;
                long covered = snapshotIndex;
                model.removeIf(e -> e.index() <= covered);
                store.saveSnapshot(snapshot(snapshotIndex, round, "r" + round));
            }
        }
        RecoveredState state = restart(store);
        assertThat(state.entries()).isEqualTo(model);
        assertThat(state.hardState().term()).isEqualTo(60);
    }

    private RecoveredState newStoreRecovered() {
        LogStore store = newStore();
        opened.add(store);
        return store.recover();
    }

    private static long lastIndex(List<Entry> model, long snapshotIndex) {
        return model.isEmpty() ? snapshotIndex : model.get(model.size() - 1).index();
    }

    public static Entry entry(long term, long index) {
        return Entry.command(term, index, ("e" + index + "@" + term).getBytes(StandardCharsets.UTF_8));
    }

    public static List<Entry> entries(long term, long first, long last) {
        List<Entry> out = new ArrayList<>();
        for (long i = first; i <= last; i++) {
            out.add(entry(term, i));
        }
        return out;
    }

    public static Snapshot snapshot(long index, long term, String data) {
        return new Snapshot(new SnapshotMeta(index, term, Membership.ofVoters(3)), data.getBytes(StandardCharsets.UTF_8));
    }

    private static List<Entry> concat(List<Entry> a, List<Entry> b) {
        List<Entry> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
