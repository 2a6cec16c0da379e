package titan.raft;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Titan's named unsafe modes (docs/architecture.md, "Unsafe switches"): deliberately broken behaviours, off by
 * default, one enum for the Raft core and the node around it. Each breaks a guarantee on purpose so
 * that the lab can prove it notices (the mutant catalogue of {@code titan-lab sim mutants}); a
 * node logs loudly when one is on. The core reads the {@link Layer#RAFT} ones from
 * {@link RaftConfig#unsafe()}; the node ({@code titan.node.Replica}) and the simulator read the
 * {@link Layer#NODE} ones. This enum lives in {@code titan.raft} so that the core needs nothing of
 * the node.
 */
public enum UnsafeMode {
    // ---- the Raft core
    /** Grant votes without the §5.4.1 up-to-date-log check. */
    VOTE_WITHOUT_LOG_CHECK("vote-without-log-check", Layer.RAFT),
    /** §5.4.1 half done: compare the last terms only, so a shorter log of the same term wins votes. */
    VOTE_IGNORES_LAST_INDEX("vote-ignores-last-index", Layer.RAFT),
    /** Commit entries of earlier terms by counting replicas, breaking the §5.4.2 rule (Figure 8). */
    COMMIT_PREVIOUS_TERM("commit-previous-term", Layer.RAFT),
    /** Answer a ReadIndex request at once, without the heartbeat round that proves leadership (§6.4 step 3). */
    READ_WITHOUT_HEARTBEAT("read-without-heartbeat", Layer.RAFT),
    /** Accept a membership change while another one is still uncommitted (breaks dissertation §4.1). */
    CONCURRENT_MEMBERSHIP("concurrent-membership", Layer.RAFT),
    /**
     * A follower that matches an empty AppendRequest's previous entry drops everything after it
     * (Figure 2 says: only a conflicting entry and what follows it). A delayed heartbeat-like append
     * then erases entries the follower already acknowledged.
     */
    TRUNCATE_ON_EMPTY_APPEND("truncate-on-empty-append", Layer.RAFT),

    // ---- the node
    /** Serve reads from the local state machine without ReadIndex: stale reads after a leader change. */
    STALE_READS("stale-reads", Layer.NODE),
    /** Answer a write once the leader's own copy is durable, before a majority has it. */
    ACK_BEFORE_COMMIT("ack-before-commit", Layer.NODE),
    /** Apply a retried command again instead of answering from its session. */
    NO_DEDUP("no-dedup", Layer.NODE),
    /** Never fsync: a crash loses acknowledged writes. */
    NO_FSYNC("no-fsync", Layer.NODE),
    /**
     * Write a Ready's hard state before its entries (the persist-order bug once in this code): a
     * crash during the sync can keep a commit index that speaks of entries that were lost, over a
     * stale entry at the same index.
     */
    HARD_STATE_FIRST("hard-state-first", Layer.NODE),
    /** Send a vote grant before the vote is durable: a crash can make the node vote twice in one term. */
    VOTE_BEFORE_DURABLE("vote-before-durable", Layer.NODE),
    /** Acknowledge appended entries before they are durable: a crash loses entries a quorum counted. */
    APPEND_ACK_BEFORE_DURABLE("append-ack-before-durable", Layer.NODE);

    /** Where a mode acts. */
    public enum Layer { RAFT, NODE }

    private final String flag;
    private final Layer layer;

    UnsafeMode(String flag, Layer layer) {
        this.flag = flag;
        this.layer = layer;
    }

    /** The name used on command lines and in logs. */
    public String flag() {
        return flag;
    }

    public Layer layer() {
        return layer;
    }

    public static UnsafeMode fromFlag(String flag) {
        for (UnsafeMode mode : values()) {
            if (mode.flag.equals(flag.trim())) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown unsafe mode '" + flag + "'; known: "
                + Arrays.stream(values()).map(UnsafeMode::flag).collect(Collectors.joining(", ")));
    }

    /** Parses a comma-separated list such as {@code stale-reads,no-fsync}; empty means none. */
    public static Set<UnsafeMode> parseList(String flags) {
        EnumSet<UnsafeMode> set = EnumSet.noneOf(UnsafeMode.class);
        if (flags != null && !flags.isBlank()) {
            for (String f : flags.split(",")) {
                set.add(fromFlag(f));
            }
        }
        return set;
    }
}
