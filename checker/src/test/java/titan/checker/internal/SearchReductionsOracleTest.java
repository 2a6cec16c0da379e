package titan.checker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;
import titan.checker.CheckOptions;
import titan.checker.CheckResult;
import titan.checker.FailedCas;
import titan.checker.Linearizability;
import titan.checker.Model;
import titan.checker.PartitionResult;
import titan.checker.Step;
import titan.checker.Verdict;
import titan.checker.history.Event;
import titan.checker.history.EventType;
import titan.checker.history.History;
import titan.checker.history.Operation;
import titan.checker.model.CasRegisterModel;
import titan.checker.model.KvModel;
import titan.checker.model.MutexModel;

/**
 * The search's reductions (observers first, unknown operations only in needed blocks, the relaxed
 * pass) against a memoized exhaustive oracle and against the plain search, on small random
 * histories built to stress them: many info completions and calls left open (unknown outcomes),
 * non-commuting unknown operations (appends, cas, mutex acquire), up to 10 operations and 5
 * processes. A valid verdict must also come with a real linearization: every completed operation
 * once, no operation twice (the relaxed pass may reuse unknown ones, the result must not), real-time
 * order kept, every step legal.
 * <p>Run with more tries: {@code ./mvnw -pl checker test -Dtest=SearchReductionsOracleTest
 * -Djqwik.tries.default=20000}.
 */
class SearchReductionsOracleTest {

    @Property
    void casRegisterAgreesWithOracle(@ForAll long seed, @ForAll @IntRange(min = 1, max = 10) int operations,
                                     @ForAll @IntRange(min = 2, max = 5) int processes,
                                     @ForAll boolean failedCasReadsDifferent) {
        FailedCas failedCas = failedCasReadsDifferent ? FailedCas.READ_DIFFERENT : FailedCas.DID_NOT_HAPPEN;
        History history = randomHistory(new SplittableRandom(seed), operations, processes, Menu.CAS_REGISTER);
        agree(new CasRegisterModel(), history, failedCas);
    }

    @Property
    void kvWithAppendsAgreesWithOracle(@ForAll long seed, @ForAll @IntRange(min = 1, max = 10) int operations,
                                       @ForAll @IntRange(min = 2, max = 5) int processes) {
        History history = randomHistory(new SplittableRandom(seed), operations, processes, Menu.KV);
        agree(new KvModel(), history, FailedCas.DID_NOT_HAPPEN);
    }

    // The lab's kv workload: reads, writes and appends of unique values, so the append-epoch
    // reduction applies; with many info completions, open calls, and stale or wrong reads.
    @Property(tries = 3000)
    void kvWithUniqueAppendsAgreesWithOracle(@ForAll long seed, @ForAll @IntRange(min = 1, max = 12) int operations,
                                             @ForAll @IntRange(min = 2, max = 5) int processes) {
        History history = randomHistory(new SplittableRandom(seed), operations, processes, Menu.KV_UNIQUE);
        List<Operation> kept = kept(new KvModel(), history, FailedCas.DID_NOT_HAPPEN);
        Statistics.label("append-epoch reduction").collect(AppendEpochs.forPartition(new KvModel(), kept,
                new Transitions<>(new KvModel(), kept, new MemoryBudget(1 << 20))) != null);
        agree(new KvModel(), history, FailedCas.DID_NOT_HAPPEN);
    }

    // The lab's kv mix: reads, writes, cas and appends of unique values and deletes, so the epochs
    // of the append-epoch reduction end at writes, cas and deletes, the null state comes back, and a
    // cas observes the state it expects (one it saw, an older one, null or a value nobody wrote).
    @Property(tries = 3000)
    void kvWithUniqueCasAndDeletesAgreesWithOracle(@ForAll long seed,
                                                   @ForAll @IntRange(min = 1, max = 12) int operations,
                                                   @ForAll @IntRange(min = 2, max = 5) int processes) {
        History history = randomHistory(new SplittableRandom(seed), operations, processes, Menu.KV_UNIQUE_MIXED);
        List<Operation> kept = kept(new KvModel(), history, FailedCas.DID_NOT_HAPPEN);
        Statistics.label("append-epoch reduction").collect(AppendEpochs.forPartition(new KvModel(), kept,
                new Transitions<>(new KvModel(), kept, new MemoryBudget(1 << 20))) != null);
        Statistics.label("cas or delete").collect(kept.stream().anyMatch(op -> op.f().equals("cas")
                || op.f().equals("delete")));
        agree(new KvModel(), history, FailedCas.DID_NOT_HAPPEN);
    }

    @Property
    void mutexAgreesWithOracle(@ForAll long seed, @ForAll @IntRange(min = 1, max = 10) int operations,
                               @ForAll @IntRange(min = 2, max = 5) int processes) {
        History history = randomHistory(new SplittableRandom(seed), operations, processes, Menu.MUTEX);
        agree(new MutexModel(), history, FailedCas.DID_NOT_HAPPEN);
    }

    private static <S> void agree(Model<S> model, History history, FailedCas failedCas) {
        List<Operation> kept = kept(model, history, failedCas);
        boolean expected = oracle(model, kept);
        boolean unknowns = kept.stream().anyMatch(Operation::isUnknown);
        Statistics.label("verdict").collect(expected ? "valid" : "invalid");
        Statistics.label("unknown-outcome operations").collect(unknowns);
        Verdict want = expected ? Verdict.VALID : Verdict.INVALID;

        PartitionResult plain = search(model, kept, false, 0);
        assertThat(plain.verdict()).as("plain search on %s%n%s", kept, plain.reason()).isEqualTo(want);
        // The default budget lets the exact walk decide these small histories alone; a budget of 0
        // sends every history with an unknown operation through the relaxed walk.
        for (long exactFirstBudget : new long[] {PartitionSearch.exactFirstBudget(kept.size()), 0}) {
            PartitionResult reduced = search(model, kept, true, exactFirstBudget);
            assertThat(reduced.verdict()).as("reduced search (exact budget %d) on %s%n%s", exactFirstBudget, kept,
                    reduced.reason()).isEqualTo(want);
            if (want == Verdict.VALID) {
                assertIsLinearization(model, kept, reduced.linearization(), history);
            } else {
                assertThat(reduced.failure()).as("an invalid verdict names the failing operation").isPresent();
            }
        }
        CheckResult production = Linearizability.check(model, history,
                CheckOptions.defaults().withFailedCas(failedCas).withParallelism(1));
        assertThat(production.verdict()).isEqualTo(want);
    }

    /** What Linearizability searches: failed operations dropped (unless a kept failed cas), inert ones too. */
    private static <S> List<Operation> kept(Model<S> model, History history, FailedCas failedCas) {
        List<Operation> kept = new ArrayList<>();
        for (Operation op : history.operations()) {
            boolean failed = op.outcome() == Operation.Outcome.FAIL;
            if ((!failed || (failedCas == FailedCas.READ_DIFFERENT && op.f().equals("cas"))) && !model.isInert(op)) {
                kept.add(op);
            }
        }
        return kept;
    }

    private static <S> PartitionResult search(Model<S> model, List<Operation> kept, boolean reductions,
                                              long exactFirstBudget) {
        SearchLimits limits = new SearchLimits(System::nanoTime, Duration.ofMinutes(1), new MemoryBudget(1L << 30));
        return new PartitionSearch<>(model, "", kept, limits, op -> "op " + op.id(), reductions, exactFirstBudget).run();
    }

    private static <S> void assertIsLinearization(Model<S> model, List<Operation> kept, List<Integer> ids,
                                                  History history) {
        assertThat(new HashSet<>(ids)).as("no operation twice in %s", ids).hasSize(ids.size());
        for (Operation op : kept) {
            if (!op.isUnknown()) {
                assertThat(ids).as("completed %s is linearized", op.describe()).contains(op.id());
            }
        }
        S state = model.init();
        for (int i = 0; i < ids.size(); i++) {
            Operation op = history.operations().get(ids.get(i));
            for (int j = i + 1; j < ids.size(); j++) {
                Operation later = history.operations().get(ids.get(j));
                assertThat(!later.isUnknown() && later.completionIndex() < op.callIndex())
                        .as("%s returned before %s was called", later.describe(), op.describe()).isFalse();
            }
            Step<S> step = model.step(state, op);
            assertThat(step).as("%s is legal in %s", op.describe(), model.describe(state)).isInstanceOf(Step.Legal.class);
            state = ((Step.Legal<S>) step).state();
        }
    }

    // ---- the oracle -------------------------------------------------------------------------

    /**
     * Tries every order: any operation whose real-time predecessors are placed may come next; an
     * unknown-outcome one may also never come. Memoized on (placed set, state), which is plainly
     * sound: what can follow depends on nothing else.
     */
    private static <S> boolean oracle(Model<S> model, List<Operation> ops) {
        return anyOrder(model, ops, 0L, model.init(), new HashSet<>());
    }

    private static <S> boolean anyOrder(Model<S> model, List<Operation> ops, long placed, S state, Set<List<Object>> failed) {
        boolean done = true;
        for (int i = 0; i < ops.size(); i++) {
            if ((placed & (1L << i)) == 0 && !ops.get(i).isUnknown()) {
                done = false;
            }
        }
        if (done) {
            return true;
        }
        List<Object> key = List.of(placed, Objects.requireNonNullElse((Object) state, "<nil>"));
        if (failed.contains(key)) {
            return false;
        }
        for (int i = 0; i < ops.size(); i++) {
            if ((placed & (1L << i)) != 0 || !predecessorsPlaced(ops, placed, i)) {
                continue;
            }
            if (model.step(state, ops.get(i)) instanceof Step.Legal<S> legal
                    && anyOrder(model, ops, placed | (1L << i), legal.state(), failed)) {
                return true;
            }
        }
        failed.add(key);
        return false;
    }

    private static boolean predecessorsPlaced(List<Operation> ops, long placed, int i) {
        for (int j = 0; j < ops.size(); j++) {
            Operation before = ops.get(j);
            if ((placed & (1L << j)) == 0 && !before.isUnknown() && before.completionIndex() < ops.get(i).callIndex()) {
                return false;
            }
        }
        return true;
    }

    // ---- random histories -------------------------------------------------------------------

    /** The functions a history draws from. */
    enum Menu { CAS_REGISTER, KV, KV_UNIQUE, KV_UNIQUE_MIXED, MUTEX }

    /**
     * A store that applies each operation at a random instant between call and completion, with
     * noise: one result in six is wrong. Completions are ok, fail (for a cas that missed, or an
     * operation not applied), or info (one in four, applied or not); some calls stay open.
     */
    static History randomHistory(SplittableRandom random, int operations, int processes, Menu menu) {
        Object[] store = {null, null}; // the value, and the one before it (for stale reads)
        List<Event> events = new ArrayList<>();
        Pending[] open = new Pending[processes];
        int[] processIds = new int[processes];
        for (int p = 0; p < processes; p++) {
            processIds[p] = p;
        }
        int nextProcess = processes;
        int invoked = 0;
        long time = 0;
        for (int step = 0; step < operations * 8 && (invoked < operations || anyOpen(open)); step++) {
            int p = random.nextInt(processes);
            time += 10;
            Pending op = open[p];
            if (op == null) {
                if (invoked < operations) {
                    open[p] = op = newOperation(random, menu, invoked, store);
                    invoked++;
                    events.add(Event.invoke(processIds[p], op.f, "k", op.input, time));
                }
                continue;
            }
            int roll = random.nextInt(12);
            if (!op.applied && roll < 5) {
                apply(store, op, random);
            } else if (op.applied && roll < 8) {
                EventType type = op.missed ? EventType.FAIL : EventType.OK;
                events.add(Event.complete(processIds[p], type, op.f, "k", op.f.equals("read") ? op.output : op.input, time));
                open[p] = null;
            } else if (!op.applied && roll == 8) {
                events.add(Event.complete(processIds[p], EventType.FAIL, op.f, "k", op.input, time));
                open[p] = null;
            } else if (roll >= 10) {
                events.add(Event.complete(processIds[p], EventType.INFO, op.f, "k", op.input, time));
                open[p] = null;
                processIds[p] = nextProcess++;
            }
        }
        return History.of(events);
    }

    private static boolean anyOpen(Pending[] open) {
        for (Pending op : open) {
            if (op != null) {
                return true;
            }
        }
        return false;
    }

    private static Pending newOperation(SplittableRandom random, Menu menu, int index, Object[] store) {
        String value = Integer.toString(random.nextInt(3));
        return switch (menu) {
            case MUTEX -> new Pending(random.nextBoolean() ? "acquire" : "release", null);
            case CAS_REGISTER -> switch (random.nextInt(4)) {
                case 0, 1 -> new Pending("read", null);
                case 2 -> new Pending("write", value);
                default -> new Pending("cas", List.of(Integer.toString(random.nextInt(3)), value));
            };
            case KV -> switch (random.nextInt(6)) {
                case 0, 1 -> new Pending("read", null);
                case 2 -> new Pending("write", value);
                case 3 -> new Pending("cas", List.of(Integer.toString(random.nextInt(3)), value));
                case 4 -> new Pending("append", random.nextBoolean() ? "a" : "b");
                default -> new Pending("delete", null);
            };
            case KV_UNIQUE -> switch (random.nextInt(5)) {
                case 0, 1 -> new Pending("read", null);
                case 2 -> new Pending("write", "w" + index + ",");
                default -> new Pending("append", index + ",");
            };
            case KV_UNIQUE_MIXED -> switch (random.nextInt(8)) {
                case 0, 1 -> new Pending("read", null);
                case 2 -> new Pending("write", "w" + index + ",");
                case 3, 4 -> {
                    // Expects what the store holds now (usually still there when it applies), what it
                    // held before, null, or a value nobody wrote.
                    int pick = random.nextInt(6);
                    Object expected = pick < 3 ? store[0] : pick == 3 ? store[1] : pick == 4 ? null : "x,";
                    yield new Pending("cas", java.util.Arrays.asList(expected, "c" + index + ","));
                }
                case 5 -> new Pending("delete", null);
                default -> new Pending("append", index + ",");
            };
        };
    }

    /** Applies the operation to the store; one time in six it does the wrong thing. */
    private static void apply(Object[] store, Pending op, SplittableRandom random) {
        op.applied = true;
        boolean wrong = random.nextInt(6) == 0;
        Object current = store[0];
        if (!op.f.equals("read")) {
            store[1] = current;
        }
        switch (op.f) {
            case "read" -> op.output = !wrong ? current
                    : random.nextBoolean() ? store[1] : Integer.toString(random.nextInt(3));
            case "write" -> store[0] = op.input;
            case "delete" -> store[0] = null;
            case "append" -> store[0] = current == null ? op.input : current + (String) op.input;
            case "cas" -> {
                List<?> pair = (List<?>) op.input;
                if (Objects.equals(pair.get(0), current) != wrong) {
                    store[0] = pair.get(1);
                } else {
                    op.missed = true;
                }
            }
            case "acquire", "release" -> {
                boolean held = Boolean.TRUE.equals(current);
                boolean acquiring = op.f.equals("acquire");
                if ((held != acquiring) != wrong) {
                    store[0] = acquiring;
                } else {
                    op.missed = true;
                }
            }
            default -> throw new IllegalStateException(op.f);
        }
    }

    private static final class Pending {
        final String f;
        final Object input;
        Object output;
        boolean applied;
        boolean missed;

        Pending(String f, Object input) {
            this.f = f;
            this.input = input;
        }
    }
}
