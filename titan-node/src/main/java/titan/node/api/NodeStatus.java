package titan.node.api;

import java.util.List;

/**
 * What {@code /v1/status} shows: a point-in-time view of one node, published by its driver loop
 * after each round.
 *
 * @param id            this node, e.g. {@code n1}
 * @param role          {@code leader}, {@code follower}, {@code candidate}, {@code pre-candidate} or {@code learner}
 * @param leader        the leader this node believes in, or {@code null}
 * @param leaderHttp    the leader's advertised HTTP address {@code host:port}, or {@code null} when unknown
 * @param leaderTcp     the leader's advertised binary TCP address {@code host:port}, or {@code null}
 * @param voters        the voters of the node's latest configuration
 * @param learners      the learners of the node's latest configuration
 */
public record NodeStatus(String id, String clusterId, String role, long term, String leader, String leaderHttp,
                         String leaderTcp, long commitIndex, long appliedIndex, long lastIndex, long snapshotIndex,
                         List<String> voters, List<String> learners) {
    public NodeStatus {
        voters = List.copyOf(voters);
        learners = List.copyOf(learners);
    }
}
