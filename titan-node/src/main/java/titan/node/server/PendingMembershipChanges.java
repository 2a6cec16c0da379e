package titan.node.server;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import titan.raft.RaftCore;

/**
 * The membership changes this leader appended and whose fate its caller waits for. Owned by the
 * loop thread: {@link #check} runs after every round and answers each change once the commit index
 * reaches its entry, committed if the entry there is still ours (same term) and lost if another
 * leader's entry replaced it (§5.3: a committed index holds one entry for good).
 */
final class PendingMembershipChanges {
    private record Pending(long index, long term, Consumer<MembershipOutcome> reply) {}

    private final List<Pending> pending = new ArrayList<>();

    void await(long index, long term, Consumer<MembershipOutcome> reply) {
        pending.add(new Pending(index, term, reply));
    }

    void check(RaftCore core) {
        if (pending.isEmpty()) {
            return;
        }
        long commit = core.commitIndex();
        pending.removeIf(p -> {
            if (p.index() > commit) {
                return false;
            }
            long termThere = core.termAt(p.index());
            if (termThere == p.term()) {
                p.reply().accept(new MembershipOutcome.Committed(p.index(), core.membership()));
            } else if (termThere == -1) {
                // A snapshot in the same round compacted the entry before this check saw it.
                p.reply().accept(new MembershipOutcome.Unknown("index " + p.index()
                        + " was compacted before its fate was seen; GET the configuration"));
            } else {
                p.reply().accept(new MembershipOutcome.Lost("the change's entry at index " + p.index()
                        + " was replaced by another leader's (term " + termThere + ", not " + p.term() + ")"));
            }
            return true;
        });
    }

    void abandon(String why) {
        for (Pending p : pending) {
            p.reply().accept(new MembershipOutcome.Unknown(why));
        }
        pending.clear();
    }
}
