package titan.checker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import titan.checker.history.Event;
import titan.checker.history.EventType;
import titan.checker.history.History;

/**
 * Histories shaped like the lab's {@code kv} workload, for the checker's benchmarks: each client
 * runs operations back to back, each on one of {@code keys} keys (read, write, or append of a
 * short unique element), and each takes effect at a uniform instant inside its interval, so every
 * history is linearizable by construction. A share {@code infoRate} of the operations end
 * {@code info}; half of those took effect, and the client's process retires (Jepsen) and a new one
 * takes its place. {@link #withCorruptedRead} makes the invalid twin.
 * <p>Appended elements are unique ({@code "<op index>,"}), and so are written values, as the lab's
 * workload writes them. With a cas share, a cas expects the value its client last saw on the key
 * (as the lab's {@code KvWorkload} does) and sets a unique value ({@code "c<op index>,"}); it fails
 * (and ends {@code fail}) when the store holds something else at its instant. Deletes remove the
 * key. Deterministic: the same parameters and seed give the same history.
 *
 * @param operations  how many operations to invoke
 * @param clients     how many clients run at once
 * @param keys        how many keys
 * @param appendShare the share of appends (0 for a plain register workload)
 * @param infoRate    the share of operations that end info
 * @param casShare    the share of compare-and-sets
 * @param deleteShare the share of deletes; reads and writes share what the three shares leave equally
 */
public record KvWorkloadHistories(int operations, int clients, int keys, double appendShare, double infoRate,
                                  double casShare, double deleteShare) {

    /** Reads, writes and appends only. */
    public KvWorkloadHistories(int operations, int clients, int keys, double appendShare, double infoRate) {
        this(operations, clients, keys, appendShare, infoRate, 0, 0);
    }

    /**
     * The lab's {@code kv} mix with deletes added: 35% reads, 10% writes, 15% cas, 5% deletes,
     * 35% appends, 1% info.
     */
    public static KvWorkloadHistories labMix(int operations, int clients, int keys) {
        return new KvWorkloadHistories(operations, clients, keys, 0.35, 0.01, 0.15, 0.05);
    }

    /** The shape: a third each of reads, writes and appends, 1% info. */
    public static KvWorkloadHistories of(int operations, int clients, int keys) {
        return new KvWorkloadHistories(operations, clients, keys, 1.0 / 3, 0.01);
    }

    /** One operation's plan and result. */
    private static final class Op {
        int index;
        int process;
        String f;
        String key;
        Object input;
        Object output;
        long callNanos;
        long completeNanos;
        long effectNanos;
        boolean info;
        boolean takesEffect = true;
        boolean failed;
        int client;
    }

    public History generate(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Op> ops = new ArrayList<>(operations);
        long[] clientFreeNanos = new long[clients];
        int[] processOfClient = new int[clients];
        for (int c = 0; c < clients; c++) {
            processOfClient[c] = c;
            clientFreeNanos[c] = random.nextInt(1_000);
        }
        int nextProcess = clients;
        for (int i = 0; i < operations; i++) {
            int client = earliest(clientFreeNanos);
            Op op = plan(random, i);
            op.client = client;
            op.process = processOfClient[client];
            op.callNanos = clientFreeNanos[client] + 1 + random.nextInt(50);
            op.completeNanos = op.callNanos + 100 + random.nextInt(2_000);
            op.effectNanos = op.callNanos + 1 + random.nextLong(op.completeNanos - op.callNanos - 1);
            if (random.nextDouble() < infoRate) {
                op.info = true;
                op.takesEffect = random.nextBoolean();
                processOfClient[client] = nextProcess++;
            }
            clientFreeNanos[client] = op.completeNanos;
            ops.add(op);
        }
        applyInEffectOrder(ops);
        return History.of(events(ops));
    }

    private Op plan(SplittableRandom random, int index) {
        Op op = new Op();
        op.index = index;
        op.key = "k" + random.nextInt(keys);
        double roll = random.nextDouble();
        if (roll < appendShare) {
            op.f = "append";
            op.input = index + ",";
        } else if (roll < appendShare + casShare) {
            op.f = "cas";
            op.input = "c" + index + ",";
        } else if (roll < appendShare + casShare + deleteShare) {
            op.f = "delete";
        } else if (roll < appendShare + casShare + deleteShare + (1 - appendShare - casShare - deleteShare) / 2) {
            op.f = "read";
        } else {
            op.f = "write";
            op.input = "w" + index + ",";
        }
        return op;
    }

    private static int earliest(long[] freeNanos) {
        int best = 0;
        for (int c = 1; c < freeNanos.length; c++) {
            if (freeNanos[c] < freeNanos[best]) {
                best = c;
            }
        }
        return best;
    }

    /**
     * The store: each operation that takes effect does so at its instant, in instant order. A cas
     * expects what its client saw last on the key (its last read, write or successful cas that
     * completed before the cas was called: the client runs one operation at a time).
     */
    private static void applyInEffectOrder(List<Op> ops) {
        Op[] byEffect = ops.toArray(new Op[0]);
        Arrays.sort(byEffect, Comparator.comparingLong((Op o) -> o.effectNanos).thenComparingInt(o -> o.index));
        Map<String, String> store = new HashMap<>();
        Map<String, String> seenByClientKey = new HashMap<>();
        for (Op op : byEffect) {
            String seenKey = op.client + "/" + op.key;
            if (op.f.equals("cas")) {
                op.input = Arrays.asList(seenByClientKey.get(seenKey), op.input);
            }
            if (!op.takesEffect) {
                continue;
            }
            switch (op.f) {
                case "read" -> op.output = store.get(op.key);
                case "write" -> store.put(op.key, (String) op.input);
                case "append" -> store.merge(op.key, (String) op.input, String::concat);
                case "delete" -> store.remove(op.key);
                case "cas" -> {
                    List<?> pair = (List<?>) op.input;
                    if (java.util.Objects.equals(store.get(op.key), pair.get(0))) {
                        store.put(op.key, (String) pair.get(1));
                    } else {
                        op.failed = true;
                    }
                }
                default -> throw new IllegalStateException(op.f);
            }
            // What the client saw: known to it once the operation completes, and its next operation
            // on this client is called after that, hence takes effect after this one.
            if (!op.info) {
                switch (op.f) {
                    case "read" -> seenByClientKey.put(seenKey, (String) op.output);
                    case "write" -> seenByClientKey.put(seenKey, (String) op.input);
                    case "cas" -> {
                        if (!op.failed) {
                            seenByClientKey.put(seenKey, (String) ((List<?>) op.input).get(1));
                        }
                    }
                    default -> { }
                }
            }
        }
    }

    private static List<Event> events(List<Op> ops) {
        List<long[]> order = new ArrayList<>(2 * ops.size());
        for (Op op : ops) {
            order.add(new long[] {op.callNanos, 0, op.index});
            order.add(new long[] {op.completeNanos, 1, op.index});
        }
        // Completions before calls at the same instant: equal times never overlap.
        order.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparing(e -> -e[1]).thenComparingLong(e -> e[2]));
        List<Event> events = new ArrayList<>(order.size());
        for (long[] entry : order) {
            Op op = ops.get((int) entry[2]);
            if (entry[1] == 0) {
                events.add(Event.invoke(op.process, op.f, op.key, op.input, entry[0]));
            } else if (op.info) {
                events.add(Event.complete(op.process, EventType.INFO, op.f, op.key, op.input, entry[0]));
            } else if (op.failed) {
                events.add(Event.complete(op.process, EventType.FAIL, op.f, op.key, op.input, entry[0]));
            } else {
                Object value = op.f.equals("read") ? op.output : op.input;
                events.add(Event.complete(op.process, EventType.OK, op.f, op.key, value, entry[0]));
            }
        }
        return events;
    }

    /**
     * The same history with one OK read near the end (the last one that read a value) changed to a
     * value no operation wrote: not linearizable.
     */
    public static History withCorruptedRead(History history) {
        List<Event> events = new ArrayList<>(history.events());
        for (int i = events.size() - 1; i >= 0; i--) {
            Event e = events.get(i);
            if (e.type() == EventType.OK && e.f().equals("read") && e.value() != null) {
                events.set(i, new Event(e.process(), e.type(), e.f(), e.key(), "never-written", e.timeNanos(),
                        e.node(), e.error()));
                return History.of(events);
            }
        }
        throw new IllegalArgumentException("no OK read with a value");
    }
}
