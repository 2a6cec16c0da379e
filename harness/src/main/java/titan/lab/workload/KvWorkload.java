package titan.lab.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import titan.checker.history.EventType;

/**
 * Many keys; reads, writes, compare-and-sets and appends of unique elements ({@code a17;}), so a read
 * shows the order of the appends before it. A cas expects the value last seen on its key, so it
 * often matches. Checked per key with the kv model.
 */
public final class KvWorkload implements Workload {
    private final int keys;
    private final AtomicLong unique = new AtomicLong();
    private final Map<String, String> lastSeen = new ConcurrentHashMap<>();

    public KvWorkload(int keys) {
        if (keys < 1) {
            throw new IllegalArgumentException("the kv workload needs at least one key, not " + keys);
        }
        this.keys = keys;
    }

    @Override
    public String name() {
        return "kv";
    }

    @Override
    public Op next(SplittableRandom random) {
        String key = "k" + random.nextInt(keys);
        int dice = random.nextInt(100);
        if (dice < 35) {
            return new Op("read", key, null);
        }
        if (dice < 50) {
            return new Op("write", key, "w" + unique.incrementAndGet() + ";");
        }
        if (dice < 65) {
            return new Op("cas", key, Completion.pair(lastSeen.get(key), "c" + unique.incrementAndGet() + ";"));
        }
        return new Op("append", key, "a" + unique.incrementAndGet() + ";");
    }

    @Override
    public void observe(Op op, Completion completion) {
        if (completion.type() != EventType.OK) {
            return;
        }
        Object seen = switch (op.f()) {
            case "read", "write" -> completion.value();
            case "cas" -> ((List<?>) op.value()).get(1);
            default -> null;
        };
        if (seen instanceof String s) {
            lastSeen.put(op.key(), s);
        }
    }

    @Override
    public List<Op> finalReads() {
        List<Op> reads = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            reads.add(new Op("read", "k" + k, null));
        }
        return reads;
    }

    @Override
    public String checker() {
        return "linearizable";
    }
}
