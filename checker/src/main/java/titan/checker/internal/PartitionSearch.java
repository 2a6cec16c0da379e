package titan.checker.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import titan.checker.Model;
import titan.checker.PartitionResult;
import titan.checker.Step;
import titan.checker.Verdict;
import titan.checker.history.Operation;

/**
 * Wing &amp; Gong's backtracking search with Lowe's memoization, for one partition (Lowe, "Testing
 * for linearizability", §3–4, the algorithm Horn &amp; Kroening call WGL, §2 of "Faster
 * linearizability checking via P-compositionality").
 * <p>Walk the entry list from its head. At a call entry, try to linearize that operation now: if
 * the model accepts it and the resulting (linearized set, state) is new to the cache, push it,
 * lift its entries out of the list and start again from the head. At a return entry, the operation
 * it ends was not linearized in time, so undo the most recent choice (pop, unlift) and try the
 * entry after it. The history is linearizable when no return entry is left, and not when a return
 * entry is reached with nothing to undo. The stack is explicit, so deep histories cannot overflow
 * the Java stack.
 * <p>Two refinements for operations whose outcome is unknown (Jepsen's {@code info}), which may be
 * linearized or left out. First, at each configuration the search tries the completed candidates
 * before the unknown ones. Second, a configuration (C + P, s), where C are completed operations and
 * P non-empty unknown ones, is skipped when (C, s) is already cached: every way to finish from
 * (C + P, s) also finishes from (C, s), because the operations of P were optional anyway, so
 * (C + P, s) is dominated by a configuration that has been or is being explored. Without this,
 * each unknown operation could double the configurations of the rest of the history; the first
 * refinement makes the dominating configuration likely to be visited first.
 */
public final class PartitionSearch<S> {
    /** The clock and the cancel flag are read once per this many steps: cheap, yet prompt. */
    private static final int STEPS_PER_LIMIT_CHECK = 1 << 12;
    /** Beyond this many linearized unknown-outcome operations, only the empty subset is probed. */
    private static final int PENDING_PROBES_MAX = 16;

    private final Model<S> model;
    private final String name;
    private final List<Operation> operations;
    private final SearchLimits limits;
    private final Function<Operation, String> locate;
    private final int[] pendingScratch = new int[PENDING_PROBES_MAX];

    /**
     * @param operations the partition's operations in call order, failed and inert ones removed
     * @param locate     where an operation is in the input, e.g. {@code file:line}, for explanations
     */
    public PartitionSearch(Model<S> model, String name, List<Operation> operations, SearchLimits limits,
                           Function<Operation, String> locate) {
        this.model = model;
        this.name = name;
        this.operations = operations;
        this.limits = limits;
        this.locate = locate;
    }

    public PartitionResult run() {
        long startNanos = limits.nowNanos();
        String early = limits.stopReason();
        if (early != null) {
            return new PartitionResult(name, Verdict.UNKNOWN, early, operations, List.of(), null, "", 0, 0);
        }
        Transitions<S> transitions = new Transitions<>(model, operations, limits.budget());
        ConfigurationCache cache = new ConfigurationCache(limits.budget());
        try {
            return search(transitions, cache, startNanos);
        } finally {
            cache.release();
            transitions.release();
        }
    }

    private PartitionResult search(Transitions<S> transitions, ConfigurationCache cache, long startNanos) {
        int n = operations.size();
        EntryList list = new EntryList(operations);
        boolean[] completed = new boolean[n];
        int returnsLeft = 0;
        for (int op = 0; op < n; op++) {
            completed[op] = list.hasReturn(op);
            returnsLeft += completed[op] ? 1 : 0;
        }
        LinearizedSet linearized = new LinearizedSet(completed);
        int[] stackCall = new int[n];
        int[] stackState = new int[n];
        int depth = 0;
        Best best = new Best(n);
        int state = transitions.initial();
        best.state = state;
        int entry = list.first();
        boolean pendingPass = false;
        int stepsToLimitCheck = STEPS_PER_LIMIT_CHECK;
        while (returnsLeft > 0) {
            if (--stepsToLimitCheck == 0) {
                stepsToLimitCheck = STEPS_PER_LIMIT_CHECK;
                String reason = limits.stopReason();
                if (reason != null) {
                    return stopped(reason, best, transitions, cache, startNanos);
                }
            }
            if (EntryList.isCall(entry)) {
                int op = EntryList.operationOf(entry);
                if (completed[op] == pendingPass) {
                    entry = list.next[entry]; // not this pass's kind of operation
                    continue;
                }
                int next = transitions.step(state, op);
                if (next != Transitions.ILLEGAL) {
                    linearized.add(op);
                    if (linearized.hasPending() && dominated(linearized, next, cache)) {
                        linearized.remove(op); // dominated: see the class comment
                        entry = list.next[entry];
                        continue;
                    }
                    ConfigurationCache.Added added = cache.add(linearized, next);
                    if (added == ConfigurationCache.Added.NEW) {
                        stackCall[depth] = entry;
                        stackState[depth] = state;
                        depth++;
                        state = next;
                        list.lift(entry);
                        if (completed[op]) {
                            returnsLeft--;
                        }
                        best.reached(stackCall, depth, state);
                        entry = list.first();
                        pendingPass = false;
                        continue;
                    }
                    linearized.remove(op);
                    if (added == ConfigurationCache.Added.OUT_OF_MEMORY) {
                        return stopped(limits.memoryReason(), best, transitions, cache, startNanos);
                    }
                }
                entry = list.next[entry];
            } else if (!pendingPass) {
                // Every completed candidate is tried; now the unknown-outcome ones, from the head again.
                pendingPass = true;
                entry = list.first();
            } else {
                // A return entry: its operation had to be linearized by now. Undo the latest choice.
                if (depth == 0) {
                    return invalid(best, transitions, cache, startNanos);
                }
                depth--;
                int call = stackCall[depth];
                int op = EntryList.operationOf(call);
                state = stackState[depth];
                linearized.remove(op);
                list.unlift(call);
                if (completed[op]) {
                    returnsLeft++;
                }
                best.poppedTo(depth);
                entry = list.next[call];
                pendingPass = !completed[op];
            }
        }
        List<Integer> order = new ArrayList<>(depth);
        for (int i = 0; i < depth; i++) {
            order.add(operations.get(EntryList.operationOf(stackCall[i])).id());
        }
        return new PartitionResult(name, Verdict.VALID, "", operations, order, null,
                model.describe(transitions.state(state)), cache.size(), limits.nowNanos() - startNanos);
    }

    /**
     * Whether (set, state) is dominated by a cached configuration with the same completed operations
     * and state and a subset of its unknown-outcome ones: the empty subset, or the set less one of
     * them (larger subsets are not probed: each probe costs a cache lookup).
     */
    private boolean dominated(LinearizedSet set, int state, ConfigurationCache cache) {
        if (cache.containsWithoutPending(set, state)) {
            return true;
        }
        int count = set.pendingCount();
        if (count < 2 || count > PENDING_PROBES_MAX) {
            return false;
        }
        int[] members = pendingScratch;
        for (int i = 0; i < count; i++) {
            members[i] = set.pendingMember(i);
        }
        for (int i = 0; i < count; i++) {
            int op = members[i];
            set.remove(op);
            boolean seen = cache.contains(set, state);
            set.add(op);
            if (seen) {
                return true;
            }
        }
        return false;
    }

    private PartitionResult stopped(String reason, Best best, Transitions<S> transitions,
                                    ConfigurationCache cache, long startNanos) {
        return new PartitionResult(name, Verdict.UNKNOWN, reason + " after " + cache.size() + " configurations",
                operations, best.operationIds(operations), null, model.describe(transitions.state(best.state)),
                cache.size(), limits.nowNanos() - startNanos);
    }

    /**
     * Explains the failure from the deepest point the search reached: the operation that could not
     * be linearized there is the one among the rest whose completion came first, since it is the
     * return entry that forced the search back from that point.
     */
    private PartitionResult invalid(Best best, Transitions<S> transitions, ConfigurationCache cache, long startNanos) {
        limits.cancel();
        boolean[] done = new boolean[operations.size()];
        for (int i = 0; i < best.depth; i++) {
            done[EntryList.operationOf(best.calls[i])] = true;
        }
        Operation failing = null;
        for (int op = 0; op < operations.size(); op++) {
            Operation candidate = operations.get(op);
            if (!done[op] && !candidate.isUnknown() && candidate.completionIndex() >= 0
                    && (failing == null || candidate.completionIndex() < failing.completionIndex())) {
                failing = candidate;
            }
        }
        S state = transitions.state(best.state);
        StringBuilder reason = new StringBuilder();
        if (!name.isEmpty()) {
            reason.append("key ").append(name).append(": ");
        }
        reason.append(failing == null ? "no operation" : failing.describe() + " (" + locate.apply(failing) + ")")
                .append(" cannot be linearized after ").append(best.depth).append(" of ")
                .append(operations.size()).append(" operations; state there ").append(model.describe(state));
        if (failing != null && model.step(state, failing) instanceof Step.Illegal<S> illegal
                && illegal.reason() != null && !illegal.reason().isEmpty()) {
            reason.append(" (").append(illegal.reason()).append(')');
        }
        return new PartitionResult(name, Verdict.INVALID, reason.toString(), operations,
                best.operationIds(operations), failing, model.describe(state), cache.size(),
                limits.nowNanos() - startNanos);
    }

    /**
     * The deepest stack seen, kept up to date in amortized O(1) per step: only the part of the
     * stack that changed since the last copy ({@code dirtyFrom} onwards) is copied.
     */
    private static final class Best {
        final int[] calls;
        int depth;
        int state;
        private int dirtyFrom;

        Best(int size) {
            calls = new int[size];
        }

        void reached(int[] stack, int stackDepth, int stackState) {
            if (stackDepth > depth) {
                System.arraycopy(stack, dirtyFrom, calls, dirtyFrom, stackDepth - dirtyFrom);
                depth = stackDepth;
                dirtyFrom = stackDepth;
                state = stackState;
            }
        }

        void poppedTo(int stackDepth) {
            if (stackDepth < dirtyFrom) {
                dirtyFrom = stackDepth;
            }
        }

        List<Integer> operationIds(List<Operation> operations) {
            List<Integer> ids = new ArrayList<>(depth);
            for (int i = 0; i < depth; i++) {
                ids.add(operations.get(EntryList.operationOf(calls[i])).id());
            }
            return ids;
        }
    }
}
