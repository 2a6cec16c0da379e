package titan.checker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import titan.checker.CheckOptions;
import titan.checker.CheckResult;
import titan.checker.Linearizability;
import titan.checker.PartitionResult;
import titan.checker.Verdict;
import titan.checker.history.Event;
import titan.checker.history.EventType;
import titan.checker.history.History;
import titan.checker.history.Operation;
import titan.checker.model.CasRegisterModel;
import titan.checker.model.KvModel;

/**
 * When the append-epoch reduction applies, and what it does: the verdicts themselves are checked
 * against the oracle in {@link SearchReductionsOracleTest}.
 */
class AppendEpochsTest {
    private static final KvModel KV = new KvModel();

    @Test
    void prefixCodeMeansNoTokenStartsAnother() {
        assertThat(AppendEpochs.isPrefixCode(List.of("1,", "2,", "12,", "w3,"))).isTrue();
        assertThat(AppendEpochs.isPrefixCode(List.of("1", "12"))).isFalse();
        assertThat(AppendEpochs.isPrefixCode(List.of("a,", "a,"))).as("a repeated token").isFalse();
    }

    // Only keys whose written, swapped-in and appended values are non-empty unique tokens qualify,
    // with at least one append, only in the kv model; a failed cas kept as a read of another value
    // observes every state but one, which the rule does not track, so it turns the reduction off.
    @Test
    void appliesOnlyToUniqueTokenKeys() {
        assertThat(epochs(KV, op("append", "1,"), op("write", "w2,"), op("read", "w2,"))).isTrue();
        assertThat(epochs(KV, op("append", "1,"), op("append", "1,"))).as("repeated element").isFalse();
        assertThat(epochs(KV, op("append", "1"), op("append", "12"))).as("not a prefix code").isFalse();
        assertThat(epochs(KV, op("write", "w1,"), op("read", "w1,"))).as("no append").isFalse();
        assertThat(epochs(KV, op("append", ""), op("append", "1,"))).as("empty element").isFalse();
        assertThat(epochs(KV, op("append", "1,"), op("cas", List.of("1,", "2,")), op("delete", null)))
                .as("cas and delete").isTrue();
        assertThat(epochs(KV, op("append", "1,"), op("cas", java.util.Arrays.asList(null, null))))
                .as("a cas to null").isTrue();
        assertThat(epochs(KV, op("append", "1,"), op("cas", List.of("1,", "1,")))).as("cas sets an appended token")
                .isFalse();
        assertThat(epochs(KV, op("append", "1,"), op("cas", List.of("1,", "")))).as("cas sets empty").isFalse();
        assertThat(epochs(KV, op("append", "1,"), op("cas", List.of(1, "2,")))).as("expects a number").isFalse();
        assertThat(epochs(KV, op("append", "1,"), failedCas("1,", "2,"))).as("a failed cas kept").isFalse();
        assertThat(epochs(new CasRegisterModel(), op("write", "1,"), op("read", "1,"))).isFalse();
    }

    // Eight appends all concurrent, then a read of all of them in one order: the plain search tries
    // the orders of the appends (tens of thousands of configurations), the reduced one follows the
    // read's order (Elle's insight) and visits about one configuration per operation.
    @Test
    void aReadFixesTheOrderOfConcurrentAppends() {
        int appends = 8;
        List<Event> events = new ArrayList<>();
        for (int p = 0; p < appends; p++) {
            events.add(Event.invoke(p, "append", "k", p + ",", p));
        }
        StringBuilder seen = new StringBuilder();
        for (int p = appends - 1; p >= 0; p--) {
            events.add(Event.complete(p, EventType.OK, "append", "k", p + ",", 100 + p));
            seen.append(p).append(',');
        }
        events.add(Event.invoke(100, "read", "k", null, 200));
        events.add(Event.complete(100, EventType.OK, "read", "k", seen.toString(), 201));
        List<Operation> ops = History.of(events).operations();

        PartitionResult reduced = search(ops, true);
        PartitionResult plain = search(ops, false);

        assertThat(reduced.verdict()).isEqualTo(plain.verdict()).isEqualTo(Verdict.VALID);
        assertThat(reduced.configurationsVisited()).isLessThanOrEqualTo(appends + 2);
        assertThat(plain.configurationsVisited()).isGreaterThan(10_000);
    }

    // The same after a delete and a cas: the epoch the cas starts is fixed by the read, so the
    // reduction applies to keys that see cas and deletes too (the lab's kv mix).
    @Test
    void aReadFixesTheOrderOfAppendsAfterCasAndDelete() {
        int appends = 8;
        List<Event> events = new ArrayList<>();
        events.add(Event.invoke(50, "write", "k", "w,", 0));
        events.add(Event.complete(50, EventType.OK, "write", "k", "w,", 1));
        events.add(Event.invoke(50, "delete", "k", null, 2));
        events.add(Event.complete(50, EventType.OK, "delete", "k", null, 3));
        events.add(Event.invoke(50, "cas", "k", java.util.Arrays.asList(null, "c,"), 4));
        events.add(Event.complete(50, EventType.OK, "cas", "k", java.util.Arrays.asList(null, "c,"), 5));
        for (int p = 0; p < appends; p++) {
            events.add(Event.invoke(p, "append", "k", p + ",", 10 + p));
        }
        StringBuilder seen = new StringBuilder("c,");
        for (int p = appends - 1; p >= 0; p--) {
            events.add(Event.complete(p, EventType.OK, "append", "k", p + ",", 100 + p));
            seen.append(p).append(',');
        }
        events.add(Event.invoke(100, "read", "k", null, 200));
        events.add(Event.complete(100, EventType.OK, "read", "k", seen.toString(), 201));
        List<Operation> ops = History.of(events).operations();

        PartitionResult reduced = search(ops, true);
        PartitionResult plain = search(ops, false);

        assertThat(reduced.verdict()).isEqualTo(plain.verdict()).isEqualTo(Verdict.VALID);
        assertThat(reduced.configurationsVisited()).isLessThanOrEqualTo(appends + 5);
        assertThat(plain.configurationsVisited()).isGreaterThan(10_000);
    }

    // Eight concurrent appends with no read to order them, then a read of a value no operation
    // makes: the plain search tries the orders of the appends before it gives up at that read
    // (thousands of configurations); the reduced one sees that no state starts with "x" and only
    // searches the operations before the read for the prefix that explains it.
    @Test
    void aReadOfAValueNobodyMakesIsInvalidWithoutTheOrdersBeforeIt() {
        int appends = 8;
        List<Event> events = new ArrayList<>();
        for (int p = 0; p < appends; p++) {
            events.add(Event.invoke(p, "append", "k", p + ",", p));
        }
        for (int p = 0; p < appends; p++) {
            events.add(Event.complete(p, EventType.OK, "append", "k", p + ",", 100 + p));
        }
        events.add(Event.invoke(100, "read", "k", null, 200));
        events.add(Event.complete(100, EventType.OK, "read", "k", "x,", 201));
        List<Operation> ops = History.of(events).operations();

        PartitionResult reduced = search(ops, true);
        PartitionResult plain = search(ops, false);

        assertThat(reduced.verdict()).isEqualTo(plain.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(reduced.failure()).contains(ops.get(appends));
        assertThat(reduced.linearization()).hasSize(appends);
        assertThat(reduced.reason()).contains("read \"x,\"").contains("no operation makes the value it expects");
        assertThat(reduced.configurationsVisited()).isLessThanOrEqualTo(appends + 2);
        assertThat(plain.configurationsVisited()).isGreaterThan(1_000);
    }

    // One key appended to without a read: every state is a new, longer string. With a bound of
    // 8 MiB the interned states alone pass it long before the end, and the check answers UNKNOWN
    // with the reason instead of running out of heap.
    @Test
    void memoryBoundCountsTheModelStates() {
        List<Event> events = new ArrayList<>();
        String padding = "x".repeat(1_000);
        for (int i = 0; i < 3_000; i++) {
            events.add(Event.invoke(0, "append", "k", i + padding + ",", 2L * i));
            events.add(Event.complete(0, EventType.OK, "append", "k", i + padding + ",", 2L * i + 1));
        }
        CheckResult result = Linearizability.check(KV, History.of(events),
                CheckOptions.defaults().withMemoryBytesMax(8 << 20));
        assertThat(result.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(result.explanation()).startsWith("memory bound of 8 MiB for the search (states, caches, stacks) reached");
    }

    private static Operation op(String f, Object value) {
        return new Operation(0, 0, f, "k", value, value, Operation.Outcome.OK, 0, 1, 0, 1, null, null);
    }

    private static Operation failedCas(Object expected, Object value) {
        return new Operation(0, 0, "cas", "k", List.of(expected, value), List.of(expected, value),
                Operation.Outcome.FAIL, 0, 1, 0, 1, null, null);
    }

    private static boolean epochs(titan.checker.Model<Object> model, Operation... ops) {
        List<Operation> list = List.of(ops);
        return AppendEpochs.forPartition(model, list, new Transitions<>(model, list, new MemoryBudget(1 << 20))) != null;
    }

    private static PartitionResult search(List<Operation> ops, boolean reductions) {
        SearchLimits limits = new SearchLimits(System::nanoTime, Duration.ofMinutes(1), new MemoryBudget(1L << 30));
        return new PartitionSearch<>(KV, "k", ops, limits, op -> "op " + op.id(), reductions,
                PartitionSearch.exactFirstBudget(ops.size())).run();
    }
}
