package titan.raft;

/** The immediate answer to a proposal; acceptance means appended to the leader's log, not committed. */
public sealed interface ProposalResult {
    /** Appended at {@code index} in {@code term}; it commits only if that entry survives (§5.3). */
    record Accepted(long index, long term) implements ProposalResult {}

    /**
     * Refused before anything was appended, so it definitely did not happen.
     *
     * @param leaderHint the leader this peer believes in, or {@code null}
     */
    record Rejected(Reason reason, NodeId leaderHint, String detail) implements ProposalResult {}

    enum Reason {
        NOT_LEADER,
        LEADERSHIP_TRANSFER_IN_PROGRESS,
        TOO_MANY_UNCOMMITTED_BYTES,
        MEMBERSHIP_CHANGE_IN_PROGRESS,
        INVALID_MEMBERSHIP_CHANGE
    }
}
