package titan.raft;

import java.util.List;

/**
 * What a peer recovered from its storage at start: the hard state, the latest snapshot and the
 * entries after it. A brand-new peer starts from {@link #bootstrap(Membership)}: a snapshot at
 * index 0 that carries only the initial membership (empty for a peer that will join an existing
 * cluster as a learner).
 */
public record PersistentState(HardState hardState, Snapshot snapshot, List<Entry> entries) {
    public PersistentState {
        if (hardState == null || snapshot == null) {
            throw new IllegalArgumentException("hard state and snapshot are required");
        }
        entries = List.copyOf(entries);
        long expected = snapshot.meta().index() + 1;
        for (Entry e : entries) {
            if (e.index() != expected++) {
                throw new IllegalArgumentException("recovered entries are not contiguous after the snapshot at "
                        + snapshot.meta().index() + ": found index " + e.index());
            }
        }
    }

    public static PersistentState bootstrap(Membership membership) {
        return new PersistentState(HardState.INITIAL, new Snapshot(new SnapshotMeta(0, 0, membership), new byte[0]),
                List.of());
    }
}
