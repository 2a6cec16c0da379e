package titan.lab.workload;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

import titan.client.Outcome;
import titan.client.TitanClient;

/**
 * What clients do during a test, and how the history is judged. Implementations must be
 * thread-safe: every client worker calls {@link #next} with its own random stream.
 */
public interface Workload {
    /** The name on the command line and in test.json. */
    String name();

    /** The next operation of one worker. */
    Op next(SplittableRandom random);

    /** Reads after the cluster has healed and recovered: every key the test touched. */
    List<Op> finalReads();

    /** What the test's checker is: {@code linearizable} (the kv model per key) or {@code set}. */
    String checker();

    /** Notes a completed operation (e.g. values seen, for meaningful cas). */
    default void observe(Op op, Completion completion) {}

    /** Sends {@code op} through the client. Never throws: the future may hold any {@link Outcome}. */
    default CompletableFuture<Outcome> invoke(TitanClient client, Op op) {
        return switch (op.f()) {
            case "read" -> client.get(op.key(), TitanClient.ReadMode.LINEARIZABLE);
            case "write" -> client.put(op.key(), bytes(op.value()));
            case "append" -> client.append(op.key(), bytes(op.value()));
            case "delete" -> client.delete(op.key());
            case "cas" -> {
                List<?> pair = (List<?>) op.value();
                yield client.cas(op.key(), pair.get(0) == null ? null : bytes(pair.get(0)), bytes(pair.get(1)));
            }
            default -> throw new IllegalArgumentException("workload " + name() + " cannot send " + op.f());
        };
    }

    /** The history value of a read that returned {@code bytes} (null: the key is absent). */
    default Object readValue(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    static byte[] bytes(Object value) {
        return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    }

    /** The workloads by name. */
    static Workload named(String name, int keys) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "register" -> new RegisterWorkload();
            case "kv" -> new KvWorkload(keys);
            case "set" -> new SetWorkload();
            default -> throw new IllegalArgumentException("unknown workload '" + name + "'; known: register, kv, set");
        };
    }
}
