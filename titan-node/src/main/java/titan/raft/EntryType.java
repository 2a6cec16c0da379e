package titan.raft;

/** What a log entry carries. */
public enum EntryType {
    /** A command for the state machine. */
    COMMAND,
    /** The empty entry a new leader appends to commit entries of earlier terms (§8, §5.4.2). */
    NOOP,
    /** A membership configuration ({@link Membership#encode()}); it takes effect once appended (dissertation §4.1). */
    MEMBERSHIP
}
