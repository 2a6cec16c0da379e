package titan.sim;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import titan.raft.Entry;
import titan.raft.EntryType;
import titan.raft.Message;
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
 * Beside these consequences, it checks the rules at the moment of the act, so that a broken rule
 * is caught even when no consequence follows in this run:
 * <ul>
 *   <li>A vote grant or an append acknowledgement is sent only for state already synced on that
 *       node's disk (Figure 2: "before responding to RPCs").</li>
 *   <li>Entries a follower acknowledged to its leader stay in its log for the rest of that term.</li>
 *   <li>A leader's commit index moves only onto an entry of its own term (§5.4.2), and only onto an
 *       entry that a quorum holds on disk, synced.</li>
 *   <li>At most one configuration is uncommitted: a leader appends a membership change only when
 *       every earlier one is committed (dissertation §4.1).</li>
 *   <li>A read is served at an applied index at least as high as every write acknowledged before
 *       the read was asked (dissertation §6.4).</li>
 * </ul>
 * A violation throws {@link SafetyViolation}, which stops the run. Each check builds its message
 * only when it fails: the monitor runs after every step of every node, and messages built on every
 * pass were a tenth of a seed's time (docs/performance.md, the simulator's profile).
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
        /** The highest match index this node acknowledged to the leader of {@code ackTerm}. */
        long ackTerm;
        long ackMatch;
        SimDisk disk;
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
    private long ackedIndexMax;
    private long checks;

    long checks() {
        return checks;
    }

    long committedMax() {
        return committedMax;
    }

    /** The highest log index acknowledged to a client so far. */
    long ackedIndexMax() {
        return ackedIndexMax;
    }

    // ---------------------------------------------------------------- lifecycle

    /** A node started (or restarted) from what its disk recovered. */
    void started(NodeId node, PersistentState state, SimDisk disk) {
        NodeView v = new NodeView();
        v.disk = disk;
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
        if (!(v.terms[(int) index] == snapshot.meta().term())) {
            throw new SafetyViolation("snapshot-term", node + " installed a snapshot at "
                    + index + "@" + snapshot.meta().term() + " but the committed entry there has term "
                    + v.terms[(int) index]);
        }
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
        if (!(first <= v.lastIndex + 1)) {
            throw new SafetyViolation("log-gap", node + " appended at " + first + " after its last index "
                    + v.lastIndex);
        }
        long need = entries.get(entries.size() - 1).index();
        v.chain = ensure(v.chain, need);
        v.terms = ensure(v.terms, need);
        for (Entry e : entries) {
            int i = (int) e.index();
            v.chain[i] = mix(v.chain[i - 1], e);
            v.terms[i] = e.term();
            // Log matching (§5.3): the same index and term must mean the same log up to here.
            Long seen = chainByIndexTerm.putIfAbsent(new IndexTerm(i, e.term()), v.chain[i]);
            if (!(seen == null || seen == v.chain[i])) {
                throw new SafetyViolation("log-matching", node + " holds an entry at " + i + "@"
                        + e.term() + " but its log up to there differs from another node's with the same entry");
            }
        }
        v.lastIndex = need;
    }

    // ---------------------------------------------------------------- after every step

    /** Compares the node's role, term and commit index with what we last saw. */
    void observe(NodeId node, RaftCore core) {
        checks++;
        NodeView v = views.get(node);
        boolean ledBefore = v.roleSeen == Role.LEADER && v.termSeen == core.term();
        observeRole(node, v, core);
        long commit = core.commitIndex();
        if (!(commit >= v.coreCommit)) {
            throw new SafetyViolation("commit-regressed", node + "'s commit index went back from " + v.coreCommit
                    + " to " + commit);
        }
        if (ledBefore && core.role() == Role.LEADER && commit > v.coreCommit) {
            leaderCommitted(node, v, core, commit);
        }
        if (v.ackTerm == core.term() && core.lastIndex() < v.ackMatch) {
            throw new SafetyViolation("acked-entry-dropped", node + " acknowledged entries up to " + v.ackMatch
                    + " to the leader of term " + v.ackTerm + " but its log now ends at " + core.lastIndex()
                    + " in the same term");
        }
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

    /**
     * The leader's commit index just moved to {@code commit}: §5.4.2 allows that only onto an entry of
     * its own term, and only if a quorum of the voters holds that entry synced on disk.
     */
    private void leaderCommitted(NodeId node, NodeView v, RaftCore core, long commit) {
        long termThere = core.termAt(commit);
        if (!(termThere == core.term())) {
            throw new SafetyViolation("commit-rule", node + " (leader of term " + core.term()
                    + ") moved its commit index to " + commit + ", an entry of term " + termThere
                    + " (§5.4.2: only entries of the current term are committed by counting replicas)");
        }
        if (commit > v.lastIndex) {
            return; // not persisted by the leader yet: the monitor cannot compare chains
        }
        long chain = v.chain[(int) commit];
        int holders = 0;
        StringBuilder who = new StringBuilder();
        for (NodeId voter : core.membership().voters()) {
            NodeView w = views.get(voter);
            boolean holds = w != null && w.disk != null && w.disk.syncedLastIndex() >= commit
                    && w.lastIndex >= commit && (w.snapshotIndex >= commit || w.chain[(int) commit] == chain);
            if (holds) {
                holders++;
                who.append(' ').append(voter);
            }
        }
        if (!(holders >= core.membership().quorum())) {
            throw new SafetyViolation("commit-without-durable-quorum", node + " (leader of term "
                    + core.term() + ") committed index " + commit + " but only" + (who.length() == 0 ? " none" : who)
                    + " of voters " + core.membership().voters() + " hold it synced on disk");
        }
    }

    /**
     * {@code node} is sending {@code m}: a vote grant or an append acknowledgement promises state
     * that must already be synced on the node's disk (Figure 2, "Rules for servers": respond after
     * updating stable storage).
     */
    void sending(NodeId node, Message m) {
        NodeView v = views.get(node);
        titan.raft.HardState synced = v.disk.syncedHardState();
        // A grant or ack of an earlier term than the synced one is safe: a node never goes back to
        // an earlier term, so it can never vote or accept entries in that term again. (Group commit
        // makes these: a batch may grant a vote in term 3, then one in term 4, and sync once.)
        if (m instanceof Message.VoteResponse r && r.granted() && !r.preVote() && synced.term() <= r.term()) {
            if (!(synced.term() == r.term() && r.to().equals(synced.votedFor()))) {
                throw new SafetyViolation("vote-not-durable", node
                        + " granted its vote in term " + r.term() + " to " + r.to() + " but its disk holds term "
                        + synced.term() + ", vote " + synced.votedFor() + " (a crash now would forget the vote)");
            }
        } else if (m instanceof Message.AppendResponse a && a.success() && synced.term() <= a.term()) {
            if (!(synced.term() == a.term() && a.matchIndex() <= v.disk.syncedLastIndex())) {
                throw new SafetyViolation("ack-not-durable", node + " acknowledged entries up to "
                        + a.matchIndex() + " in term " + a.term() + " but its disk has synced only term "
                        + synced.term() + ", up to index "
                        + v.disk.syncedLastIndex());
            }
            if (a.term() > v.ackTerm) {
                v.ackTerm = a.term();
                v.ackMatch = 0;
            }
            if (a.term() == v.ackTerm) {
                v.ackMatch = Math.max(v.ackMatch, a.matchIndex());
            }
        }
    }

    /**
     * A leader is about to persist {@code entries} it appended: a membership entry among them must
     * find every earlier configuration committed (dissertation §4.1: one change at a time).
     */
    void leaderAppending(NodeId node, RaftCore core, List<Entry> entries) {
        long floor = Math.max(core.commitIndex(), core.snapshotIndex());
        for (Entry e : entries) {
            if (e.type() != EntryType.MEMBERSHIP) {
                continue;
            }
            for (long i = floor + 1; i < e.index(); i++) {
                if (!(core.entryAt(i).type() != EntryType.MEMBERSHIP)) {
                    throw new SafetyViolation("membership-one-at-a-time", node
                            + " (leader of term " + core.term() + ") appended a configuration at " + e.index()
                            + " while the one at " + i + " is not committed (commit index " + core.commitIndex() + ")");
                }
            }
        }
    }

    /**
     * {@code node} serves a read at its applied index {@code applied}; {@code ackedBefore} is the
     * highest index acknowledged to any client before the read was asked. ReadIndex (dissertation
     * §6.4) promises the read reflects all of those.
     */
    void readServed(NodeId node, long applied, long ackedBefore) {
        if (!(applied >= ackedBefore)) {
            throw new SafetyViolation("read-index-stale", node + " served a read at applied index " + applied
                    + " but index " + ackedBefore + " was acknowledged to a client before the read was asked");
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
                if (!(committedChain[i] == v.chain[i])) {
                    throw new SafetyViolation("state-machine-safety", node + " committed index " + i
                            + " (term " + v.terms[i] + ") but another node committed a different entry there (term "
                            + committedTerm[i] + ")");
                }
            } else {
                committedChain[i] = v.chain[i];
                committedTerm[i] = v.terms[i];
                committedMax = i;
                Long acked = ackedTermByIndex.get(index);
                if (!(acked == null || acked == v.terms[i])) {
                    throw new SafetyViolation("acknowledged-write-lost", "index " + i
                            + " was acknowledged to a client as an entry of term " + acked + " but term " + v.terms[i]
                            + " committed there");
                }
            }
        }
    }

    private void becameLeader(NodeId node, NodeView v, long term) {
        NodeId other = leaderByTerm.putIfAbsent(term, node);
        if (!(other == null || other.equals(node))) {
            throw new SafetyViolation("election-safety", "two leaders in term " + term + ": " + other
                    + " and " + node);
        }
        // Leader completeness (§5.4): an entry committed in a term is in the log of every leader of
        // a later term. (A stale leader of an earlier term, e.g. one that was paused mid-election,
        // need not hold entries committed since; it can no longer commit anything.)
        long required = 0;
        for (long c : committedIndexByTerm.headMap(term).values()) {
            required = Math.max(required, c);
        }
        if (required > 0) {
            int c = (int) required;
            if (!(v.lastIndex >= c && v.chain[c] == committedChain[c])) {
                throw new SafetyViolation("leader-completeness", node
                        + " became leader in term " + term + " without entry " + c + " (term " + committedTerm[c]
                        + "), which was committed" + (v.lastIndex < c ? "; its log ends at " + v.lastIndex
                        : "; it holds term " + v.terms[c] + " there"));
            }
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
        if (!(i <= committedMax)) {
            throw new SafetyViolation("applied-uncommitted", node + " applied " + i + " before anyone committed it");
        }
        if (!(v.chain[i] == committedChain[i] && v.terms[i] == entry.term())) {
            throw new SafetyViolation("state-machine-safety", node
                    + " applied index " + i + " term " + entry.term() + " but term " + committedTerm[i]
                    + " was committed there");
        }
    }

    /** A client was told its write at {@code index} in {@code term} took effect. */
    void acknowledged(long index, long term) {
        ackedTermByIndex.put(index, term);
        ackedIndexMax = Math.max(ackedIndexMax, index);
        if (index <= committedMax) {
            if (!(committedTerm[(int) index] == term)) {
                throw new SafetyViolation("acknowledged-write-lost", "index " + index
                        + " was acknowledged as an entry of term " + term + " but term " + committedTerm[(int) index]
                        + " is committed there");
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private void requireCommittedKnown(long index, String what) {
        if (!(index <= committedMax)) {
            throw new SafetyViolation("snapshot-uncommitted", what + " at " + index + " beyond anything committed ("
                    + committedMax + ")");
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
