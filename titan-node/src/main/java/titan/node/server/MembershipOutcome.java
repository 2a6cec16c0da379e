package titan.node.server;

import titan.raft.Membership;
import titan.raft.ProposalResult;

/** How one membership change asked of this node ended (see {@link NodeLoop#changeMembership}). */
public sealed interface MembershipOutcome {
    /** The change's entry committed at {@code index}: {@code membership} is in force. */
    record Committed(long index, Membership membership) implements MembershipOutcome {}

    /** Appended at {@code index} but not waited for (the caller asked not to wait for the commit). */
    record Accepted(long index, Membership membership) implements MembershipOutcome {}

    /** Refused before anything was appended: it definitely did not happen. */
    record Refused(ProposalResult.Rejected rejection) implements MembershipOutcome {}

    /** Not even looked at: the node's request queue is full or it is stopping. */
    record Busy(String detail) implements MembershipOutcome {}

    /** Appended, then overwritten by another leader's entry: it definitely did not happen. */
    record Lost(String detail) implements MembershipOutcome {}

    /** No outcome known (a timeout, the node stopping): the change may still take effect. */
    record Unknown(String detail) implements MembershipOutcome {}
}
