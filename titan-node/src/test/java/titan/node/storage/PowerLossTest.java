package titan.node.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import titan.raft.Entry;
import titan.raft.EntryType;
import titan.raft.HardState;
import titan.raft.NodeId;

/**
 * The power-loss emulation of {@link FileLogStore}: after {@link FileLogStore#losePower} the files hold
 * exactly the synced prefix, or a prefix of the unsynced tail cut at a record boundary or anywhere,
 * and recovery reads a clean log from them.
 */
class PowerLossTest {
    @TempDir
    Path temp;

    @Test
    void losingTheTailKeepsExactlyTheSyncedPrefix() throws IOException {
        // Method: sync three entries, then lose the power inside the sync of three more; the segment
        // must be as long as after the first sync and recovery must return the first three.
        Path dir = temp.resolve("lose-tail");
        long syncedBytes;
        FileLogStore store = new FileLogStore(dir);
        store.recover();
        store.append(entries(1, 3));
        store.sync();
        syncedBytes = Files.size(onlySegment(dir));
        store.append(entries(4, 6));
        store.armPowerLossInSync(PowerCut.LOSE_TAIL, new SplittableRandom(1), () -> { });
        assertThatThrownBy(store::sync).isInstanceOf(StorageException.class).hasMessageContaining("power lost");
        assertThat(Files.size(onlySegment(dir))).isEqualTo(syncedBytes);
        closeDead(store);
        try (FileLogStore again = new FileLogStore(dir)) {
            RecoveredState state = again.recover();
            assertThat(state.entries()).isEqualTo(entries(1, 3));
            assertThat(state.tornTailBytes()).isZero();
        }
    }

    @Test
    void aTornRecordCutKeepsAPrefixOfWholeRecords() throws IOException {
        // Method: for many seeds, lose the power inside a sync of entries 4..9 keeping a random prefix
        // of whole records; recovery must return 1..k with no torn bytes, and the seeds must reach
        // both ends (nothing kept, everything kept).
        Set<Integer> kept = new HashSet<>();
        for (int seed = 0; seed < 40; seed++) {
            Path dir = temp.resolve("records-" + seed);
            FileLogStore store = new FileLogStore(dir);
            store.recover();
            store.append(entries(1, 3));
            store.sync();
            store.append(entries(4, 9));
            store.armPowerLossInSync(PowerCut.TORN_RECORDS, new SplittableRandom(seed), () -> { });
            assertThatThrownBy(store::sync).isInstanceOf(StorageException.class);
            closeDead(store);
            try (FileLogStore again = new FileLogStore(dir)) {
                RecoveredState state = again.recover();
                int count = state.entries().size();
                assertThat(state.entries()).as("seed %d", seed).isEqualTo(entries(1, count));
                assertThat(count).isBetween(3, 9);
                assertThat(state.tornTailBytes()).isZero();
                kept.add(count);
            }
        }
        assertThat(kept).contains(3, 9).hasSizeGreaterThan(3);
    }

    @Test
    void aTornByteCutIsRecoveredAsATornTailAndTheLogContinues() throws IOException {
        // Method: for many seeds, keep a random byte prefix of the unsynced tail; recovery must cut the
        // torn record, return a prefix of the entries, and take new appends after it.
        boolean sawTornRecord = false;
        for (int seed = 0; seed < 40; seed++) {
            Path dir = temp.resolve("bytes-" + seed);
            FileLogStore store = new FileLogStore(dir);
            store.recover();
            store.append(entries(1, 2));
            store.sync();
            long syncedBytes = Files.size(onlySegment(dir));
            store.append(entries(3, 8));
            store.armPowerLossInSync(PowerCut.TORN_BYTES, new SplittableRandom(seed), () -> { });
            assertThatThrownBy(store::sync).isInstanceOf(StorageException.class);
            long afterCut = Files.size(onlySegment(dir));
            closeDead(store);
            assertThat(afterCut).isGreaterThanOrEqualTo(syncedBytes);
            try (FileLogStore again = new FileLogStore(dir)) {
                RecoveredState state = again.recover();
                int count = state.entries().size();
                assertThat(state.entries()).as("seed %d", seed).isEqualTo(entries(1, count));
                assertThat(count).isBetween(2, 8);
                sawTornRecord |= state.tornTailBytes() > 0;
                again.append(List.of(entry(2, count + 1)));
                again.sync();
            }
            try (FileLogStore third = new FileLogStore(dir)) {
                assertThat(third.recover().entries()).hasSizeGreaterThanOrEqualTo(3);
            }
        }
        assertThat(sawTornRecord).as("some seed cut a record in two").isTrue();
    }

    @Test
    void withoutAnySyncEverythingWrittenSinceTheStartIsLost() throws IOException {
        // Method: what no-fsync leaves: more than the 1 MiB write buffer reaches the OS without a
        // force, then the power goes; the segment keeps nothing of it.
        Path dir = temp.resolve("never-synced");
        FileLogStore store = new FileLogStore(dir);
        store.recover();
        List<Entry> big = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            big.add(new Entry(1, i, EntryType.COMMAND, new byte[64 * 1024]));
        }
        store.append(big);
        assertThat(Files.size(onlySegment(dir))).as("written early to the OS").isGreaterThan(1 << 20);
        String cut = store.losePower(PowerCut.LOSE_TAIL, new SplittableRandom(3));
        assertThat(cut).contains("kept 0 of");
        assertThat(Files.size(onlySegment(dir))).isZero();
        store.append(entries(21, 21));
        assertThatThrownBy(store::sync).isInstanceOf(StorageException.class).hasMessageContaining("power is lost");
        closeDead(store);
        try (FileLogStore again = new FileLogStore(dir)) {
            assertThat(again.recover().entries()).isEmpty();
        }
    }

    @Test
    void whatRecoveryReadIsDurableAndAHardStateAloneCanSurvive() throws IOException {
        // Method: a killed process's writes (closed without a sync) are read back and forced by the
        // next recovery, so a power loss then keeps them; a later unsynced hard state is lost alone.
        Path dir = temp.resolve("recovered");
        FileLogStore first = new FileLogStore(dir);
        first.recover();
        first.append(entries(1, 4));
        first.close(); // handed to the OS, not forced: what a SIGKILL leaves behind
        FileLogStore second = new FileLogStore(dir);
        assertThat(second.recover().entries()).isEqualTo(entries(1, 4));
        second.saveHardState(new HardState(2, NodeId.parse("n2"), 4));
        second.armPowerLossInSync(PowerCut.LOSE_TAIL, new SplittableRandom(5), () -> { });
        assertThatThrownBy(second::sync).isInstanceOf(StorageException.class);
        closeDead(second);
        try (FileLogStore third = new FileLogStore(dir)) {
            RecoveredState state = third.recover();
            assertThat(state.entries()).isEqualTo(entries(1, 4));
            assertThat(state.hardState()).isEqualTo(HardState.INITIAL);
        }
    }

    @Test
    void aDisarmedStoreSyncsNormally() throws IOException {
        // Method: arm, disarm, sync: the entries are durable and the store still takes writes.
        Path dir = temp.resolve("disarmed");
        try (FileLogStore store = new FileLogStore(dir)) {
            store.recover();
            store.armPowerLossInSync(PowerCut.LOSE_TAIL, new SplittableRandom(1), () -> { });
            assertThat(store.disarmPowerLoss()).isTrue();
            store.append(entries(1, 2));
            store.sync();
            assertThat(store.disarmPowerLoss()).isFalse();
            assertThat(store.losePower(PowerCut.LOSE_TAIL, new SplittableRandom(1))).contains("kept 0 of 0");
        }
        try (FileLogStore again = new FileLogStore(dir)) {
            assertThat(again.recover().entries()).isEqualTo(entries(1, 2));
        }
    }

    @Test
    void anOverwriteArmedLossWaitsForTheSyncThatReplacesEntries() throws IOException {
        // Method: arm on overwrite, then sync plain appends (no loss), then replace 4..5@1 by 4@2
        // with a hard state of commit 4 in one batch, written in each order; the cut keeps what was
        // written before the first entry record. Entries first: the old log and hard state survive;
        // hard state first: commit 4 survives over the stale 4@1, the hard-state-first bug.
        for (boolean hardStateFirst : new boolean[] {false, true}) {
            Path dir = temp.resolve("overwrite-" + hardStateFirst);
            FileLogStore store = new FileLogStore(dir);
            store.recover();
            store.append(entries(1, 3));
            store.sync();
            store.armPowerLossInSync(PowerCut.BEFORE_ENTRIES, new SplittableRandom(1), () -> { }, true);
            store.append(entries(4, 5));
            store.sync(); // appends after the last index replace nothing: the store stays armed
            HardState learned = new HardState(2, null, 4);
            if (hardStateFirst) {
                store.saveHardState(learned);
            }
            store.append(List.of(entry(2, 4)));
            if (!hardStateFirst) {
                store.saveHardState(learned);
            }
            assertThatThrownBy(store::sync).isInstanceOf(StorageException.class).hasMessageContaining("power lost");
            closeDead(store);
            try (FileLogStore again = new FileLogStore(dir)) {
                RecoveredState state = again.recover();
                assertThat(state.entries()).as("hard state first: %s", hardStateFirst).isEqualTo(entries(1, 5));
                assertThat(state.hardState()).isEqualTo(hardStateFirst ? learned : HardState.INITIAL);
            }
        }
    }

    @Test
    void unknownCutNamesAreRefusedWithTheKnownOnes() {
        assertThat(PowerCut.fromFlag("torn-bytes")).isEqualTo(PowerCut.TORN_BYTES);
        assertThatThrownBy(() -> PowerCut.fromFlag("half")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lose-tail, torn-records, torn-bytes, before-entries");
    }

    /** Releases the lock of a store whose power is lost (its buffered writes fail, as they should). */
    private static void closeDead(FileLogStore store) {
        try {
            store.close();
        } catch (StorageException expected) {
            // the buffered writes cannot reach the disk any more
        }
    }

    private static List<Entry> entries(long first, long last) {
        List<Entry> out = new ArrayList<>();
        for (long i = first; i <= last; i++) {
            out.add(entry(1, i));
        }
        return out;
    }

    private static Entry entry(long term, long index) {
        return new Entry(term, index, EntryType.COMMAND, ("v" + index).getBytes());
    }

    private static Path onlySegment(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> wal = files.filter(p -> p.getFileName().toString().startsWith("wal-")).toList();
            assertThat(wal).hasSize(1);
            return wal.get(0);
        }
    }
}
