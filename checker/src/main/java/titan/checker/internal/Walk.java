package titan.checker.internal;

import java.util.Arrays;
import java.util.List;
import titan.checker.history.Operation;

/**
 * One depth-first walk of Wing &amp; Gong's search over one partition, with its explicit stack; the
 * rules it follows, and why they are sound, are in {@link PartitionSearch}'s class comment.
 * <p>A <em>level</em> is the choice of the next operation at one configuration: its candidates are
 * the call entries before the first return entry of the {@link EntryList}, completed operations
 * first (the first pass), then unknown-outcome ones. At a call entry the walk tries to linearize
 * that operation; at the first return entry of the second pass the level is exhausted and the walk
 * backtracks. Not thread-safe: one walk per search.
 */
final class Walk {
    /** Which rules the walk follows. */
    enum Mode {
        /** Wing &amp; Gong with Lowe's cache and the domination rule; every candidate tried everywhere. */
        PLAIN,
        /** With the reductions: observers first, unknown-outcome operations only in blocks. */
        EXACT,
        /**
         * As EXACT, but an unknown-outcome operation is never used up: it may take effect again in a
         * later block. An over-approximation: every linearization is also one here.
         */
        RELAXED
    }

    /** How a walk ended. */
    enum Outcome {
        /** A linearization is on the stack ({@link #linearization()}). */
        VALID,
        /** No linearization exists (under the walk's mode). */
        INVALID,
        /** The deadline, the memory bound or a cancel stopped it: {@link #stopReason()}. */
        STOPPED,
        /** It pushed {@code pushesMax} configurations without an answer. */
        BUDGET_USED
    }

    /** The clock and the cancel flag are read once per this many steps: cheap, yet prompt. */
    private static final int STEPS_PER_LIMIT_CHECK = 1 << 12;
    /** Beyond this many linearized unknown-outcome operations, only the empty subset is probed (PLAIN). */
    private static final int PENDING_PROBES_MAX = 16;

    private static final int PUSHED = 0;
    private static final int SKIPPED = 1;
    private static final int OUT_OF_MEMORY = 2;

    private final boolean reductions;
    private final boolean relaxed;
    /** RELAXED: which unknown-outcome operations may take effect again; the others are used up once. */
    private final boolean[] reusable;
    /** The append-epoch reduction for this partition, or null. */
    private final AppendEpochs epochs;
    private final Transitions<?> transitions;
    private final ConfigurationCache cache;
    private final SearchLimits limits;
    private final long pushesMax;
    private final EntryList list;
    private final boolean[] completed;
    private final LinearizedSet linearized;
    private final int[] pendingScratch = new int[PENDING_PROBES_MAX];
    private int[] stackCall;
    private int[] stackState;
    /** Whether the frame's operation was the only choice of its level (observers first). */
    private boolean[] stackForced;
    private int depth;
    private int state;
    private int entry;
    /** Whether the level is trying unknown-outcome candidates (the second pass) rather than completed ones. */
    private boolean pendingPass;
    private int returnsLeft;
    private long pushes;
    private String stopReason;
    private final Best best = new Best();

    /**
     * @param pushesMax stop ({@link Outcome#BUDGET_USED}) after pushing this many configurations
     * @param reusable  RELAXED: per operation, whether an unknown-outcome one may take effect in more
     *                  than one block; null for all of them
     * @param epochs    the append-epoch reduction, or null (ignored in PLAIN mode)
     */
    Walk(Mode mode, List<Operation> operations, Transitions<?> transitions, ConfigurationCache cache,
         SearchLimits limits, long pushesMax, boolean[] reusable, AppendEpochs epochs) {
        this.reductions = mode != Mode.PLAIN;
        this.relaxed = mode == Mode.RELAXED;
        this.reusable = reusable;
        this.epochs = reductions ? epochs : null;
        this.transitions = transitions;
        this.cache = cache;
        this.limits = limits;
        this.pushesMax = pushesMax;
        int n = operations.size();
        list = new EntryList(operations);
        completed = new boolean[n];
        for (int op = 0; op < n; op++) {
            completed[op] = list.hasReturn(op);
            returnsLeft += completed[op] ? 1 : 0;
        }
        linearized = new LinearizedSet(completed);
        stackCall = new int[n + 16];
        stackState = new int[n + 16];
        stackForced = new boolean[n + 16];
        state = transitions.initial();
        best.state = state;
    }

    Outcome run() {
        if (state == Transitions.ILLEGAL) {
            return stop(limits.memoryReason());
        }
        Outcome outcome = run0();
        // An answer given after the memory bound refused a state may rest on a wrong "illegal".
        return transitions.outOfMemory() && outcome != Outcome.STOPPED ? stop(limits.memoryReason()) : outcome;
    }

    private Outcome run0() {
        Outcome outcome = beginLevel();
        int stepsToLimitCheck = STEPS_PER_LIMIT_CHECK;
        while (outcome == null) {
            if (transitions.outOfMemory()) {
                return stop(limits.memoryReason());
            }
            if (returnsLeft == 0) {
                return Outcome.VALID;
            }
            if (--stepsToLimitCheck == 0) {
                stepsToLimitCheck = STEPS_PER_LIMIT_CHECK;
                String reason = limits.stopReason();
                if (reason != null) {
                    return stop(reason);
                }
            }
            if (pushes >= pushesMax) {
                return Outcome.BUDGET_USED;
            }
            if (EntryList.isCall(entry)) {
                outcome = tryCandidate();
            } else if (!pendingPass) {
                // Every completed candidate is tried; now the unknown-outcome ones, from the head again.
                pendingPass = true;
                entry = list.first();
            } else {
                // A return entry: its operation had to be linearized by now. Undo the latest choice.
                outcome = backtrack() ? null : Outcome.INVALID;
            }
        }
        return outcome;
    }

    /** Tries the call entry at {@link #entry}; returns what {@link #run} would, or null to go on. */
    private Outcome tryCandidate() {
        int op = EntryList.operationOf(entry);
        int next = completed[op] == pendingPass ? Transitions.ILLEGAL : candidate(op);
        if (next == Transitions.ILLEGAL) {
            entry = list.next[entry];
            return null;
        }
        int pushed = push(entry, next, false);
        if (pushed == OUT_OF_MEMORY) {
            return stop(limits.memoryReason());
        }
        if (pushed == SKIPPED) {
            entry = list.next[entry];
            return null;
        }
        return beginLevel();
    }

    /**
     * Starts the level of a configuration just pushed. With the reductions, a completed read-only
     * candidate that is legal here becomes the level's only choice (pushed as forced); if that
     * configuration was already explored, the level fails at once. Returns what {@link #run} would,
     * or null to go on.
     */
    private Outcome beginLevel() {
        while (true) {
            entry = list.first();
            pendingPass = false;
            if (!reductions || returnsLeft == 0) {
                return null;
            }
            int forced = observerCandidate();
            if (forced < 0) {
                return null;
            }
            int pushed = push(forced, state, true);
            if (pushed == OUT_OF_MEMORY) {
                return stop(limits.memoryReason());
            }
            if (pushed == SKIPPED) {
                return backtrack() ? null : Outcome.INVALID;
            }
        }
    }

    /** The call entry of a completed, read-only candidate that may be linearized here, or -1. */
    private int observerCandidate() {
        for (int e = list.first(); EntryList.isCall(e); e = list.next[e]) {
            int op = EntryList.operationOf(e);
            if (completed[op] && transitions.readOnly(op) && candidate(op) != Transitions.ILLEGAL) {
                return e;
            }
        }
        return -1;
    }

    /**
     * The state after linearizing candidate {@code op} here, or {@link Transitions#ILLEGAL} when the
     * model refuses it or (with the reductions) the block rules rule it out.
     */
    private int candidate(int op) {
        int next = transitions.step(state, op);
        if (next == Transitions.ILLEGAL || !reductions) {
            return next;
        }
        if (epochs != null && epochs.skip(state, op, next)) {
            return Transitions.ILLEGAL;
        }
        // R0: an unknown-outcome no-op is never needed; RELAXED: at most once per block.
        if (!completed[op] && (next == state || (relaxed && inCurrentBlock(op)))) {
            return Transitions.ILLEGAL;
        }
        if (depth == 0) {
            return next;
        }
        int top = EntryList.operationOf(stackCall[depth - 1]);
        if (completed[top]) {
            return next; // a configuration after a completed operation: any candidate may follow
        }
        int before = stackState[depth - 1];
        boolean allowed = completed[op] ? needs(before, top, op, next) : mayFollow(before, top, op, next);
        return allowed ? next : Transitions.ILLEGAL;
    }

    /** Whether unknown-outcome {@code op} is already in the block on top of the stack (RELAXED). */
    private boolean inCurrentBlock(int op) {
        for (int d = depth - 1; d >= 0; d--) {
            int frameOp = EntryList.operationOf(stackCall[d]);
            if (completed[frameOp]) {
                return false;
            }
            if (frameOp == op) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether completed {@code x} may end a block whose last unknown-outcome operation is {@code u},
     * taken in state {@code before}; x leads to {@code after} when it follows u. Not when x without u
     * leads to the same state (R2: drop u), nor when u after x does (R1: move u past x).
     */
    private boolean needs(int before, int u, int x, int after) {
        int withoutU = transitions.step(before, x);
        if (withoutU == Transitions.ILLEGAL) {
            return true;
        }
        if (withoutU == after) {
            return false;
        }
        return transitions.step(withoutU, u) != after;
    }

    /**
     * Whether unknown-outcome {@code u2} may follow unknown-outcome {@code u1} in a block, u1 taken in
     * state {@code before}, u2 leading to {@code after}. Not when u2 alone leads to the same state
     * (R2': drop u1), nor when the two commute and u2 was called first (R1': swap them).
     */
    private boolean mayFollow(int before, int u1, int u2, int after) {
        int u2First = transitions.step(before, u2);
        if (u2First == Transitions.ILLEGAL) {
            return true;
        }
        if (u2First == after) {
            return false;
        }
        return u2 > u1 || transitions.step(u2First, u1) != after;
    }

    /**
     * Linearizes the operation of {@code call}, leading to {@code next}. A configuration that follows
     * a completed operation (with the reductions; every one without) is checked against and added
     * to the cache; one inside a block is not, since what may follow it depends on the block. In
     * RELAXED mode an unknown-outcome operation is not added to the linearized set nor lifted out
     * of the list: it stays available.
     */
    private int push(int call, int next, boolean forced) {
        int op = EntryList.operationOf(call);
        boolean usedUp = isUsedUp(op);
        if (usedUp) {
            linearized.add(op);
        }
        if (epochs != null) {
            epochs.linearized(op);
        }
        if (completed[op] || !reductions) {
            int key = epochs == null ? next : epochs.cacheState(next);
            ConfigurationCache.Added added = linearized.hasPending() && dominated(key) ? ConfigurationCache.Added.SEEN
                    : cache.add(linearized, key);
            if (added != ConfigurationCache.Added.NEW) {
                if (usedUp) {
                    linearized.remove(op);
                }
                if (epochs != null) {
                    epochs.unlinearized(op);
                }
                return added == ConfigurationCache.Added.SEEN ? SKIPPED : OUT_OF_MEMORY;
            }
        }
        if (depth == stackCall.length) {
            growStack();
        }
        stackCall[depth] = call;
        stackState[depth] = state;
        stackForced[depth] = forced;
        depth++;
        pushes++;
        state = next;
        if (usedUp) {
            list.lift(call);
        }
        if (completed[op]) {
            returnsLeft--;
        }
        best.reached(stackCall, depth, state);
        return PUSHED;
    }

    /**
     * Whether linearizing {@code op} uses it up: always, except for a reusable unknown-outcome
     * operation in RELAXED mode.
     */
    private boolean isUsedUp(int op) {
        return completed[op] || !relaxed || (reusable != null && !reusable[op]);
    }

    /**
     * Undoes the latest choice and resumes its level after it; a forced choice was its level's only
     * one, so that level is undone too. False when there is nothing left to undo.
     */
    private boolean backtrack() {
        while (depth > 0) {
            depth--;
            int call = stackCall[depth];
            int op = EntryList.operationOf(call);
            state = stackState[depth];
            if (isUsedUp(op)) {
                linearized.remove(op);
                list.unlift(call);
            }
            if (epochs != null) {
                epochs.unlinearized(op);
            }
            if (completed[op]) {
                returnsLeft++;
            }
            best.poppedTo(depth);
            if (!stackForced[depth]) {
                entry = list.next[call];
                pendingPass = !completed[op];
                return true;
            }
        }
        return false;
    }

    /**
     * Whether (set, state) is dominated by a cached configuration with the same completed operations
     * and state and a subset of its unknown-outcome ones: the empty subset, and in PLAIN mode also
     * the set less one of them. With the reductions, unknown operations are linearized only where
     * needed, and the second kind of probe pruned under 1% of the configurations of the register
     * benchmark while costing more probes than it saved, so it is left out.
     */
    private boolean dominated(int next) {
        if (cache.containsWithoutPending(linearized, next)) {
            return true;
        }
        int count = linearized.pendingCount();
        if (reductions || count < 2 || count > PENDING_PROBES_MAX) {
            return false;
        }
        int[] members = pendingScratch;
        for (int i = 0; i < count; i++) {
            members[i] = linearized.pendingMember(i);
        }
        for (int i = 0; i < count; i++) {
            int op = members[i];
            linearized.remove(op);
            boolean seen = cache.contains(linearized, next);
            linearized.add(op);
            if (seen) {
                return true;
            }
        }
        return false;
    }

    private Outcome stop(String reason) {
        stopReason = reason;
        return Outcome.STOPPED;
    }

    private void growStack() {
        int size = stackCall.length * 2;
        stackCall = Arrays.copyOf(stackCall, size);
        stackState = Arrays.copyOf(stackState, size);
        stackForced = Arrays.copyOf(stackForced, size);
    }

    String stopReason() {
        return stopReason;
    }

    /** The operations on the stack, bottom first: a linearization after {@link Outcome#VALID}. */
    int[] linearization() {
        int[] ops = new int[depth];
        for (int i = 0; i < depth; i++) {
            ops[i] = EntryList.operationOf(stackCall[i]);
        }
        return ops;
    }

    /** The state after {@link #linearization()}. */
    int state() {
        return state;
    }

    /** The deepest stack seen: its operations, bottom first. */
    int[] deepest() {
        int[] ops = new int[best.depth];
        for (int i = 0; i < best.depth; i++) {
            ops[i] = EntryList.operationOf(best.calls[i]);
        }
        return ops;
    }

    /** The state after {@link #deepest()}. */
    int deepestState() {
        return best.state;
    }

    /**
     * The deepest stack seen, kept up to date in amortized O(1) per step: only the part of the
     * stack that changed since the last copy ({@code dirtyFrom} onwards) is copied.
     */
    private static final class Best {
        int[] calls = new int[16];
        int depth;
        int state;
        private int dirtyFrom;

        void reached(int[] stack, int stackDepth, int stackState) {
            if (stackDepth > depth) {
                if (stackDepth > calls.length) {
                    calls = Arrays.copyOf(calls, Math.max(stackDepth, calls.length * 2));
                }
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
    }
}
