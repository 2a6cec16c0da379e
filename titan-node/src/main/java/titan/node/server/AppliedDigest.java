package titan.node.server;

import java.util.Arrays;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import titan.node.Replica;
import titan.raft.Entry;
import titan.raft.NodeId;
import titan.raft.Snapshot;

/**
 * A node's account of what it applied, in its log, so that the lab can compare nodes after a run
 * (State Machine Safety, Raft paper §5.4.3, Figure 3: no two servers apply different entries at one
 * index). Four lines, each naming an index and the term of the entry applied there:
 * <pre>
 *   applied start index=I term=T    the first entry applied in this life, or after a snapshot was restored
 *   applied term index=I term=T     the entry at I has another term than the one before it
 *   applied digest index=I term=T window=H   every {@link #WINDOW_ENTRIES}-th index: H hashes the
 *                                   terms and commands of entries I-K+1..I, logged only when this
 *                                   node applied all of them since its last start or restore
 *   applied stop index=I term=T     the last entry applied, when the node stops (also on a fatal error)
 * </pre>
 * Between a start line and the last line after it, the term at every index is the term of the
 * latest line at or before it, so two nodes' lines can be compared at any index both applied, and
 * a node that jumped over part of a window by a snapshot logs no digest for that window.
 *
 * <p>Cost: a comparison and a hash over each applied command (on the loop thread, which owns this
 * object), one line per {@link #WINDOW_ENTRIES} entries and one per term.
 */
final class AppliedDigest implements Replica.Observer {
    /** Entries per digest window: one line per window. */
    static final int WINDOW_ENTRIES = 1024;
    private static final Logger log = LoggerFactory.getLogger(AppliedDigest.class);

    private final Consumer<String> out;
    private final int windowEntries;
    /** The loop thread, once it applied something: only it may read the fields below. */
    private volatile Thread owner;
    /** The last index applied since the last start or restore; 0 before the first. */
    private long lastIndex;
    private long lastTerm;
    /** The first index applied since the last start or restore. */
    private long segmentStart;
    private long windowHash;

    AppliedDigest() {
        this(log::info, WINDOW_ENTRIES);
    }

    AppliedDigest(Consumer<String> out, int windowEntries) {
        if (windowEntries < 1) {
            throw new IllegalArgumentException("windowEntries must be positive: " + windowEntries);
        }
        this.out = out;
        this.windowEntries = windowEntries;
    }

    @Override
    public void applied(NodeId node, Entry entry) {
        long index = entry.index();
        long term = entry.term();
        if (lastIndex == 0 || index != lastIndex + 1) {
            if (owner == null) {
                owner = Thread.currentThread();
            }
            segmentStart = index;
            windowHash = 0;
            out.accept("applied start index=" + index + " term=" + term);
        } else if (term != lastTerm) {
            out.accept("applied term index=" + index + " term=" + term);
        }
        lastIndex = index;
        lastTerm = term;
        long position = (index - 1) % windowEntries; // 0 at a window's first index
        if (position == 0) {
            windowHash = 0;
        }
        windowHash = mix(windowHash, term, entry.data());
        if (position == windowEntries - 1 && segmentStart <= index - windowEntries + 1) {
            out.accept("applied digest index=" + index + " term=" + term + " window=" + Long.toHexString(windowHash));
        }
    }

    @Override
    public void snapshotRestored(NodeId node, Snapshot snapshot) {
        lastIndex = 0; // the next entry applied starts a new segment
    }

    /**
     * Logs the last entry applied. Does nothing when called from another thread than the one that
     * applies while that one may still run ({@code loopStopped} false), or when the loop was asked
     * to stop ({@code loopStopped} true) but its thread does not end within a second: it would read
     * torn state.
     */
    void stopped(boolean loopStopped) {
        Thread applier = owner;
        if (applier == null || (!loopStopped && applier != Thread.currentThread())) {
            return;
        }
        if (loopStopped && applier != Thread.currentThread()) {
            try {
                applier.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (applier.isAlive()) {
                return;
            }
        }
        if (lastIndex > 0) {
            out.accept("applied stop index=" + lastIndex + " term=" + lastTerm);
        }
    }

    /** A 64-bit chain over (term, command) pairs; collisions only hide a difference, never invent one. */
    static long mix(long hash, long term, byte[] data) {
        long h = (hash ^ term) * 0x9E3779B97F4A7C15L;
        h ^= data == null ? 0 : Arrays.hashCode(data) + ((long) data.length << 32);
        h *= 0xC2B2AE3D27D4EB4FL;
        return h ^ (h >>> 29);
    }
}
