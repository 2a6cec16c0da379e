package titan.node.storage;

import java.util.ArrayList;
import java.util.List;
import titan.raft.Entry;
import titan.raft.HardState;

/**
 * Rebuilds the log and the hard state from WAL records in write order. An entry at an index the
 * log already holds replaces it and everything after it (§5.3: a follower truncates a conflicting
 * suffix); this is how overwrites are stored without a truncation record.
 *
 * <p>Replay may start part-way through the history (after segments covered by a snapshot were
 * deleted), so an entry below the first one held simply restarts the log there.
 */
public final class LogReplay {
    private final ArrayList<Entry> entries = new ArrayList<>();
    private HardState hardState = HardState.INITIAL;

    /** Applies one record; a gap after the last entry means the records cannot be a real history. */
    public void add(WalRecord record, String source, long offset) {
        if (record instanceof WalRecord.HardStateRecord h) {
            hardState = h.hardState();
            return;
        }
        Entry entry = ((WalRecord.EntryRecord) record).entry();
        if (entries.isEmpty() || entry.index() <= firstIndex()) {
            entries.clear();
        } else if (entry.index() <= lastIndex()) {
            entries.subList((int) (entry.index() - firstIndex()), entries.size()).clear();
        } else if (entry.index() > lastIndex() + 1) {
            throw new CorruptLogException(source, offset, "entry " + entry.index() + " follows entry " + lastIndex()
                    + ": a gap in the log");
        }
        entries.add(entry);
    }

    public HardState hardState() {
        return hardState;
    }

    /**
     * The entries after {@code snapshotIndex}. They must start right after it (or the log must hold
     * none after it); anything else is a hole that no sequence of store operations leaves behind.
     */
    public List<Entry> entriesAfter(long snapshotIndex, String source) {
        List<Entry> after = new ArrayList<>();
        for (Entry e : entries) {
            if (e.index() > snapshotIndex) {
                after.add(e);
            }
        }
        if (!after.isEmpty() && after.get(0).index() != snapshotIndex + 1) {
            throw new CorruptLogException(source, 0, "the log resumes at entry " + after.get(0).index()
                    + " but the snapshot ends at " + snapshotIndex + ": entries are missing");
        }
        return after;
    }

    /** The highest entry index in the replayed records, 0 if none. */
    public long lastIndex() {
        return entries.isEmpty() ? 0 : entries.get(entries.size() - 1).index();
    }

    /**
     * The precondition of {@link LogStore#append} that keeps every stored history gap-free: the
     * entries are consecutive and start after the snapshot, at most one past the last entry (§5.3).
     * Throws {@link IllegalArgumentException} otherwise.
     */
    public static void checkAppendable(List<Entry> entries, long snapshotIndex, long lastIndex) {
        long first = entries.get(0).index();
        if (first <= snapshotIndex || first > lastIndex + 1) {
            throw new IllegalArgumentException("entries must start in [" + (snapshotIndex + 1) + ", " + (lastIndex + 1)
                    + "] (after the snapshot, at most one past the last entry), got " + first);
        }
        for (int i = 1; i < entries.size(); i++) {
            if (entries.get(i).index() != first + i) {
                throw new IllegalArgumentException("entries are not consecutive: " + entries.get(i).index()
                        + " follows " + entries.get(i - 1).index());
            }
        }
    }

    private long firstIndex() {
        return entries.get(0).index();
    }
}
