package titan.node;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

import titan.raft.UnsafeMode;

/**
 * Titan's named unsafe modes (DESIGN.md, "Unsafe switches"). Each one breaks a guarantee on
 * purpose, so that the lab can prove it notices; all are off by default and a node logs loudly
 * when one is on.
 */
public enum UnsafeSwitch {
    /** Serve reads from the local state machine without ReadIndex: stale reads after a leader change. */
    STALE_READS("stale-reads"),
    /** Answer a write once the leader's own copy is durable, before a majority has it. */
    ACK_BEFORE_COMMIT("ack-before-commit"),
    /** Apply a retried command again instead of answering from its session. */
    NO_DEDUP("no-dedup"),
    /** Never fsync: a crash loses acknowledged writes. */
    NO_FSYNC("no-fsync"),
    /** Grant votes without the §5.4.1 log check. */
    VOTE_WITHOUT_LOG_CHECK("vote-without-log-check"),
    /** Commit entries of earlier terms by counting replicas (breaks §5.4.2). */
    COMMIT_PREVIOUS_TERM("commit-previous-term"),
    /**
     * Write a Ready's hard state before its entries (the persist-order bug once in this code): a
     * crash during the sync can keep a commit index that speaks of entries that were lost, over a
     * stale entry at the same index.
     */
    HARD_STATE_FIRST("hard-state-first");

    private final String flag;

    UnsafeSwitch(String flag) {
        this.flag = flag;
    }

    public String flag() {
        return flag;
    }

    public static UnsafeSwitch fromFlag(String flag) {
        for (UnsafeSwitch s : values()) {
            if (s.flag.equals(flag.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown unsafe mode '" + flag + "'; known: "
                + Arrays.stream(values()).map(UnsafeSwitch::flag).collect(Collectors.joining(", ")));
    }

    /** Parses a comma-separated list such as {@code stale-reads,no-fsync}; empty means none. */
    public static Set<UnsafeSwitch> parseList(String flags) {
        EnumSet<UnsafeSwitch> set = EnumSet.noneOf(UnsafeSwitch.class);
        if (flags != null && !flags.isBlank()) {
            for (String f : flags.split(",")) {
                set.add(fromFlag(f));
            }
        }
        return set;
    }

    /** The Raft-core modes among {@code switches}. */
    public static Set<UnsafeMode> raftModes(Set<UnsafeSwitch> switches) {
        EnumSet<UnsafeMode> modes = EnumSet.noneOf(UnsafeMode.class);
        if (switches.contains(VOTE_WITHOUT_LOG_CHECK)) {
            modes.add(UnsafeMode.VOTE_WITHOUT_LOG_CHECK);
        }
        if (switches.contains(COMMIT_PREVIOUS_TERM)) {
            modes.add(UnsafeMode.COMMIT_PREVIOUS_TERM);
        }
        return modes;
    }
}
