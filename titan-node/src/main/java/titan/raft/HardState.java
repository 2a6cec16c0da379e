package titan.raft;

/**
 * The state a node must make durable before it sends any message that depends on it (Figure 2,
 * "Persistent state on all servers"): the current term and the vote cast in it. The commit index
 * is kept alongside so that a restarted node need not re-apply from zero; losing it is safe.
 *
 * @param votedFor the candidate voted for in {@code term}, or {@code null}
 */
public record HardState(long term, NodeId votedFor, long commitIndex) {
    public static final HardState INITIAL = new HardState(0, null, 0);

    public HardState {
        if (term < 0 || commitIndex < 0) {
            throw new IllegalArgumentException("negative term or commit index: " + term + ", " + commitIndex);
        }
    }
}
