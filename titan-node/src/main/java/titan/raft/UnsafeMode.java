package titan.raft;

/**
 * Deliberately broken behaviours of the Raft core, off by default. They exist only so that the
 * lab can prove its checks fail when Raft is wrong; a node logs loudly when one is on.
 */
public enum UnsafeMode {
    /** Grant votes without the §5.4.1 up-to-date-log check ({@code vote-without-log-check}). */
    VOTE_WITHOUT_LOG_CHECK("vote-without-log-check"),
    /** Commit entries of earlier terms by counting replicas, breaking the §5.4.2 rule (Figure 8). */
    COMMIT_PREVIOUS_TERM("commit-previous-term");

    private final String flag;

    UnsafeMode(String flag) {
        this.flag = flag;
    }

    /** The name used on command lines and in logs. */
    public String flag() {
        return flag;
    }

    public static UnsafeMode fromFlag(String flag) {
        for (UnsafeMode mode : values()) {
            if (mode.flag.equals(flag)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown unsafe mode '" + flag + "'");
    }
}
