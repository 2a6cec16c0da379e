package titan.raft.quorum;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.function.ToLongFunction;

/** Majority arithmetic over a set of voters (§5.2 elections, §5.3–5.4 commitment). */
public final class MajorityQuorum {
    private MajorityQuorum() {}

    public static int size(int voters) {
        return voters / 2 + 1;
    }

    /**
     * The largest value that at least a majority of the voters have reached: the quorum-th largest
     * of their values. With match indexes this is the highest index replicated on a majority
     * (§5.3); with acknowledged heartbeat rounds, the latest round a majority confirmed (§6.4).
     */
    public static <T> long committed(Collection<T> voters, ToLongFunction<T> value) {
        if (voters.isEmpty()) {
            return Long.MAX_VALUE; // an empty configuration never constrains; callers never have one
        }
        long[] values = new long[voters.size()];
        int i = 0;
        for (T voter : voters) {
            values[i++] = value.applyAsLong(voter);
        }
        Arrays.sort(values);
        return values[values.length - size(values.length)];
    }

    public enum VoteResult { WON, LOST, PENDING }

    /** Counts granted and refused votes among {@code voters}; absent voters have not answered. */
    public static <T> VoteResult tally(Collection<T> voters, Map<T, Boolean> votes) {
        int granted = 0;
        int refused = 0;
        for (T voter : voters) {
            Boolean v = votes.get(voter);
            if (v == null) {
                continue;
            }
            if (v) {
                granted++;
            } else {
                refused++;
            }
        }
        int quorum = size(voters.size());
        if (granted >= quorum) {
            return VoteResult.WON;
        }
        if (refused > voters.size() - quorum) {
            return VoteResult.LOST;
        }
        return VoteResult.PENDING;
    }
}
