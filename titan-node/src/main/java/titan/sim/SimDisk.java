package titan.sim;

import java.util.List;
import java.util.random.RandomGenerator;
import titan.node.storage.FileLogStore;
import titan.node.storage.LogReplay;
import titan.node.storage.LogStore;
import titan.node.storage.RecoveredState;
import titan.node.storage.WalBuffer;
import titan.node.storage.WalCodec;
import titan.raft.Entry;
import titan.raft.HardState;
import titan.raft.Snapshot;

/**
 * The simulator's disk: a {@link LogStore} in memory with the crash behaviour of a real one. The
 * WAL is one byte buffer in the real record format ({@link WalCodec}), so recovery runs the same
 * code as {@link FileLogStore}:
 * <pre>
 *   0                     durableBytes                         length
 *   |-- synced: survives ----|-- written, unsynced: a random --|
 *                            |   prefix survives a crash       |
 * </pre>
 * {@link #crash(RandomGenerator)} models power loss: the synced prefix survives and a random prefix
 * of the rest, cut anywhere, even inside a record (a torn tail, which recovery cuts off). A process
 * kill without power loss keeps everything written: call {@link #recover()} again without a crash.
 * Snapshots are atomic and durable on return (the old or the new survives).
 *
 * <p>Deterministic: no clock, no threads, no randomness but the generator passed to a crash. Fast:
 * appends encode into the buffer in place (amortized O(entry)), sync moves a mark, and only
 * snapshots rewrite the buffer, keeping just the entries after the snapshot.
 *
 * <p>{@code noFsync} is UNSAFE ({@code no-fsync}): sync does nothing, so a crash may lose writes the
 * node acknowledged. It exists only so that the lab can prove it catches lost acknowledged writes.
 */
public final class SimDisk implements LogStore {
    private final String name;
    private final boolean noFsync;
    /** The whole disk content: survives "process" restarts, partly survives crashes. */
    private final WalBuffer wal = new WalBuffer(1 << 12);
    private int durableBytes;
    private Snapshot snapshot;
    // What the running process knows; rebuilt by recover().
    private boolean open;
    private HardState hardState = HardState.INITIAL;
    private long lastIndex;
    /** What the last sync (or recovery, or snapshot rewrite) made durable: for the monitor's act checks. */
    private HardState syncedHardState = HardState.INITIAL;
    private long syncedLastIndex;

    public SimDisk(String name) {
        this(name, false);
    }

    public SimDisk(String name, boolean noFsync) {
        this.name = name;
        this.noFsync = noFsync;
    }

    /**
     * Reads the disk as a restarted process would. Unlike {@link FileLogStore} it may be called
     * again at any time: that is a restart after a process kill, which loses nothing written.
     */
    @Override
    public RecoveredState recover() {
        LogReplay replay = new LogReplay();
        String source = "sim-disk " + name;
        WalCodec.Scan scan = WalCodec.scan(wal.array(), wal.length(), source,
                (record, offset) -> replay.add(record, source, offset));
        wal.truncate(scan.validBytes()); // a torn tail is cut off, as FileLogStore truncates its file
        durableBytes = Math.min(durableBytes, wal.length());
        long snapshotIndex = snapshotIndex();
        List<Entry> entries = replay.entriesAfter(snapshotIndex, source);
        hardState = replay.hardState();
        lastIndex = entries.isEmpty() ? snapshotIndex : entries.get(entries.size() - 1).index();
        syncedHardState = hardState;
        syncedLastIndex = lastIndex;
        open = true;
        return new RecoveredState(hardState, snapshot, entries, scan.tornBytes());
    }

    @Override
    public void append(List<Entry> entries) {
        checkOpen();
        if (entries.isEmpty()) {
            return;
        }
        LogReplay.checkAppendable(entries, snapshotIndex(), lastIndex);
        wal.appendEntries(entries);
        lastIndex = entries.get(entries.size() - 1).index();
    }

    @Override
    public void saveHardState(HardState state) {
        checkOpen();
        wal.appendHardState(state);
        hardState = state;
    }

    @Override
    public void sync() {
        checkOpen();
        if (!noFsync) {
            durableBytes = wal.length();
            syncedHardState = hardState;
            syncedLastIndex = lastIndex;
        }
    }

    @Override
    public void saveSnapshot(Snapshot newSnapshot) {
        checkOpen();
        long index = newSnapshot.meta().index();
        if (index < snapshotIndex()) {
            throw new IllegalArgumentException("snapshot at " + index + " is older than the stored one at "
                    + snapshotIndex());
        }
        List<Entry> kept = replayWal().entriesAfter(index, "sim-disk " + name);
        rewrite(kept);
        snapshot = newSnapshot;
        lastIndex = Math.max(lastIndex, index);
        syncedHardState = hardState;
        syncedLastIndex = lastIndex;
    }

    @Override
    public void installSnapshot(Snapshot newSnapshot) {
        checkOpen();
        rewrite(List.of());
        snapshot = newSnapshot;
        lastIndex = newSnapshot.meta().index();
        syncedHardState = hardState;
        syncedLastIndex = lastIndex;
    }

    @Override
    public void close() {
        open = false;
    }

    /**
     * Power loss: every synced byte survives, and of the unsynced ones a prefix of random length
     * (possibly none, possibly all, possibly ending inside a record). The process must then
     * {@link #recover()} before writing again.
     */
    public void crash(RandomGenerator random) {
        crash(random, false);
    }

    /**
     * Power loss as {@link #crash(RandomGenerator)}, but with {@code atRecordBoundary} the surviving
     * prefix ends exactly between two records of the unsynced tail (or at either end of it): no
     * torn record for recovery to cut, only whole records lost, which is the case a write-order bug
     * needs (say, a hard state that survives while the entries written after it do not).
     */
    public void crash(RandomGenerator random, boolean atRecordBoundary) {
        int unsynced = wal.length() - durableBytes;
        int keep;
        if (atRecordBoundary && unsynced > 0) {
            // Every boundary of the unsynced tail, and those where the kind of record changes (a
            // batch's hard state next to its entries): three cuts in four go to one of the latter,
            // the boundary a write-order bug turns on, however many entries the batch holds.
            List<Integer> cuts = new java.util.ArrayList<>();
            List<Integer> kindChanges = new java.util.ArrayList<>();
            cuts.add(durableBytes);
            Class<?>[] previous = new Class<?>[1];
            WalCodec.scan(wal.array(), wal.length(), "sim-disk " + name, (record, offset) -> {
                if (offset > durableBytes) {
                    cuts.add((int) offset);
                    if (previous[0] != null && previous[0] != record.getClass()) {
                        kindChanges.add((int) offset);
                    }
                }
                if (offset >= durableBytes) {
                    previous[0] = record.getClass();
                }
            });
            cuts.add(wal.length());
            List<Integer> from = !kindChanges.isEmpty() && random.nextInt(4) != 0 ? kindChanges : cuts;
            keep = from.get(random.nextInt(from.size()));
        } else {
            keep = durableBytes + random.nextInt(unsynced + 1);
        }
        wal.truncate(keep);
        durableBytes = wal.length(); // what survived is on the platter now, synced or not
        open = false;
    }

    /** The last index written, synced or not. */
    public long lastIndex() {
        return lastIndex;
    }

    /** The hard state as of the last sync: what a crash now could not lose. */
    public HardState syncedHardState() {
        return syncedHardState;
    }

    /** The last log index as of the last sync (entries after it may still be lost). */
    public long syncedLastIndex() {
        return syncedLastIndex;
    }

    /** Bytes that a crash cannot lose. */
    public int durableBytes() {
        return durableBytes;
    }

    /** Bytes written, synced or not. */
    public int writtenBytes() {
        return wal.length();
    }

    public boolean noFsync() {
        return noFsync;
    }

    @Override
    public String toString() {
        return "SimDisk[" + name + " " + durableBytes + "/" + wal.length() + "B durable"
                + (snapshot == null ? "" : " snapshot " + snapshot.meta().index()) + (noFsync ? " NO-FSYNC" : "") + "]";
    }

    /**
     * Replaces the disk content by the hard state and {@code entries}, all durable. Snapshots are
     * atomic here by construction: the swap happens between two simulator steps.
     */
    private void rewrite(List<Entry> entries) {
        wal.clear();
        if (!hardState.equals(HardState.INITIAL)) {
            wal.appendHardState(hardState);
        }
        for (Entry e : entries) {
            wal.appendEntry(e);
        }
        durableBytes = wal.length();
    }

    private LogReplay replayWal() {
        LogReplay replay = new LogReplay();
        String source = "sim-disk " + name;
        WalCodec.scan(wal.array(), wal.length(), source, (record, offset) -> replay.add(record, source, offset));
        return replay;
    }

    private long snapshotIndex() {
        return snapshot == null ? 0 : snapshot.meta().index();
    }

    private void checkOpen() {
        if (!open) {
            throw new IllegalStateException(name + ": the disk is not open; call recover() first (after a crash too)");
        }
    }
}
