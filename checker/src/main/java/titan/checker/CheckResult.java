package titan.checker;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of {@link Linearizability#check}: INVALID if any partition is, else UNKNOWN if any
 * partition is, else VALID.
 *
 * @param verdict        the overall verdict
 * @param model          the model's name
 * @param operationCount operations searched, over all partitions
 * @param partitions     one result per partition, in the model's partition order; a partition that
 *                       was not finished because another was invalid is UNKNOWN ("cancelled")
 * @param elapsedNanos   time for the whole check
 */
public record CheckResult(Verdict verdict, String model, int operationCount, List<PartitionResult> partitions,
                          long elapsedNanos) {
    public CheckResult {
        partitions = List.copyOf(partitions);
    }

    public boolean isValid() {
        return verdict == Verdict.VALID;
    }

    /** The first invalid partition, or for an UNKNOWN result the first unknown one. */
    public Optional<PartitionResult> decisive() {
        if (verdict == Verdict.VALID) {
            return Optional.empty();
        }
        return partitions.stream().filter(p -> p.verdict() == verdict).findFirst();
    }

    /** One line for people: why the history is invalid or unknown, or "linearizable". */
    public String explanation() {
        return decisive().map(PartitionResult::reason).orElse("linearizable");
    }
}
