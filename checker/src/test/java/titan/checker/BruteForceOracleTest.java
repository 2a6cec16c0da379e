package titan.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;
import titan.checker.history.Event;
import titan.checker.history.EventType;
import titan.checker.history.History;
import titan.checker.history.Operation;
import titan.checker.model.CasRegisterModel;
import titan.checker.model.KvModel;

/**
 * The search against a deliberately dumb oracle: on small random histories (up to 8 operations,
 * several processes, info and fail completions, open calls), try every subset of the
 * unknown-outcome operations and every order consistent with real time, and compare verdicts.
 */
class BruteForceOracleTest {

    @Property(tries = 1500)
    void casRegisterAgreesWithBruteForce(@ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int operations,
                                         @ForAll @IntRange(min = 2, max = 4) int processes,
                                         @ForAll boolean failedCasReadsDifferent) {
        History history = randomHistory(new SplittableRandom(seed), operations, processes, 1);
        agree(new CasRegisterModel(), history, failedCasReadsDifferent ? FailedCas.READ_DIFFERENT : FailedCas.DID_NOT_HAPPEN);
    }

    @Property(tries = 1500)
    void kvAgreesWithBruteForce(@ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int operations,
                                @ForAll @IntRange(min = 2, max = 4) int processes,
                                @ForAll boolean failedCasReadsDifferent) {
        History history = randomHistory(new SplittableRandom(seed), operations, processes, 2);
        agree(new KvModel(), history, failedCasReadsDifferent ? FailedCas.READ_DIFFERENT : FailedCas.DID_NOT_HAPPEN);
    }

    // The lab's kv mix on two keys: reads, writes, cas and appends of unique tokens and deletes, so
    // the append-epoch reduction (and its shortcut for values nobody makes) decides most keys.
    @Property(tries = 1500)
    void kvWithUniqueTokensAgreesWithBruteForce(@ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int operations,
                                                @ForAll @IntRange(min = 2, max = 4) int processes) {
        History history = randomHistory(new SplittableRandom(seed), operations, processes, 2, true);
        agree(new KvModel(), history, FailedCas.DID_NOT_HAPPEN);
    }

    private static <S> void agree(Model<S> model, History history, FailedCas failedCas) {
        CheckResult result = Linearizability.check(model, history,
                CheckOptions.defaults().withFailedCas(failedCas).withParallelism(1));
        boolean expected = bruteForce(model, history, failedCas);
        boolean unknowns = history.operations().stream().anyMatch(Operation::isUnknown);
        Statistics.label("verdict").collect(expected ? "valid" : "invalid");
        Statistics.label("unknown-outcome operations").collect(unknowns);
        assertThat(result.verdict()).as("%s%n%s", history.operations(), result.explanation())
                .isEqualTo(expected ? Verdict.VALID : Verdict.INVALID);
        if (result.verdict() == Verdict.VALID) {
            for (PartitionResult partition : result.partitions()) {
                assertThat(replays(model, history, partition.linearization())).isTrue();
            }
        }
    }

    /** Whether the linearization the checker reports is legal step by step. */
    private static <S> boolean replays(Model<S> model, History history, List<Integer> ids) {
        S state = model.init();
        for (int id : ids) {
            if (!(model.step(state, history.operations().get(id)) instanceof Step.Legal<S> legal)) {
                return false;
            }
            state = legal.state();
        }
        return true;
    }

    // ---- the oracle -------------------------------------------------------------------------

    private static <S> boolean bruteForce(Model<S> model, History history, FailedCas failedCas) {
        List<Operation> kept = new ArrayList<>();
        for (Operation op : history.operations()) {
            boolean failed = op.outcome() == Operation.Outcome.FAIL;
            if (!failed || (failedCas == FailedCas.READ_DIFFERENT && op.f().equals("cas"))) {
                kept.add(op);
            }
        }
        for (Partition partition : model.partition(kept)) {
            if (!anyOrder(model, partition.operations(), new boolean[partition.operations().size()], model.init())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Tries every next operation whose real-time predecessors are all placed; an unknown-outcome
     * operation may also be left out, so the search succeeds once every completed one is placed.
     */
    private static <S> boolean anyOrder(Model<S> model, List<Operation> ops, boolean[] placed, S state) {
        boolean allCompletedPlaced = true;
        for (int i = 0; i < ops.size(); i++) {
            if (!placed[i] && !ops.get(i).isUnknown()) {
                allCompletedPlaced = false;
            }
        }
        if (allCompletedPlaced) {
            return true;
        }
        for (int i = 0; i < ops.size(); i++) {
            if (placed[i] || !predecessorsPlaced(ops, placed, i)) {
                continue;
            }
            if (model.step(state, ops.get(i)) instanceof Step.Legal<S> legal) {
                placed[i] = true;
                boolean found = anyOrder(model, ops, placed, legal.state());
                placed[i] = false;
                if (found) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Operation j must come before i when j completed before i was called. */
    private static boolean predecessorsPlaced(List<Operation> ops, boolean[] placed, int i) {
        for (int j = 0; j < ops.size(); j++) {
            Operation before = ops.get(j);
            if (!placed[j] && !before.isUnknown() && before.completionIndex() < ops.get(i).callIndex()) {
                return false;
            }
        }
        return true;
    }

    // ---- random histories -------------------------------------------------------------------

    /**
     * A history of a simulated store that is usually correct, with random noise: values read or
     * written are sometimes wrong, completions are sometimes info or fail, calls are left open.
     */
    static History randomHistory(SplittableRandom random, int operations, int processes, int keys) {
        return randomHistory(random, operations, processes, keys, false);
    }

    /** @param uniqueTokens the kv mix of unique tokens, cas on what the store holds, and deletes */
    static History randomHistory(SplittableRandom random, int operations, int processes, int keys,
                                 boolean uniqueTokens) {
        Map<String, Object> store = new HashMap<>();
        List<Event> events = new ArrayList<>();
        Object[][] open = new Object[processes][]; // {f, key, input, output, applied}
        int[] processIds = new int[processes];
        for (int p = 0; p < processes; p++) {
            processIds[p] = p;
        }
        int nextProcess = processes;
        int invoked = 0;
        long time = 0;
        for (int step = 0; step < operations * 6 && (invoked < operations || anyOpen(open)); step++) {
            int p = random.nextInt(processes);
            time += 10;
            Object[] op = open[p];
            if (op == null) {
                if (invoked < operations) {
                    open[p] = op = uniqueTokens ? newUniqueOperation(random, keys, invoked, store)
                            : newOperation(random, keys);
                    invoked++;
                    events.add(Event.invoke(processIds[p], (String) op[0], (String) op[1], op[2], time));
                }
                continue;
            }
            int roll = random.nextInt(10);
            if (roll < 4 && !(Boolean) op[4]) {
                apply(store, op, random);
            } else if (roll < 7 && (Boolean) op[4]) {
                boolean casMissed = op[0].equals("cas") && op[3] == null;
                events.add(Event.complete(processIds[p], casMissed ? EventType.FAIL : EventType.OK, (String) op[0],
                        (String) op[1], op[0].equals("read") ? op[3] : op[2], time));
                open[p] = null;
            } else if (roll == 7 && !(Boolean) op[4]) {
                events.add(Event.complete(processIds[p], EventType.FAIL, (String) op[0], (String) op[1], op[2], time));
                open[p] = null;
            } else if (roll == 8) {
                events.add(Event.complete(processIds[p], EventType.INFO, (String) op[0], (String) op[1], op[2], time));
                open[p] = null;
                processIds[p] = nextProcess++;
            }
        }
        return History.of(events);
    }

    private static boolean anyOpen(Object[][] open) {
        for (Object[] op : open) {
            if (op != null) {
                return true;
            }
        }
        return false;
    }

    private static Object[] newOperation(SplittableRandom random, int keys) {
        String key = "k" + random.nextInt(keys);
        String value = Integer.toString(random.nextInt(3));
        return switch (random.nextInt(5)) {
            case 0, 1 -> new Object[] {"read", key, null, null, false};
            case 2 -> new Object[] {"write", key, value, null, false};
            case 3 -> new Object[] {"cas", key, List.of(Integer.toString(random.nextInt(3)), value), null, false};
            default -> keys > 1 ? new Object[] {"append", key, "a" + value, null, false}
                    : new Object[] {"write", key, value, null, false};
        };
    }

    /**
     * Unique tokens ({@code w3,}, {@code c3,}, {@code 3,}); a cas expects what the key holds at its
     * call (or null, or a value nobody wrote); reads may come out wrong in {@link #apply}.
     */
    private static Object[] newUniqueOperation(SplittableRandom random, int keys, int index, Map<String, Object> store) {
        String key = "k" + random.nextInt(keys);
        return switch (random.nextInt(7)) {
            case 0, 1 -> new Object[] {"read", key, null, null, false};
            case 2 -> new Object[] {"write", key, "w" + index + ",", null, false};
            case 3 -> {
                int pick = random.nextInt(4);
                Object expected = pick < 2 ? store.get(key) : pick == 2 ? null : "x,";
                yield new Object[] {"cas", key, java.util.Arrays.asList(expected, "c" + index + ","), null, false};
            }
            case 4 -> new Object[] {"delete", key, null, null, false};
            default -> new Object[] {"append", key, index + ",", null, false};
        };
    }

    /** Applies the operation to the store, or one time in five, wrongly. */
    private static void apply(Map<String, Object> store, Object[] op, SplittableRandom random) {
        op[4] = true;
        boolean wrong = random.nextInt(5) == 0;
        Object current = store.get((String) op[1]);
        switch ((String) op[0]) {
            case "read" -> op[3] = wrong ? Integer.toString(random.nextInt(3)) : current;
            case "write" -> store.put((String) op[1], op[2]);
            case "append" -> store.put((String) op[1], current == null ? op[2] : current + (String) op[2]);
            case "delete" -> store.remove((String) op[1]);
            case "cas" -> {
                List<?> pair = (List<?>) op[2];
                if (java.util.Objects.equals(pair.get(0), current) != wrong) {
                    store.put((String) op[1], pair.get(1));
                    op[3] = "done";
                }
            }
            default -> throw new IllegalStateException();
        }
    }
}
