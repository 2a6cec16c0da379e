package titan.sim;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import titan.raft.Entry;
import titan.raft.NodeId;
import titan.raft.PersistentState;
import titan.raft.RaftCore;
import titan.raft.Role;
import titan.raft.Snapshot;

/**
 * Checks Raft's safety properties (Figure 3 of the Raft paper) at every step of a simulation,
 * without scanning logs: each node's log is summarised by a chain hash per index,
 * {@code chain[i] = mix(chain[i-1], term_i, entry_i)}, so two logs agree up to {@code i} exactly
 * when their chains at {@code i} are equal (up to hash collisions of 64-bit mixes).
 * <ul>
 *   <li>Election safety: at most one leader per term.</li>
 *   <li>Log matching: two logs with an entry of the same index and term agree up to it.</li>
 *   <li>Leader completeness: a new leader holds every entry committed so far.</li>
 *   <li>State-machine safety: no two nodes commit or apply different entries at one index.</li>
 *   <li>A node's commit index never goes back while it runs.</li>
 *   <li>Nothing acknowledged to a client is lost: the acknowledged entry is the one committed.</li>
 * </ul>
 * A violation throws {@link SafetyViolation}, which stops the run.
 */
final class SafetyMonitor {
    private record IndexTerm(long index, long term) {}

    /** Per node: the chain over its current log, and what we last saw of it. */
    private static final class NodeView {
        long[] chain = new long[1024];
        long[] terms = new long[1024];
        long lastIndex;
        /** The core's commit index last observed, and how far the monitor has checked commits. */
        long coreCommit;
        long commitSeen;
        /** The snapshot index the monitor knows of (started from, installed, or compacted to). */
        long snapshotIndex;
        Role roleSeen = Role.FOLLOWER;
        long termSeen;
    }

    private final Map<NodeId, NodeView> views = new HashMap<>();
    private final Map<IndexTerm, Long> chainByIndexTerm = new HashMap<>();
    private final Map<Long, NodeId> leaderByTerm = new HashMap<>();
    /** Per term, the highest index first seen committed by a node in that term (§5.4's "committed in a given term"). */
    private final java.util.TreeMap<Long, Long> committedIndexByTerm = new java.util.TreeMap<>();
    private long[] committedChain = new long[1024];
    private long[] committedTerm = new long[1024];
    private long committedMax;
    private final Map<Long, Long> ackedTermByIndex = new HashMap<>();
    private long checks;

    long checks() {
        return checks;
    }

    long committedMax() {
        return committedMax;
    }

    // ---------------------------------------------------------------- lifecycle

    /** A node started (or restarted) from what its disk recovered. */
    void started(NodeId node, PersistentState state) {
        NodeView v = new NodeView();
        views.put(node, v);
        Snapshot snapshot = state.snapshot();
        long base = snapshot.meta().index();
        if (base > 0) {
            requireCommittedKnown(base, node + " recovered a snapshot");
        }
        resetToSnapshot(v, base);
        if (!state.entries().isEmpty()) {
            appendEntries(node, v, state.entries());
        }
        v.commitSeen = 0; // volatile state: a restarted node may start from a lower commit index
        v.coreCommit = 0;
    }

    // ---------------------------------------------------------------- log changes

    /** Entries are about to be persisted: they replace the node's log from their first index on. */
    void persisting(NodeId node, List<Entry> entries) {
        if (!entries.isEmpty()) {
            NodeView v = views.get(node);
            appendEntries(node, v, entries);
            long visible = Math.min(v.coreCommit, v.lastIndex);
            if (visible > v.commitSeen) {
                committed(node, v, v.commitSeen + 1, visible);
                v.commitSeen = visible;
            }
        }
    }

    /** The node replaced its whole log by a snapshot from the leader. */
    void installedSnapshot(NodeId node, Snapshot snapshot) {
        NodeView v = views.get(node);
        long index = snapshot.meta().index();
        requireCommittedKnown(index, node + " installed a snapshot");
        resetToSnapshot(v, index);
        check(v.terms[(int) index] == snapshot.meta().term(), "snapshot-term", node + " installed a snapshot at "
                + index + "@" + snapshot.meta().term() + " but the committed entry there has term "
                + v.terms[(int) index]);
    }

    /** The node's log is now exactly the committed prefix up to {@code index} (a snapshot covers it). */
    private void resetToSnapshot(NodeView v, long index) {
        v.chain = ensure(v.chain, index);
        v.terms = ensure(v.terms, index);
        System.arraycopy(committedChain, 0, v.chain, 0, (int) index + 1);
        System.arraycopy(committedTerm, 0, v.terms, 0, (int) index + 1);
        v.lastIndex = index;
        v.snapshotIndex = index;
    }

    private void appendEntries(NodeId node, NodeView v, List<Entry> entries) {
        long first = entries.get(0).index();
        check(first <= v.lastIndex + 1, "log-gap", node + " appended at " + first + " after its last index "
                + v.lastIndex);
        long need = entries.get(entries.size() - 1).index();
        v.chain = ensure(v.chain, need);
        v.terms = ensure(v.terms, need);
        for (Entry e : entries) {
            int i = (int) e.index();
            v.chain[i] = mix(v.chain[i - 1], e);
            v.terms[i] = e.term();
            // Log matching (§5.3): the same index and term must mean the same log up to here.
            Long seen = chainByIndexTerm.putIfAbsent(new IndexTerm(i, e.term()), v.chain[i]);
            check(seen == null || seen == v.chain[i], "log-matching", node + " holds an entry at " + i + "@"
                    + e.term() + " but its log up to there differs from another node's with the same entry");
        }
        v.lastIndex = need;
    }

    // ---------------------------------------------------------------- after every step

    /** Compares the node's role, term and commit index with what we last saw. */
    void observe(NodeId node, RaftCore core) {
        checks++;
        NodeView v = views.get(node);
        observeRole(node, v, core);
        long commit = core.commitIndex();
        check(commit >= v.coreCommit, "commit-regressed", node + "'s commit index went back from " + v.coreCommit
                + " to " + commit);
        v.coreCommit = commit;
        // A follower may learn a commit index in the same step that changes its log (new entries,
        // a truncated suffix, an installed snapshot); the monitor sees those changes only when they
        // are persisted, in the next batch and before anything is applied. Check commits as far as
        // the monitor's view agrees with the core's log, and the rest once persisted.
        if (core.snapshotIndex() > v.snapshotIndex) {
            return;
        }
        long visible = Math.min(commit, v.lastIndex);
        long agreed = v.commitSeen;
        while (agreed < visible && (agreed + 1 <= core.snapshotIndex()
                || core.termAt(agreed + 1) == v.terms[(int) agreed + 1])) {
            agreed++;
        }
        if (agreed > v.commitSeen) {
            committed(node, v, v.commitSeen + 1, agreed);
            v.commitSeen = agreed;
        }
    }

    private void observeRole(NodeId node, NodeView v, RaftCore core) {
        if (core.role() == Role.LEADER && (v.roleSeen != Role.LEADER || v.termSeen != core.term())) {
            becameLeader(node, v, core.term());
        }
        v.roleSeen = core.role();
        v.termSeen = core.term();
    }

    private void committed(NodeId node, NodeView v, long from, long to) {
        committedChain = ensure(committedChain, to);
        committedTerm = ensure(committedTerm, to);
        for (long index = from; index <= to; index++) {
            int i = (int) index;
            committedIndexByTerm.merge(v.termSeen, index, Math::max);
            if (i <= committedMax) {
                // State-machine safety: whoever commits index i commits the same entry (and prefix).
                check(committedChain[i] == v.chain[i], "state-machine-safety", node + " committed index " + i
                        + " (term " + v.terms[i] + ") but another node committed a different entry there (term "
                        + committedTerm[i] + ")");
            } else {
                committedChain[i] = v.chain[i];
                committedTerm[i] = v.terms[i];
                committedMax = i;
                Long acked = ackedTermByIndex.get(index);
                check(acked == null || acked == v.terms[i], "acknowledged-write-lost", "index " + i
                        + " was acknowledged to a client as an entry of term " + acked + " but term " + v.terms[i]
                        + " committed there");
            }
        }
    }

    private void becameLeader(NodeId node, NodeView v, long term) {
        NodeId other = leaderByTerm.putIfAbsent(term, node);
        check(other == null || other.equals(node), "election-safety", "two leaders in term " + term + ": " + other
                + " and " + node);
        // Leader completeness (§5.4): an entry committed in a term is in the log of every leader of
        // a later term. (A stale leader of an earlier term, e.g. one that was paused mid-election,
        // need not hold entries committed since; it can no longer commit anything.)
        long required = 0;
        for (long c : committedIndexByTerm.headMap(term).values()) {
            required = Math.max(required, c);
        }
        if (required > 0) {
            int c = (int) required;
            check(v.lastIndex >= c && v.chain[c] == committedChain[c], "leader-completeness", node
                    + " became leader in term " + term + " without entry " + c + " (term " + committedTerm[c]
                    + "), which was committed" + (v.lastIndex < c ? "; its log ends at " + v.lastIndex
                    : "; it holds term " + v.terms[c] + " there"));
        }
    }

    /** The node compacted its own log up to {@code index} (entries the monitor has already seen). */
    void compacted(NodeId node, long index) {
        NodeView v = views.get(node);
        v.snapshotIndex = Math.max(v.snapshotIndex, index);
    }

    /** The node applied {@code entry} to its state machine. */
    void applied(NodeId node, Entry entry) {
        int i = (int) entry.index();
        NodeView v = views.get(node);
        check(i <= committedMax, "applied-uncommitted", node + " applied " + i + " before anyone committed it");
        check(v.chain[i] == committedChain[i] && v.terms[i] == entry.term(), "state-machine-safety", node
                + " applied index " + i + " term " + entry.term() + " but term " + committedTerm[i]
                + " was committed there");
    }

    /** A client was told its write at {@code index} in {@code term} took effect. */
    void acknowledged(long index, long term) {
        ackedTermByIndex.put(index, term);
        if (index <= committedMax) {
            check(committedTerm[(int) index] == term, "acknowledged-write-lost", "index " + index
                    + " was acknowledged as an entry of term " + term + " but term " + committedTerm[(int) index]
                    + " is committed there");
        }
    }

    // ---------------------------------------------------------------- helpers

    private void requireCommittedKnown(long index, String what) {
        check(index <= committedMax, "snapshot-uncommitted", what + " at " + index + " beyond anything committed ("
                + committedMax + ")");
    }

    private static void check(boolean ok, String kind, String message) {
        if (!ok) {
            throw new SafetyViolation(kind, message);
        }
    }

    private static long[] ensure(long[] array, long index) {
        if (index < array.length) {
            return array;
        }
        return Arrays.copyOf(array, (int) Math.max(array.length * 2L, index + 1));
    }

    private static long mix(long previous, Entry e) {
        long h = previous * 0x9E3779B97F4A7C15L + e.term();
        h = h * 31 + e.type().ordinal();
        h = h * 0xBF58476D1CE4E5B9L + Arrays.hashCode(e.data());
        h ^= h >>> 31;
        h *= 0x94D049BB133111EBL;
        h ^= h >>> 29;
        return h;
    }
}
