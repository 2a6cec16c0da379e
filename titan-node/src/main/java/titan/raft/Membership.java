package titan.raft;

import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A cluster configuration: the voters, who elect leaders and form quorums, and the learners, who
 * receive the log but do not vote (dissertation §4.2.1). The two sets are disjoint.
 */
public record Membership(SortedSet<NodeId> voters, SortedSet<NodeId> learners) {
    public static final Membership EMPTY = new Membership(new TreeSet<>(), new TreeSet<>());

    public Membership {
        voters = Collections.unmodifiableSortedSet(new TreeSet<>(voters));
        learners = Collections.unmodifiableSortedSet(new TreeSet<>(learners));
        for (NodeId learner : learners) {
            if (voters.contains(learner)) {
                throw new IllegalArgumentException(learner + " is both a voter and a learner");
            }
        }
    }

    public static Membership ofVoters(Set<NodeId> voters) {
        return new Membership(new TreeSet<>(voters), new TreeSet<>());
    }

    public static Membership ofVoters(int count) {
        TreeSet<NodeId> voters = new TreeSet<>();
        for (int i = 1; i <= count; i++) {
            voters.add(NodeId.of(i));
        }
        return ofVoters(voters);
    }

    public boolean isVoter(NodeId node) {
        return voters.contains(node);
    }

    public boolean isLearner(NodeId node) {
        return learners.contains(node);
    }

    public boolean contains(NodeId node) {
        return isVoter(node) || isLearner(node);
    }

    /** Every member, voters first. */
    public SortedSet<NodeId> members() {
        TreeSet<NodeId> all = new TreeSet<>(voters);
        all.addAll(learners);
        return all;
    }

    /** The number of votes or acknowledgements that make a majority of the voters. */
    public int quorum() {
        return voters.size() / 2 + 1;
    }

    public Membership withLearner(NodeId node) {
        TreeSet<NodeId> l = new TreeSet<>(learners);
        l.add(node);
        TreeSet<NodeId> v = new TreeSet<>(voters);
        v.remove(node);
        return new Membership(v, l);
    }

    public Membership withVoter(NodeId node) {
        TreeSet<NodeId> v = new TreeSet<>(voters);
        v.add(node);
        TreeSet<NodeId> l = new TreeSet<>(learners);
        l.remove(node);
        return new Membership(v, l);
    }

    public Membership without(NodeId node) {
        TreeSet<NodeId> v = new TreeSet<>(voters);
        v.remove(node);
        TreeSet<NodeId> l = new TreeSet<>(learners);
        l.remove(node);
        return new Membership(v, l);
    }

    /**
     * The entry payload: voter count, voter ids, learner count, learner ids, each a big-endian
     * 32-bit integer.
     */
    public byte[] encode() {
        byte[] out = new byte[4 * (2 + voters.size() + learners.size())];
        int at = putInt(out, 0, voters.size());
        for (NodeId v : voters) {
            at = putInt(out, at, v.value());
        }
        at = putInt(out, at, learners.size());
        for (NodeId l : learners) {
            at = putInt(out, at, l.value());
        }
        return out;
    }

    /** Decodes {@link #encode()}; throws {@link IllegalArgumentException} on malformed input. */
    public static Membership decode(byte[] data) {
        try {
            int at = 0;
            int voterCount = getInt(data, at);
            at += 4;
            checkCount(voterCount, data.length);
            TreeSet<NodeId> v = new TreeSet<>();
            for (int i = 0; i < voterCount; i++, at += 4) {
                v.add(NodeId.of(getInt(data, at)));
            }
            int learnerCount = getInt(data, at);
            at += 4;
            checkCount(learnerCount, data.length);
            TreeSet<NodeId> l = new TreeSet<>();
            for (int i = 0; i < learnerCount; i++, at += 4) {
                l.add(NodeId.of(getInt(data, at)));
            }
            if (at != data.length) {
                throw new IllegalArgumentException("trailing bytes in membership entry");
            }
            return new Membership(v, l);
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("truncated membership entry", e);
        }
    }

    private static void checkCount(int count, int length) {
        if (count < 0 || count > length / 4) {
            throw new IllegalArgumentException("bad member count " + count);
        }
    }

    private static int putInt(byte[] out, int at, int value) {
        out[at] = (byte) (value >>> 24);
        out[at + 1] = (byte) (value >>> 16);
        out[at + 2] = (byte) (value >>> 8);
        out[at + 3] = (byte) value;
        return at + 4;
    }

    private static int getInt(byte[] in, int at) {
        return (in[at] & 0xff) << 24 | (in[at + 1] & 0xff) << 16 | (in[at + 2] & 0xff) << 8 | (in[at + 3] & 0xff);
    }

    @Override
    public String toString() {
        return "voters=" + voters + (learners.isEmpty() ? "" : " learners=" + learners);
    }
}
