package titan.raft;

/**
 * The roles of a Raft peer (§5.1), plus the pre-candidate of the pre-vote extension (dissertation
 * §9.6).
 * <pre>
 *            timeout                 pre-vote won              votes from a majority
 *  FOLLOWER ---------> PRE_CANDIDATE -----------> CANDIDATE ---------------------> LEADER
 *     ^                     |                        |                               |
 *     +---------------------+------------------------+-------------------------------+
 *          higher term, a current leader's message, lost election, or lost quorum (check-quorum)
 * </pre>
 */
public enum Role {
    FOLLOWER, PRE_CANDIDATE, CANDIDATE, LEADER
}
