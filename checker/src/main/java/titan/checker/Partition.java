package titan.checker;

import java.util.List;
import titan.checker.history.Operation;

/**
 * A part of a history that can be checked on its own (P-compositionality, Horn &amp; Kroening §3):
 * the history is linearizable exactly when every partition is, e.g. one partition per key of a
 * key-value store.
 *
 * @param name       what it is, for reports (the key); empty for a history that is not partitioned
 * @param operations its operations, in call order
 */
public record Partition(String name, List<Operation> operations) {
    public Partition {
        operations = List.copyOf(operations);
    }
}
