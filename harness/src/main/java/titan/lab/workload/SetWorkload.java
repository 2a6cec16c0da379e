package titan.lab.workload;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import titan.client.Outcome;
import titan.client.TitanClient;

/**
 * Jepsen's set: clients add unique elements (each an append of {@code "<n>,"} to one key), and
 * final reads return the whole set. Checked by the set checker: lost, unexpected, duplicated.
 */
public final class SetWorkload implements Workload {
    static final String KEY = "set";
    private final AtomicLong unique = new AtomicLong();

    @Override
    public String name() {
        return "set";
    }

    @Override
    public Op next(SplittableRandom random) {
        return new Op("add", KEY, unique.incrementAndGet());
    }

    @Override
    public CompletableFuture<Outcome> invoke(TitanClient client, Op op) {
        if (op.f().equals("add")) {
            return client.append(KEY, (op.value() + ",").getBytes(StandardCharsets.UTF_8));
        }
        return Workload.super.invoke(client, op);
    }

    /** The elements in the order they were appended, duplicates kept. */
    @Override
    public Object readValue(byte[] bytes) {
        List<Object> elements = new ArrayList<>();
        if (bytes != null) {
            for (String part : new String(bytes, StandardCharsets.UTF_8).split(",")) {
                if (!part.isEmpty()) {
                    try {
                        elements.add(Long.parseLong(part));
                    } catch (NumberFormatException e) {
                        elements.add(part); // not ours: the checker reports it as unexpected
                    }
                }
            }
        }
        return elements;
    }

    @Override
    public List<Op> finalReads() {
        return List.of(new Op("read", KEY, null));
    }

    @Override
    public String checker() {
        return "set";
    }
}
