package titan.raft;

/**
 * One single-server membership change (dissertation §4.1). New servers join as learners, catch up,
 * and only then become voters (§4.2.1).
 */
public sealed interface MembershipChange {
    NodeId node();

    record AddLearner(NodeId node) implements MembershipChange {}

    record PromoteLearner(NodeId node) implements MembershipChange {}

    record RemoveServer(NodeId node) implements MembershipChange {}
}
