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
 *
 * <h2>Reductions: fewer orders, the same verdicts</h2>
 * Plain WGL tries every candidate at every configuration. Two reductions cut the orders it tries
 * without losing a linearization; each is an argument that if <em>some</em> valid way to finish
 * exists, one of the restricted shape exists too. "Valid way to finish" from (C, s): an order of
 * the remaining operations that contains every completed one, perhaps some unknown ones, respects
 * real time and is legal from s.
 * <ol>
 * <li><b>Observers first.</b> If a completed candidate x is read-only ({@link Model#isReadOnly}: in
 * every state it is illegal or changes nothing) and legal in s, x is the level's only choice. Given
 * a way to finish σ, moving x to its front gives another: x is legal in s and changes nothing; where
 * x stood in σ it was legal, so it changed nothing there either, and taking it out leaves every
 * later state as it was; x is a candidate, so everything that returned before its call is in C
 * already; and moving an operation earlier breaks no real-time order of the others. So if
 * (C + x, s) fails, (C, s) fails. That x keeps the state in <em>every</em> state matters: a write
 * of the current value keeps this state, but moved to the front it would no longer overwrite a
 * later one. This is a partial-order reduction (Godefroid, "Partial-Order Methods for the
 * Verification of Concurrent Systems", LNCS 1032, 1996): of the orders that differ only in where x
 * sits, one is tried. On registers it takes every read in one step, with no branching.</li>
 * <li><b>Unknown operations just in time.</b> In the spirit of Lowe's just-in-time linearization
 * ("Testing for linearizability", Concurrency and Computation: Practice and Experience 29(4),
 * 2017), where an operation is linearized only when something forces it, an unknown operation is
 * only linearized in a <em>block</em> u1 … um x: unknown operations immediately followed by a
 * completed x that needs um. Otherwise an info write is tried after each of the thousands of
 * configurations that follow its call, and each try opens a new sub-search. Any way to finish can
 * be rewritten, block by block, into one whose blocks obey these rules (t is the state before um,
 * or before ui):
 * <ul>
 * <li>R0: an unknown u with step(s, u) = s is dropped (it changes nothing and is optional);</li>
 * <li>R2: if x is legal in t and step(t, x) = step(t, um x), drop um (x overwrites it);</li>
 * <li>R1: if x is legal in t and step(t, x um) = step(t, um x), swap them (um moves to a later block);</li>
 * <li>R2': if u(i+1) is legal in t and step(t, u(i+1)) = step(t, ui u(i+1)), drop ui;</li>
 * <li>R1': if ui and u(i+1) commute in t and u(i+1) was called first, swap them.</li>
 * </ul>
 * Each rewrite keeps the order legal and consistent with real time (an unknown operation has no
 * return, so nothing must follow it, and moving it later or dropping it breaks no order), and
 * shortens the first block or, for R1', removes one inversion from it, so rewriting ends. The
 * search therefore enumerates only blocks to which no rule applies ({@code needs}, {@code mayFollow}).
 * A block ending with no completed operation is never needed: unknown operations at the very end are
 * dropped. What may follow a configuration inside a block depends on the block, so only the
 * configuration after x goes into the cache; the cache, the domination rule and Lowe's argument
 * are unchanged for those. Observers-first also applies inside a block, among the operations that
 * may end it.</li>
 * </ol>
 *
 * <h2>A relaxed pass, when there are unknown operations</h2>
 * An info write that a later read could have seen still costs: each place it may serve that read
 * starts a short sub-search in which the operation is used up, and those configurations differ from
 * all others by that one bit, so neither the cache nor the domination rule merges them. On the
 * 10,000-operation register benchmark with about ten info operations, invalid, that was 5 million
 * configurations (blocks alone: 4.0 million; with observers first: 0.93 million).
 * <p>So the search also solves a relaxed problem in which an unknown operation is never used up: it
 * may take effect in any number of blocks (at most once per block, which keeps blocks finite), and
 * the cache key holds completed operations only. Only operations with one possible effect state (a
 * write, a cas) are reused so: reusing an append would make a new, longer state every time and the
 * relaxed walk would never end, so appends stay used up once and in the key, as in the exact walk
 * ({@code reusableUnknowns}). Which operations are reused only decides how loose the relaxation is;
 * every linearization is a relaxed one either way. Every linearization is also a relaxed one. The
 * order of work, for a partition with unknown operations:
 * <ol>
 * <li>the exact walk, with a budget of 4 configurations per operation (+ 4096): enough for most
 * linearizable histories, which it then decides alone;</li>
 * <li>else the relaxed walk. No relaxed linearization: the history is not linearizable, and the
 * first walk's deepest point explains it. A relaxed linearization that uses no unknown operation
 * twice is a linearization: valid;</li>
 * <li>else the relaxed answer was spurious and the exact walk runs again without a budget
 * (counterexample-guided refinement in its simplest form: Clarke et al., "Counterexample-guided
 * abstraction refinement", CAV 2000). Relaxed walks reuse an info operation readily where it
 * rescues a dead end, so this is the usual outcome for a linearizable history that step 1 could
 * not finish.</li>
 * </ol>
 * The relaxed walk's completeness is the exact one's argument again: every exact way to finish,
 * normalized by the rules above, is a sequence of blocks with distinct operations, which the relaxed
 * walk enumerates, and what it may do from (C, s) depends on (C, s) only, so its cache is sound.
 * The benchmark above drops to 0.18 million configurations (34 thousand of them the budgeted
 * first walk), about 30 times fewer.
 * <h2>A model-specific reduction: kv keys of unique values</h2>
 * For a {@link titan.checker.model.KvModel} key whose writes, cas and appends set or add unique
 * values (reads and deletes too), {@link AppendEpochs} adds Elle's insight (a read reveals the
 * order of the appends before it): configurations that cannot finish are not entered, unknown
 * operations nobody can have seen are dropped, states no remaining read or cas can tell apart
 * share a cache entry, and a completed read or cas of a value no operation makes decides the key
 * invalid without a search of every order before it ({@link #impossibleObservation}). Its class
 * comment, and docs/checker.md, have the argument. Because it cuts dead branches at once, the
 * deepest point of a reduced walk can stop short of the operation to blame, so an invalid verdict
 * is explained from a walk without it when that one finishes within the first walk's budget.
 * <p>Everything a search holds (interned model states, caches, stacks) is reserved from the
 * check's memory budget; past it the verdict is UNKNOWN with the reason.
 * <p>{@code reductions = false} keeps the plain search (no reductions, no relaxed pass) for
 * comparison in benchmarks and tests. The brute-force oracle property tests and the Knossos verdicts
 * check all of this.
 */
public final class PartitionSearch<S> {
    private final Model<S> model;
    private final String name;
    /**
     * The operations searched: {@link #reported} less unknown ones nobody can have seen ({@link
     * AppendEpochs}); set by {@link #run}, after the deadline was checked.
     */
    private List<Operation> operations;
    /** The partition's operations, as given. */
    private final List<Operation> reported;
    private final SearchLimits limits;
    private final Function<Operation, String> locate;
    private final boolean reductions;
    private final long exactFirstPushesMax;
    /** The append-epoch reduction for this partition, or null; set up by {@link #run}, reset per walk. */
    private AppendEpochs epochs;

    /**
     * The first exact walk's budget: this many configurations per operation, plus {@link
     * #EXACT_FIRST_EXTRA}. A linearizable register history of 10,000 operations needs about two
     * per operation; one that is not needs far more.
     */
    private static final long EXACT_FIRST_PER_OPERATION = 4;
    private static final long EXACT_FIRST_EXTRA = 4096;
    /** What a walk holds per operation besides its cache: entry links, stack frames, set bits. */
    private static final long WALK_BYTES_PER_OPERATION = 64;

    /**
     * @param operations the partition's operations in call order, failed and inert ones removed
     * @param locate     where an operation is in the input, e.g. {@code file:line}, for explanations
     */
    public PartitionSearch(Model<S> model, String name, List<Operation> operations, SearchLimits limits,
                           Function<Operation, String> locate) {
        this(model, name, operations, limits, locate, true, exactFirstBudget(operations.size()));
    }

    /** The first exact walk's budget for a partition of {@code operations} operations. */
    static long exactFirstBudget(int operations) {
        return EXACT_FIRST_PER_OPERATION * operations + EXACT_FIRST_EXTRA;
    }

    /**
     * @param reductions          whether to use the reductions and the relaxed pass of the class
     *                            comment; without them the search is plain Wing &amp; Gong with Lowe's
     *                            cache and the domination rule, kept so benchmarks and tests can
     *                            compare the two
     * @param exactFirstPushesMax the budget of the first exact walk when there are unknown-outcome
     *                            operations; 0 goes to the relaxed walk at once (for tests)
     */
    PartitionSearch(Model<S> model, String name, List<Operation> operations, SearchLimits limits,
                    Function<Operation, String> locate, boolean reductions, long exactFirstPushesMax) {
        this.model = model;
        this.name = name;
        this.reported = operations;
        this.operations = operations;
        this.limits = limits;
        this.locate = locate;
        this.reductions = reductions;
        this.exactFirstPushesMax = exactFirstPushesMax;
    }

    public PartitionResult run() {
        long startNanos = limits.nowNanos();
        String early = limits.stopReason();
        if (early != null) {
            return new PartitionResult(name, Verdict.UNKNOWN, early, reported, List.of(), null, "", 0, 0);
        }
        operations = reductions ? AppendEpochs.withoutUnseenUnknowns(model, reported) : reported;
        Transitions<S> transitions = new Transitions<>(model, operations, limits.budget());
        epochs = reductions ? AppendEpochs.forPartition(model, operations, transitions) : null;
        try {
            if (!reductions) {
                return decide(walk(Walk.Mode.PLAIN, transitions, Long.MAX_VALUE), transitions, 0, startNanos);
            }
            if (epochs != null && epochs.impossibleObservation() >= 0) {
                PartitionResult shortcut = impossibleObservation(epochs.impossibleObservation(), startNanos);
                if (shortcut != null) {
                    return shortcut;
                }
            }
            if (operations.stream().noneMatch(Operation::isUnknown)) {
                return decide(walk(Walk.Mode.EXACT, transitions, Long.MAX_VALUE), transitions, 0, startNanos);
            }
            return exactRelaxedExact(transitions, startNanos);
        } finally {
            transitions.release();
        }
    }

    /**
     * For a partition with unknown-outcome operations: a short exact walk, then the relaxed one, then
     * (rarely) the whole exact one; see the class comment.
     */
    private PartitionResult exactRelaxedExact(Transitions<S> transitions, long startNanos) {
        Finished first = walk(Walk.Mode.EXACT, transitions, exactFirstPushesMax);
        if (first.outcome() != Walk.Outcome.BUDGET_USED) {
            return decide(first, transitions, 0, startNanos);
        }
        Finished relaxed = walk(Walk.Mode.RELAXED, transitions, Long.MAX_VALUE, reusableUnknowns(transitions));
        long configurations = first.configurations() + relaxed.configurations();
        switch (relaxed.outcome()) {
            case VALID:
                if (hasNoRepeat(relaxed.linearization())) {
                    return decide(relaxed, transitions, first.configurations(), startNanos);
                }
                return decide(walk(Walk.Mode.EXACT, transitions, Long.MAX_VALUE), transitions, configurations,
                        startNanos);
            case INVALID:
                // Proved: no relaxed linearization, so none at all. The short exact walk's deepest
                // point explains it.
                return explainInvalid(first, transitions, configurations, startNanos);
            default:
                return stopped(relaxed.stopReason(), first.deepest(), first.deepestState(), transitions,
                        configurations, startNanos);
        }
    }

    /** A walk's results, kept after its cache was given back. */
    private record Finished(Walk.Outcome outcome, String stopReason, int[] linearization, int state,
                            int[] deepest, int deepestState, long configurations) {}

    private Finished walk(Walk.Mode mode, Transitions<S> transitions, long pushesMax) {
        return walk(mode, transitions, pushesMax, null);
    }

    private Finished walk(Walk.Mode mode, Transitions<S> transitions, long pushesMax, boolean[] reusable) {
        return walk(mode, transitions, pushesMax, reusable, true);
    }

    private Finished walk(Walk.Mode mode, Transitions<S> transitions, long pushesMax, boolean[] reusable,
                          boolean withEpochs) {
        // The walk's own arrays: entry list, stack, linearized set, per-operation flags.
        long walkBytes = WALK_BYTES_PER_OPERATION * operations.size() + 1024;
        if (!limits.budget().reserve(walkBytes)) {
            return new Finished(Walk.Outcome.STOPPED, limits.memoryReason(), new int[0], 0, new int[0], 0, 0);
        }
        ConfigurationCache cache = new ConfigurationCache(limits.budget());
        try {
            AppendEpochs walkEpochs = withEpochs ? epochs : null;
            if (walkEpochs != null) {
                walkEpochs.reset();
            }
            Walk walk = new Walk(mode, operations, transitions, cache, limits, pushesMax, reusable, walkEpochs);
            Walk.Outcome outcome = walk.run();
            return new Finished(outcome, walk.stopReason(), walk.linearization(), walk.state(), walk.deepest(),
                    walk.deepestState(), cache.size());
        } finally {
            cache.release();
            limits.budget().release(walkBytes);
        }
    }

    /**
     * For the relaxed walk: which unknown-outcome operations may take effect in more than one block.
     * Reuse keeps the relaxed walk finite only for operations whose every legal effect is one state
     * (a write, a cas, a lock acquire); an append makes a new state each time, so its reuse would
     * never end, and it is used up once as in the exact walk. Which operations are reusable only
     * decides how loose the over-approximation is, never whether it is one, so a probe suffices:
     * the operation in the states known so far (at most 16) and in its own result.
     */
    private boolean[] reusableUnknowns(Transitions<S> transitions) {
        boolean[] reusable = new boolean[operations.size()];
        int probes = Math.min(transitions.stateCount(), 16);
        for (int op = 0; op < reusable.length; op++) {
            if (!operations.get(op).isUnknown()) {
                continue;
            }
            int result = Transitions.ILLEGAL;
            boolean oneResult = true;
            for (int state = 0; state < probes && oneResult; state++) {
                int next = transitions.step(state, op);
                if (next != Transitions.ILLEGAL) {
                    oneResult = result == Transitions.ILLEGAL || result == next;
                    result = next;
                }
            }
            if (oneResult && result != Transitions.ILLEGAL) {
                int again = transitions.step(result, op);
                oneResult = again == Transitions.ILLEGAL || again == result;
            }
            reusable[op] = oneResult;
        }
        return reusable;
    }

    private PartitionResult decide(Finished walk, Transitions<S> transitions, long earlierConfigurations,
                                   long startNanos) {
        long configurations = earlierConfigurations + walk.configurations();
        return switch (walk.outcome()) {
            case VALID -> new PartitionResult(name, Verdict.VALID, "", reported, ids(walk.linearization()), null,
                    model.describe(transitions.state(walk.state())), configurations, limits.nowNanos() - startNanos);
            case INVALID -> explainInvalid(walk, transitions, configurations, startNanos);
            case STOPPED -> stopped(walk.stopReason(), walk.deepest(), walk.deepestState(), transitions,
                    configurations, startNanos);
            case BUDGET_USED -> throw new IllegalStateException("a walk without a budget ran out of it");
        };
    }

    private static boolean hasNoRepeat(int[] ops) {
        java.util.BitSet seen = new java.util.BitSet();
        for (int op : ops) {
            if (seen.get(op)) {
                return false;
            }
            seen.set(op);
        }
        return true;
    }

    private List<Integer> ids(int[] ops) {
        List<Integer> ids = new ArrayList<>(ops.length);
        for (int op : ops) {
            ids.add(operations.get(op).id());
        }
        return ids;
    }

    private PartitionResult stopped(String reason, int[] prefix, int state, Transitions<S> transitions,
                                    long configurations, long startNanos) {
        return new PartitionResult(name, Verdict.UNKNOWN, reason + " after " + configurations + " configurations",
                reported, ids(prefix), null, model.describe(transitions.state(state)), configurations,
                limits.nowNanos() - startNanos);
    }

    /**
     * The verdict when completed observation {@code bad} can be linearized in no state at all
     * ({@link AppendEpochs#impossibleObservation}): invalid, proved without a search of every order
     * before it. To explain it as the search would, the operations called before {@code bad}
     * returned, less the observations no state satisfies, are searched on their own: everything
     * that returned before {@code bad} was called is among them. When they are linearizable, their
     * linearization is the longest prefix, after which {@code bad} cannot follow; when they are
     * not, that smaller search's explanation (an earlier violation) is the partition's; when it
     * stops (deadline, memory), {@code bad} alone explains.
     */
    private PartitionResult impossibleObservation(int bad, long startNanos) {
        Operation failing = operations.get(bad);
        List<Operation> before = new ArrayList<>();
        for (int op = 0; op < operations.size(); op++) {
            if (operations.get(op).callIndex() < failing.completionIndex() && !epochs.isImpossible(op)) {
                before.add(operations.get(op));
            }
        }
        PartitionResult prefix = new PartitionSearch<>(model, name, before, limits, locate, true,
                exactFirstBudget(before.size())).run();
        limits.cancel();
        if (prefix.verdict() == Verdict.INVALID) {
            return new PartitionResult(name, Verdict.INVALID, prefix.reason(), reported, prefix.linearization(),
                    prefix.failingOperation(), prefix.stateAfterLinearization(), prefix.configurationsVisited(),
                    limits.nowNanos() - startNanos);
        }
        List<Integer> linearization = prefix.verdict() == Verdict.VALID ? prefix.linearization() : List.of();
        S state = replay(linearization);
        StringBuilder reason = new StringBuilder();
        if (!name.isEmpty()) {
            reason.append("key ").append(name).append(": ");
        }
        reason.append(failing.describe()).append(" (").append(locate.apply(failing))
                .append(") cannot be linearized after ").append(linearization.size()).append(" of ")
                .append(operations.size()).append(" operations; state there ").append(model.describe(state));
        if (model.step(state, failing) instanceof Step.Illegal<S> illegal && illegal.reason() != null
                && !illegal.reason().isEmpty()) {
            reason.append(" (").append(illegal.reason()).append(')');
        }
        reason.append("; no operation makes the value it expects, so no state has it");
        if (prefix.verdict() == Verdict.UNKNOWN) {
            reason.append(" (the operations before it were not searched: ").append(prefix.reason()).append(')');
        }
        return new PartitionResult(name, Verdict.INVALID, reason.toString(), reported, linearization, failing,
                model.describe(state), prefix.configurationsVisited(), limits.nowNanos() - startNanos);
    }

    /** The model state after the operations with these ids, in order (a linearization found). */
    private S replay(List<Integer> ids) {
        java.util.Map<Integer, Operation> byId = new java.util.HashMap<>();
        for (Operation op : operations) {
            byId.put(op.id(), op);
        }
        S state = model.init();
        for (int id : ids) {
            if (!(model.step(state, byId.get(id)) instanceof Step.Legal<S> legal)) {
                throw new IllegalStateException("a linearization found does not replay at operation " + id);
            }
            state = legal.state();
        }
        return state;
    }

    /**
     * Explains an invalid verdict. The append-epoch reduction skips configurations that cannot
     * finish as soon as they are entered, so its deepest point can stop short of the operation
     * that is really to blame (a read nobody could have seen stops the walk at the first append
     * that contradicts it). So when that reduction was on, a walk without it, on the first walk's
     * budget, looks for a deeper point; if it cannot finish in that budget, the reduced walk's
     * point explains.
     */
    private PartitionResult explainInvalid(Finished walk, Transitions<S> transitions, long configurations,
                                           long startNanos) {
        Finished explaining = walk;
        if (epochs != null) {
            Finished unreduced = walk(Walk.Mode.EXACT, transitions, exactFirstBudget(operations.size()), null, false);
            if (unreduced.outcome() == Walk.Outcome.INVALID) {
                explaining = unreduced;
            }
            configurations += unreduced.configurations();
        }
        return invalid(explaining.deepest(), explaining.deepestState(), transitions, configurations, startNanos);
    }

    /**
     * Explains the failure from the deepest point the search reached: the operation that could not
     * be linearized there is the one among the rest whose completion came first, since it is the
     * return entry that forced the search back from that point.
     */
    private PartitionResult invalid(int[] prefix, int stateId, Transitions<S> transitions, long configurations,
                                    long startNanos) {
        limits.cancel();
        boolean[] done = new boolean[operations.size()];
        for (int op : prefix) {
            done[op] = true;
        }
        Operation failing = null;
        for (int op = 0; op < operations.size(); op++) {
            Operation candidate = operations.get(op);
            if (!done[op] && !candidate.isUnknown() && candidate.completionIndex() >= 0
                    && (failing == null || candidate.completionIndex() < failing.completionIndex())) {
                failing = candidate;
            }
        }
        S state = transitions.state(stateId);
        StringBuilder reason = new StringBuilder();
        if (!name.isEmpty()) {
            reason.append("key ").append(name).append(": ");
        }
        reason.append(failing == null ? "no operation" : failing.describe() + " (" + locate.apply(failing) + ")")
                .append(" cannot be linearized after ").append(prefix.length).append(" of ")
                .append(operations.size()).append(" operations; state there ").append(model.describe(state));
        if (failing != null && model.step(state, failing) instanceof Step.Illegal<S> illegal
                && illegal.reason() != null && !illegal.reason().isEmpty()) {
            reason.append(" (").append(illegal.reason()).append(')');
        }
        return new PartitionResult(name, Verdict.INVALID, reason.toString(), reported, ids(prefix), failing,
                model.describe(state), configurations, limits.nowNanos() - startNanos);
    }
}
