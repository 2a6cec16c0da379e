package titan.checker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import titan.checker.CheckOptions;
import titan.checker.CheckResult;
import titan.checker.Linearizability;
import titan.checker.Model;
import titan.checker.PartitionResult;
import titan.checker.Step;
import titan.checker.Verdict;
import titan.checker.history.Event;
import titan.checker.history.EventType;
import titan.checker.history.History;
import titan.checker.history.HistoryGenerator;
import titan.checker.history.Operation;
import titan.checker.model.CasRegisterModel;

/**
 * The case the reductions were made for, and the paths of {@link PartitionSearch} that random small
 * histories reach only by chance: a large invalid register history with info operations, the
 * relaxed pass's spurious answers, and a model that breaks its read-only promise. No test here
 * asserts a time (the benchmarks in jmh-bench measure them).
 */
class SearchReductionsTest {
    private static final CasRegisterModel MODEL = new CasRegisterModel();

    // The benchmark's slow case: 10,000 operations on one register at concurrency 10, about ten
    // info operations, one late read changed to a value nobody wrote. The reduced search must name
    // that read, and its prefix must be a real linearization that reaches it: every operation that
    // returned before the read was called is in the prefix, and the prefix replays step by step.
    @Test
    void largeInvalidRegisterHistoryWithInfoOperationsNamesTheCorruptedRead() {
        History valid = HistoryGenerator.casRegister(10_000, 10).generate(2);
        History invalid = HistoryGenerator.withCorruptedRead(valid);
        assertThat(valid.operations().stream().filter(Operation::isUnknown).count()).isPositive();

        CheckResult result = Linearizability.check(MODEL, invalid, CheckOptions.defaults().withTimeout(Duration.ofMinutes(2)));

        assertThat(result.verdict()).as(result.explanation()).isEqualTo(Verdict.INVALID);
        PartitionResult partition = result.decisive().orElseThrow();
        Operation read = corruptedRead(invalid);
        assertThat(partition.failure()).get().isEqualTo(read);
        for (Operation op : invalid.operations()) {
            if (!op.isUnknown() && op.outcome() == Operation.Outcome.OK && op.completionIndex() < read.callIndex()) {
                assertThat(partition.linearization()).as("returned before the read: %s", op.describe()).contains(op.id());
            }
        }
        assertThat(replays(invalid, partition.linearization())).isTrue();
        assertThat(result.explanation()).contains("read r \"never-written\" ok")
                .contains("cannot be linearized after " + partition.linearization().size() + " of ");
        assertThat(Linearizability.check(MODEL, valid).verdict()).isEqualTo(Verdict.VALID);
    }

    private static boolean replays(History history, List<Integer> ids) {
        Object state = MODEL.init();
        for (int id : ids) {
            if (!(MODEL.step(state, history.operations().get(id)) instanceof Step.Legal<Object> legal)) {
                return false;
            }
            state = legal.state();
        }
        return true;
    }

    // The same comparison with the plain search itself, on the full history: slow (seconds), so
    // tagged and run with -Pall-tests.
    @Tag("slow")
    @Test
    void largeInvalidRegisterHistoryGetsThePlainSearchsAnswer() {
        History invalid = HistoryGenerator.withCorruptedRead(HistoryGenerator.casRegister(10_000, 10).generate(2));
        List<Operation> ops = searchable(invalid);
        PartitionResult plain = search(ops, false);
        PartitionResult reduced = search(ops, true);
        assertThat(reduced.verdict()).isEqualTo(plain.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(reduced.failure()).isEqualTo(plain.failure());
        assertThat(reduced.linearization()).hasSameSizeAs(plain.linearization());
    }

    // Smaller generated histories with many info operations (2% of completions), valid and with a
    // corrupted read: the plain and the reduced search agree on the verdict and on the failing operation
    // (the latter with the default exact budget, whose walk gives the explanation).
    // Seed 2 is left out only because the plain search takes seconds on it.
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 3, 4, 5, 6, 7, 8, 9})
    void reducedSearchAgreesWithPlainSearchOnGeneratedHistories(long seed) {
        History valid = new HistoryGenerator(400, 1, 10, 5, 0.02, 0.0).generate(seed);
        for (History history : List.of(valid, HistoryGenerator.withCorruptedRead(valid))) {
            List<Operation> ops = searchable(history);
            PartitionResult plain = search(ops, false);
            for (long exactFirstBudget : new long[] {PartitionSearch.exactFirstBudget(ops.size()), 0}) {
                PartitionResult reduced = search(ops, true, exactFirstBudget);
                assertThat(reduced.verdict()).as(reduced.reason()).isEqualTo(plain.verdict()).isNotEqualTo(Verdict.UNKNOWN);
                if (exactFirstBudget > 0) {
                    assertThat(reduced.failure()).isEqualTo(plain.failure());
                }
            }
        }
    }

    // An info write of 1 could explain one of the two reads of 1, but not both: a write of 2
    // completes between them. The relaxed walk (forced here with an exact budget of 0) may use it
    // twice and finds an order; that order repeats an operation, so the exact walk must decide, and
    // it says invalid.
    @Test
    void infoWriteNeededTwiceIsNotEnough() {
        History history = History.of(
                Event.invoke(0, "write", null, "1", 0),
                Event.invoke(1, "write", null, "2", 1),
                Event.complete(1, EventType.OK, "write", null, "2", 2),
                Event.invoke(1, "read", null, null, 3),
                Event.complete(1, EventType.OK, "read", null, "1", 4),
                Event.invoke(1, "write", null, "2", 5),
                Event.complete(1, EventType.OK, "write", null, "2", 6),
                Event.invoke(1, "read", null, null, 7),
                Event.complete(1, EventType.OK, "read", null, "1", 8),
                Event.complete(0, EventType.INFO, "write", null, "1", 9));
        PartitionResult relaxedFirst = search(searchable(history), true, 0);
        assertThat(relaxedFirst.verdict()).as(relaxedFirst.reason()).isEqualTo(Verdict.INVALID);
        assertThat(relaxedFirst.failure()).get().satisfies(op -> assertThat(op.f()).isEqualTo("read"));
        assertThat(Linearizability.check(MODEL, history).verdict()).isEqualTo(Verdict.INVALID);
    }

    // The same history without the second write of 2: one info write serves both reads.
    @Test
    void infoWriteNeededOnceIsEnough() {
        History history = History.of(
                Event.invoke(0, "write", null, "1", 0),
                Event.invoke(1, "write", null, "2", 1),
                Event.complete(1, EventType.OK, "write", null, "2", 2),
                Event.invoke(1, "read", null, null, 3),
                Event.complete(1, EventType.OK, "read", null, "1", 4),
                Event.invoke(1, "read", null, null, 7),
                Event.complete(1, EventType.OK, "read", null, "1", 8),
                Event.complete(0, EventType.INFO, "write", null, "1", 9));
        PartitionResult relaxedFirst = search(searchable(history), true, 0);
        assertThat(relaxedFirst.verdict()).as(relaxedFirst.reason()).isEqualTo(Verdict.VALID);
        assertThat(relaxedFirst.linearization()).containsExactly(1, 0, 2, 3);
        assertThat(Linearizability.check(MODEL, history).verdict()).isEqualTo(Verdict.VALID);
    }

    // A model that calls a write read-only would make the search skip orders it needs; the search
    // notices the first state change and stops with the reason instead of answering.
    @Test
    void modelThatBreaksItsReadOnlyPromiseFailsFast() {
        Model<Object> lying = new Model<>() {
            @Override
            public String name() {
                return "lying-register";
            }

            @Override
            public Object init() {
                return null;
            }

            @Override
            public Step<Object> step(Object state, Operation operation) {
                return MODEL.step(state, operation);
            }

            @Override
            public Optional<String> problemWith(Operation operation) {
                return MODEL.problemWith(operation);
            }

            @Override
            public boolean isReadOnly(Operation operation) {
                return true;
            }
        };
        History history = History.of(
                Event.invoke(0, "write", null, "1", 0),
                Event.complete(0, EventType.OK, "write", null, "1", 1));
        assertThatThrownBy(() -> Linearizability.check(lying, history))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("says p0 write \"1\" ok is read-only, but it changes nil to \"1\"");
    }

    private static Operation corruptedRead(History history) {
        return history.operations().stream().filter(op -> "never-written".equals(op.output())).findFirst().orElseThrow();
    }

    /** What Linearizability searches for this model: failed operations and unknown reads dropped. */
    private static List<Operation> searchable(History history) {
        List<Operation> ops = new ArrayList<>();
        for (Operation op : history.operations()) {
            if (op.outcome() != Operation.Outcome.FAIL && !MODEL.isInert(op)) {
                ops.add(op);
            }
        }
        return ops;
    }

    private static PartitionResult search(List<Operation> ops, boolean reductions) {
        return search(ops, reductions, PartitionSearch.exactFirstBudget(ops.size()));
    }

    private static PartitionResult search(List<Operation> ops, boolean reductions, long exactFirstBudget) {
        SearchLimits limits = new SearchLimits(System::nanoTime, Duration.ofMinutes(5), new MemoryBudget(4L << 30));
        return new PartitionSearch<>(MODEL, "", ops, limits, op -> "op " + op.id(), reductions, exactFirstBudget).run();
    }
}
