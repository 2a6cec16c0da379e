package titan.node.storage;

import java.util.List;
import titan.raft.Entry;
import titan.raft.HardState;
import titan.raft.Membership;
import titan.raft.PersistentState;
import titan.raft.Snapshot;
import titan.raft.SnapshotMeta;

/**
 * What {@link LogStore#recover()} found.
 *
 * @param hardState     the last hard state saved, or {@link HardState#INITIAL}
 * @param snapshot      the latest snapshot, or {@code null} if none was ever saved
 * @param entries       the entries after the snapshot, contiguous from its index + 1 (or from 1)
 * @param tornTailBytes bytes of an incomplete or damaged last record that recovery cut off (a crash
 *                      during a write); 0 after a clean stop. Worth a log line, not an error.
 */
public record RecoveredState(HardState hardState, Snapshot snapshot, List<Entry> entries, long tornTailBytes) {
    public RecoveredState {
        if (hardState == null) {
            throw new IllegalArgumentException("hard state is required");
        }
        entries = List.copyOf(entries);
    }

    /** The index of the last entry, or of the snapshot when there are no entries after it. */
    public long lastIndex() {
        if (!entries.isEmpty()) {
            return entries.get(entries.size() - 1).index();
        }
        return snapshot == null ? 0 : snapshot.meta().index();
    }

    /**
     * The state to start the Raft core from. {@code bootstrap} is the membership of a brand-new peer
     * that has no snapshot yet (empty for one that will join as a learner).
     */
    public PersistentState toPersistentState(Membership bootstrap) {
        Snapshot base = snapshot != null ? snapshot : new Snapshot(new SnapshotMeta(0, 0, bootstrap), new byte[0]);
        return new PersistentState(hardState, base, entries);
    }
}
