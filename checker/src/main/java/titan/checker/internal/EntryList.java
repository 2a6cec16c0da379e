package titan.checker.internal;

import java.util.Arrays;
import java.util.List;
import titan.checker.history.Operation;

/**
 * The history as Wing &amp; Gong's doubly linked list of call and return entries in real-time
 * order (Lowe, "Testing for linearizability", §3), in two int arrays. Operation {@code i} owns
 * entries {@code 2i} (its call) and {@code 2i + 1} (its return). An operation whose outcome is
 * unknown has no return entry: it may be linearized anywhere after its call, or never, so nothing
 * forces it to be linearized before the search ends.
 * <p>{@link #lift} unlinks an operation's call and return in O(1); {@link #unlift} puts them back
 * in O(1), which is correct because unlifts happen in exactly the reverse order of lifts (the
 * entries' own links still point at their old neighbours: Knuth's dancing links).
 */
final class EntryList {
    final int head;
    final int tail;
    final int[] next;
    final int[] prev;
    private final boolean[] hasReturn;

    EntryList(List<Operation> operations) {
        int n = operations.size();
        head = 2 * n;
        tail = 2 * n + 1;
        next = new int[2 * n + 2];
        prev = new int[2 * n + 2];
        hasReturn = new boolean[n];
        long[] order = new long[2 * n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            Operation op = operations.get(i);
            order[count++] = ((long) op.callIndex() << 32) | (2L * i);
            if (op.completionIndex() >= 0 && !op.isUnknown()) {
                hasReturn[i] = true;
                order[count++] = ((long) op.completionIndex() << 32) | (2L * i + 1);
            }
        }
        Arrays.sort(order, 0, count);
        int last = head;
        for (int k = 0; k < count; k++) {
            int entry = (int) order[k];
            next[last] = entry;
            prev[entry] = last;
            last = entry;
        }
        next[last] = tail;
        prev[tail] = last;
    }

    static boolean isCall(int entry) {
        return (entry & 1) == 0;
    }

    static int operationOf(int entry) {
        return entry >>> 1;
    }

    boolean hasReturn(int op) {
        return hasReturn[op];
    }

    int first() {
        return next[head];
    }

    /** Unlinks the call entry {@code call} and its return entry, if any. */
    void lift(int call) {
        next[prev[call]] = next[call];
        prev[next[call]] = prev[call];
        if (hasReturn[call >>> 1]) {
            int ret = call + 1;
            next[prev[ret]] = next[ret];
            prev[next[ret]] = prev[ret];
        }
    }

    /** Relinks what {@link #lift} unlinked; must be called in the reverse order of the lifts. */
    void unlift(int call) {
        if (hasReturn[call >>> 1]) {
            int ret = call + 1;
            next[prev[ret]] = ret;
            prev[next[ret]] = ret;
        }
        next[prev[call]] = call;
        prev[next[call]] = call;
    }
}
