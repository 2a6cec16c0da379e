package titan.checker.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import titan.checker.Partition;
import titan.checker.history.Operation;

/**
 * A key-value map checked one key at a time (P-compositionality: linearizability is local, Herlihy
 * &amp; Wing, and Horn &amp; Kroening §3 partition by key). Per key: {@code read} (OK value null: absent),
 * {@code write}, {@code cas [expected new]}, {@code append} (a string suffix) and {@code delete}.
 * Every key starts absent.
 *
 * @param nilRead what an OK read of nil means; {@link NilRead#ABSENT} for this lab's histories
 */
public record KvModel(NilRead nilRead) implements RegisterFamily {
    public KvModel {
        Objects.requireNonNull(nilRead, "nilRead");
    }

    public KvModel() {
        this(NilRead.ABSENT);
    }

    @Override
    public String name() {
        return "kv";
    }

    @Override
    public Object init() {
        return null;
    }

    /** One partition per key, named after it; operations without a key share the partition "". */
    @Override
    public List<Partition> partition(List<Operation> operations) {
        Map<String, List<Operation>> byKey = new LinkedHashMap<>();
        for (Operation op : operations) {
            byKey.computeIfAbsent(op.key() == null ? "" : op.key(), k -> new ArrayList<>()).add(op);
        }
        List<Partition> partitions = new ArrayList<>(byKey.size());
        byKey.forEach((key, ops) -> partitions.add(new Partition(key, ops)));
        return partitions;
    }
}
