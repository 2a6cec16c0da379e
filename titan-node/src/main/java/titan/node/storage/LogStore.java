package titan.node.storage;

import java.util.List;
import titan.raft.Entry;
import titan.raft.HardState;
import titan.raft.Snapshot;

/**
 * Durable storage of one Raft peer: the hard state, the log entries and the latest snapshot
 * (Figure 2, "Persistent state on all servers"; §7). Two implementations live side by side:
 * {@link FileLogStore} on a real disk and {@code titan.sim.SimDisk} in the simulator; both pass the
 * same contract tests.
 *
 * <p><b>Threading.</b> Not thread-safe: exactly one driver thread may call it.
 *
 * <p><b>Errors.</b> Every method throws {@link StorageException} on an I/O error. The caller must not
 * retry: a failed write may have left any prefix of itself on disk. It must stop the node, loudly.
 *
 * <p><b>Durability.</b> {@link #append} and {@link #saveHardState} are buffered and are not durable
 * until {@link #sync()} returns; one sync covers every write since the previous one (group commit).
 * After a crash, {@link #recover()} returns every write made before the last completed sync plus,
 * possibly, some of the later ones: always a prefix of them in write order, counted in entries
 * and hard states (so an unsynced batch may survive in part, from its first entry on), never a
 * later write without the earlier ones. The driver must therefore sync before it sends any vote or append
 * acknowledgement that depends on a write (Figure 2). {@link #saveSnapshot} and
 * {@link #installSnapshot} are atomic and durable on return.
 */
public interface LogStore extends AutoCloseable {
    /**
     * Reads the stored state: the last hard state, the latest snapshot and the entries after it.
     * Must be called before any write. Truncates a torn tail (an incomplete last record left by a
     * crash) and reports its size; throws {@link CorruptLogException} on damage that a crash cannot
     * explain. Must not be trusted to be cheap: it reads the whole log.
     */
    RecoveredState recover();

    /**
     * Appends {@code entries}, which must be consecutive. Stored entries at index
     * {@code entries.get(0).index()} and above are discarded first (§5.3: a conflicting suffix is
     * replaced). The first index must be after the snapshot and at most one past the last stored
     * entry; otherwise throws {@link IllegalArgumentException} and stores nothing. Not durable
     * until {@link #sync()}. An empty list does nothing.
     */
    void append(List<Entry> entries);

    /** Records the hard state; the latest one wins. Not durable until {@link #sync()}. */
    void saveHardState(HardState state);

    /**
     * Makes every write made so far durable, with one flush of the device (group commit). Must not
     * return before they are durable. Cheap when there is nothing to write.
     */
    void sync();

    /**
     * Compaction (§7): stores {@code snapshot} of the local state machine and drops the entries it
     * covers (index at or below its index); later entries are kept. Atomic and durable on return:
     * after a crash, recovery sees either the previous snapshot with its log or this one. Also makes
     * every earlier write durable. The snapshot index must not be below the current snapshot's.
     */
    void saveSnapshot(Snapshot snapshot);

    /**
     * A snapshot received from the leader (§7, InstallSnapshot): stores it and drops the whole log,
     * including entries after the snapshot's index (they may conflict with it), and entries not yet
     * synced. The latest hard state, synced or not, is kept and made durable. Atomic and durable on
     * return, like {@link #saveSnapshot}. The next append must start at the snapshot index + 1.
     */
    void installSnapshot(Snapshot snapshot);

    /** Releases files and locks. Writes buffered data to the operating system but does not sync it. */
    @Override
    void close();
}
