package titan.checker;

import java.util.List;
import java.util.Optional;
import titan.checker.history.Operation;

/**
 * The verdict for one partition, with what a timeline needs to draw it.
 *
 * @param name                  the partition (the key), empty when the history is not partitioned
 * @param verdict               valid, invalid, or unknown
 * @param reason                for UNKNOWN why the search stopped; for INVALID a one-line explanation;
 *                              empty for VALID
 * @param operations            the operations searched, in call order (each with process, call and
 *                              completion index and time, value); failed and inert operations are
 *                              not among them
 * @param linearization         operation ids ({@link Operation#id()}) in linearization order: all
 *                              completed operations (and the unknown ones that took effect) when
 *                              VALID, the longest linearizable prefix found otherwise
 * @param failingOperation      for INVALID, the operation that cannot be linearized after that
 *                              prefix (the earliest completion among the rest); else null
 * @param stateAfterLinearization the model state after {@code linearization}, described
 * @param configurationsVisited distinct (linearized set, state) pairs the search cached
 * @param elapsedNanos          time spent on this partition
 */
public record PartitionResult(String name, Verdict verdict, String reason, List<Operation> operations,
                              List<Integer> linearization, Operation failingOperation,
                              String stateAfterLinearization, long configurationsVisited, long elapsedNanos) {
    public PartitionResult {
        operations = List.copyOf(operations);
        linearization = List.copyOf(linearization);
    }

    public Optional<Operation> failure() {
        return Optional.ofNullable(failingOperation);
    }
}
