package titan.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The in-memory Raft log of one peer: the latest snapshot (the compacted prefix) followed by the
 * entries after it, with the indexes that track how far entries are persisted, committed and
 * applied. Membership entries take effect as soon as they are in the log (dissertation §4.1), so
 * the log also tracks the membership at every index it holds.
 * <pre>
 *   snapshot.index   applied   committed   stable        last
 *   ------|-------------|-----------|---------|-----------|
 *         |&lt;-------------- entries (in memory) ----------&gt;|
 *                                             |&lt;unstable&gt; |  handed to the driver to persist
 * </pre>
 * Not thread-safe: owned by one {@link RaftCore}.
 */
final class RaftLog {
    private SnapshotMeta snapshotMeta;
    private byte[] snapshotData;
    private final ArrayList<Entry> entries = new ArrayList<>();
    /** Membership entries after the snapshot, by index; the snapshot's membership is the base. */
    private final TreeMap<Long, Membership> memberships = new TreeMap<>();
    private long committed;
    private long applied;
    private long stable;

    RaftLog(PersistentState state) {
        Snapshot snapshot = state.snapshot();
        this.snapshotMeta = snapshot.meta();
        this.snapshotData = snapshot.data();
        for (Entry e : state.entries()) {
            appendOne(e);
        }
        this.applied = snapshotMeta.index();
        this.stable = lastIndex();
        // A persisted commit index is a hint: losing it is safe, trusting one beyond the log is not.
        this.committed = Math.max(snapshotMeta.index(), Math.min(state.hardState().commitIndex(), lastIndex()));
    }

    // ---- positions ----

    long snapshotIndex() {
        return snapshotMeta.index();
    }

    SnapshotMeta snapshotMeta() {
        return snapshotMeta;
    }

    Snapshot snapshot() {
        return new Snapshot(snapshotMeta, snapshotData);
    }

    long firstIndex() {
        return snapshotMeta.index() + 1;
    }

    long lastIndex() {
        return snapshotMeta.index() + entries.size();
    }

    long lastTerm() {
        return entries.isEmpty() ? snapshotMeta.term() : entries.get(entries.size() - 1).term();
    }

    long committed() {
        return committed;
    }

    long applied() {
        return applied;
    }

    long stable() {
        return stable;
    }

    /** The term of the entry at {@code index}, or -1 when that entry is compacted away or absent. */
    long term(long index) {
        if (index == snapshotMeta.index()) {
            return snapshotMeta.term();
        }
        if (index < snapshotMeta.index() || index > lastIndex()) {
            return -1;
        }
        return entries.get(offset(index)).term();
    }

    Entry entry(long index) {
        Invariants.check(index > snapshotMeta.index() && index <= lastIndex(), "entry %d outside (%d, %d]", index,
                snapshotMeta.index(), lastIndex());
        return entries.get(offset(index));
    }

    boolean matchTerm(long index, long term) {
        return term(index) == term;
    }

    /** §5.4.1: a log is at least as up-to-date if its last term is higher, or equal with a length at least as long. */
    boolean isUpToDate(long otherLastIndex, long otherLastTerm) {
        long myTerm = lastTerm();
        return otherLastTerm > myTerm || (otherLastTerm == myTerm && otherLastIndex >= lastIndex());
    }

    /**
     * The largest index at or below {@code index} whose term is at most {@code term}, or the snapshot
     * index when no such entry is held. Used on both sides of the §5.3 fast-backtracking hint.
     */
    long findConflictByTerm(long index, long term) {
        long i = Math.min(index, lastIndex());
        while (i > snapshotMeta.index() && term(i) > term) {
            i--;
        }
        return i;
    }

    // ---- appending ----

    /** Leader side: appends one new entry at the end. */
    void append(Entry entry) {
        Invariants.check(entry.index() == lastIndex() + 1, "append at %d to a log ending at %d", entry.index(),
                lastIndex());
        appendOne(entry);
    }

    /**
     * Follower side of AppendEntries (§5.3, Figure 2 receiver steps 2–4): if the log holds an entry
     * at {@code prevIndex} with {@code prevTerm}, deletes the first conflicting entry and all that
     * follow it and appends the entries not already held. Returns the index of the last entry of the
     * request, or -1 when the consistency check fails.
     */
    long maybeAppend(long prevIndex, long prevTerm, List<Entry> newEntries) {
        if (!matchTerm(prevIndex, prevTerm)) {
            return -1;
        }
        long lastNew = prevIndex + newEntries.size();
        for (int i = 0; i < newEntries.size(); i++) {
            Entry e = newEntries.get(i);
            if (e.index() <= snapshotMeta.index()) {
                continue; // covered by our snapshot, hence committed and identical
            }
            long existing = term(e.index());
            if (existing == e.term()) {
                continue;
            }
            if (existing != -1) {
                Invariants.check(e.index() > committed, "truncating committed entry %d (committed %d)", e.index(),
                        committed);
                truncateFrom(e.index()); // §5.3: delete the conflicting entry and all that follow it
            }
            for (int j = i; j < newEntries.size(); j++) {
                appendOne(newEntries.get(j));
            }
            break;
        }
        return lastNew;
    }

    private void appendOne(Entry e) {
        entries.add(e);
        if (e.type() == EntryType.MEMBERSHIP) {
            memberships.put(e.index(), Membership.decode(e.data()));
        }
    }

    /** UNSAFE (truncate-on-empty-append only): drops every entry after {@code index}. */
    void truncateAfter(long index) {
        if (index < lastIndex() && index >= snapshotMeta.index()) {
            truncateFrom(index + 1);
        }
    }

    private void truncateFrom(long index) {
        entries.subList(offset(index), entries.size()).clear();
        memberships.tailMap(index, true).clear();
        stable = Math.min(stable, index - 1);
    }

    /** Up to {@code bytesMax} of consecutive entries starting at {@code from} (always one, if any). */
    List<Entry> slice(long from, long bytesMax) {
        Invariants.check(from > snapshotMeta.index(), "slice from compacted index %d", from);
        if (from > lastIndex()) {
            return List.of();
        }
        int start = offset(from);
        int end = start;
        long bytes = 0;
        while (end < entries.size()) {
            bytes += entries.get(end).sizeBytes();
            if (end > start && bytes > bytesMax) {
                break;
            }
            end++;
        }
        return List.copyOf(entries.subList(start, end));
    }

    // ---- persistence, commit, apply ----

    List<Entry> unstableEntries() {
        if (stable >= lastIndex()) {
            return List.of();
        }
        return List.copyOf(entries.subList(offset(Math.max(stable + 1, firstIndex())), entries.size()));
    }

    /** The driver persisted entries up to {@code index} (whose term was {@code term}). */
    void stableTo(long index, long term) {
        if (matchTerm(index, term) && index > stable) {
            stable = index;
        }
    }

    void commitTo(long index) {
        if (index > committed) {
            Invariants.check(index <= lastIndex(), "commit index %d beyond last index %d", index, lastIndex());
            committed = index;
        }
    }

    /** The entries after {@code after} (and after the applied index) up to {@code to} (at most the commit index). */
    List<Entry> entriesToApply(long after, long to) {
        long from = Math.max(after, applied) + 1;
        long end = Math.min(to, committed);
        if (from > end) {
            return List.of();
        }
        return List.copyOf(entries.subList(offset(from), offset(end) + 1));
    }

    void appliedTo(long index) {
        Invariants.check(index <= committed && index >= applied, "applied %d outside [%d, %d]", index, applied,
                committed);
        applied = index;
    }

    // ---- snapshots ----

    /** Replaces the prefix up to {@code index} by a snapshot of the state machine at that index (§7). */
    Snapshot compact(long index, byte[] data) {
        Invariants.check(index <= applied, "snapshot at %d beyond applied %d", index, applied);
        Invariants.check(index > snapshotMeta.index(), "snapshot at %d not after current %d", index,
                snapshotMeta.index());
        SnapshotMeta meta = new SnapshotMeta(index, term(index), membershipAt(index));
        entries.subList(0, offset(index) + 1).clear();
        memberships.headMap(index, true).clear();
        snapshotMeta = meta;
        snapshotData = data;
        return snapshot();
    }

    /** Discards the whole log in favour of a snapshot received from the leader (§7, last step). */
    void restore(Snapshot snapshot) {
        entries.clear();
        memberships.clear();
        snapshotMeta = snapshot.meta();
        snapshotData = snapshot.data();
        committed = snapshotMeta.index();
        applied = snapshotMeta.index();
        stable = snapshotMeta.index();
    }

    // ---- membership ----

    Membership membership() {
        return memberships.isEmpty() ? snapshotMeta.membership() : memberships.lastEntry().getValue();
    }

    Membership membershipAt(long index) {
        Map.Entry<Long, Membership> e = memberships.floorEntry(index);
        return e == null ? snapshotMeta.membership() : e.getValue();
    }

    /** The index of the latest membership entry in the log, or the snapshot index. */
    long membershipIndex() {
        return memberships.isEmpty() ? snapshotMeta.index() : memberships.lastKey();
    }

    private int offset(long index) {
        return (int) (index - snapshotMeta.index() - 1);
    }
}
