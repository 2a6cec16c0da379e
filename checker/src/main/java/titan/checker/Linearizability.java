package titan.checker;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import titan.checker.history.History;
import titan.checker.history.Operation;
import titan.checker.internal.MemoryBudget;
import titan.checker.internal.PartitionRunner;
import titan.checker.internal.PartitionSearch;
import titan.checker.internal.SearchLimits;

/**
 * Checks histories for linearizability against a {@link Model}.
 * <pre>{@code
 * CheckResult result = Linearizability.check(new KvModel(), history, CheckOptions.defaults());
 * if (result.verdict() == Verdict.INVALID) System.out.println(result.explanation());
 * }</pre>
 * Failed operations are dropped (Jepsen: they did not happen), unless {@link FailedCas#READ_DIFFERENT}
 * keeps failed cas operations; operations with an unknown outcome may take effect at any time
 * after their call, or never. The model's partitions are searched in parallel; the first invalid
 * one stops the rest.
 */
public final class Linearizability {
    /** Below this many operations, a check runs on the caller's thread alone. */
    private static final int PARALLEL_OPERATIONS_MIN = 2_000;

    private Linearizability() {}

    public static <S> CheckResult check(Model<S> model, History history) {
        return check(model, history, CheckOptions.defaults());
    }

    /**
     * @throws ModelMismatchException when the model cannot check one of the operations; the message
     *                                names its file and line
     */
    public static <S> CheckResult check(Model<S> model, History history, CheckOptions options) {
        long startNanos = options.clockNanos().getAsLong();
        SearchLimits limits = new SearchLimits(options.clockNanos(), options.timeout(),
                new MemoryBudget(options.memoryBytesMax()));
        List<Operation> operations = searchable(model, history, options.failedCas());
        List<Partition> partitions = model.partition(operations);
        Integer[] bySizeDescending = new Integer[partitions.size()];
        for (int i = 0; i < bySizeDescending.length; i++) {
            bySizeDescending[i] = i;
        }
        java.util.Arrays.sort(bySizeDescending,
                Comparator.comparingInt((Integer i) -> partitions.get(i).operations().size()).reversed());
        // Threads cost more than they save on small histories (a millisecond or so each to start).
        int parallelism = operations.size() < PARALLEL_OPERATIONS_MIN ? 1 : options.parallelism();
        List<PartitionResult> finished = PartitionRunner.runAll(partitions.size(), parallelism, k -> {
            Partition partition = partitions.get(bySizeDescending[k]);
            List<Operation> ops = new ArrayList<>(partition.operations());
            ops.sort(Comparator.comparingInt(Operation::callIndex));
            return new PartitionSearch<>(model, partition.name(), ops, limits,
                    op -> history.where(op.callIndex())).run();
        });
        PartitionResult[] inOrder = new PartitionResult[partitions.size()];
        for (int k = 0; k < bySizeDescending.length; k++) {
            inOrder[bySizeDescending[k]] = finished.get(k);
        }
        List<PartitionResult> results = List.of(inOrder);
        return new CheckResult(overall(results), model.name(), operations.size(), results,
                options.clockNanos().getAsLong() - startNanos);
    }

    private static Verdict overall(List<PartitionResult> results) {
        Verdict verdict = Verdict.VALID;
        for (PartitionResult result : results) {
            if (result.verdict() == Verdict.INVALID) {
                return Verdict.INVALID;
            }
            if (result.verdict() == Verdict.UNKNOWN) {
                verdict = Verdict.UNKNOWN;
            }
        }
        return verdict;
    }

    /** The operations the search orders: not failed (unless a kept failed cas), not inert. */
    private static <S> List<Operation> searchable(Model<S> model, History history, FailedCas failedCas) {
        List<Operation> kept = new ArrayList<>(history.operations().size());
        for (Operation op : history.operations()) {
            if (op.outcome() == Operation.Outcome.FAIL
                    && !(failedCas == FailedCas.READ_DIFFERENT && "cas".equals(op.f()))) {
                continue;
            }
            Optional<String> problem = model.problemWith(op);
            if (problem.isPresent()) {
                throw new ModelMismatchException(history.where(op.callIndex()) + ": model " + model.name()
                        + " cannot check " + op.describe() + ": " + problem.get());
            }
            if (!model.isInert(op)) {
                kept.add(op);
            }
        }
        return kept;
    }
}
