package titan.checker.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Synthetic histories of a correct (linearizable) key-value store, for tests and benchmarks of the
 * checker. A simulated store applies each operation atomically at a random instant between its
 * invoke and its completion, so every generated history is linearizable by construction;
 * {@link #withCorruptedRead} makes an invalid twin.
 * <p>Deterministic: the same parameters and seed give the same history.
 *
 * @param operations  how many operations to invoke
 * @param keys        how many keys (1 gives a single register)
 * @param concurrency how many client processes are active at once
 * @param values      values are drawn from {@code "0"} to {@code values - 1}; few values make the search harder
 * @param infoRate    the probability that a completion is lost ({@code info}); the process is then retired
 * @param appendRate  the share of appends among the operations (0 for a cas register)
 */
public record HistoryGenerator(int operations, int keys, int concurrency, int values, double infoRate,
                               double appendRate) {

    /** Porcupine-like kv: reads, writes, cas and appends over many keys. */
    public static HistoryGenerator kv(int operations, int keys, int concurrency) {
        return new HistoryGenerator(operations, keys, concurrency, 5, 0.002, 0.1);
    }

    /** One cas register with a handful of values. */
    public static HistoryGenerator casRegister(int operations, int concurrency) {
        return new HistoryGenerator(operations, 1, concurrency, 5, 0.001, 0.0);
    }

    public History generate(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Object> store = new HashMap<>();
        List<Event> events = new ArrayList<>(operations * 2 + 16);
        InFlight[] slots = new InFlight[concurrency];
        int[] processOfSlot = new int[concurrency];
        for (int i = 0; i < concurrency; i++) {
            processOfSlot[i] = i;
        }
        int nextProcess = concurrency;
        int invoked = 0;
        int open = 0;
        long timeNanos = 0;
        while (invoked < operations || open > 0) {
            timeNanos += 1 + random.nextInt(1000);
            int slot = random.nextInt(concurrency);
            InFlight op = slots[slot];
            int process = processOfSlot[slot];
            if (op == null) {
                if (invoked < operations) {
                    slots[slot] = op = newOperation(random, invoked++);
                    open++;
                    events.add(Event.invoke(process, op.f, op.key, op.input, timeNanos));
                }
            } else if (!op.applied && random.nextInt(4) != 0) {
                apply(store, op);
            } else if (op.applied || random.nextInt(8) == 0) {
                // Complete: a lost answer (info) may come whether or not the store applied the operation.
                if (random.nextDouble() < infoRate) {
                    events.add(Event.complete(process, EventType.INFO, op.f, op.key, op.input, timeNanos));
                    processOfSlot[slot] = nextProcess++;
                } else if (!op.applied) {
                    continue;
                } else {
                    EventType type = op.failed ? EventType.FAIL : EventType.OK;
                    events.add(Event.complete(process, type, op.f, op.key, op.output, timeNanos));
                }
                slots[slot] = null;
                open--;
            }
        }
        return History.of(events);
    }

    private InFlight newOperation(SplittableRandom random, int index) {
        String key = keys == 1 ? "r" : "k" + random.nextInt(keys);
        double roll = random.nextDouble();
        if (roll < appendRate) {
            return new InFlight("append", key, "a" + index);
        }
        roll = (roll - appendRate) / (1 - appendRate);
        String value = Integer.toString(random.nextInt(values));
        if (roll < 0.4) {
            return new InFlight("read", key, null);
        }
        if (roll < 0.7) {
            return new InFlight("write", key, value);
        }
        return new InFlight("cas", key, List.of(Integer.toString(random.nextInt(values)), value));
    }

    private static void apply(Map<String, Object> store, InFlight op) {
        op.applied = true;
        Object current = store.get(op.key);
        switch (op.f) {
            case "read" -> op.output = current;
            case "write" -> {
                store.put(op.key, op.input);
                op.output = op.input;
            }
            case "append" -> {
                store.put(op.key, current == null ? op.input : current + (String) op.input);
                op.output = op.input;
            }
            case "cas" -> {
                List<?> pair = (List<?>) op.input;
                op.output = op.input;
                if (pair.get(0).equals(current)) {
                    store.put(op.key, pair.get(1));
                } else {
                    op.failed = true;
                }
            }
            default -> throw new IllegalStateException(op.f);
        }
    }

    /**
     * The same history with one OK read (the last one in the second half of the history that read
     * a value) changed to a value no one wrote: not linearizable.
     */
    public static History withCorruptedRead(History history) {
        List<Event> events = new ArrayList<>(history.events());
        for (int i = events.size() - 1; i >= events.size() / 2; i--) {
            Event e = events.get(i);
            if (e.type() == EventType.OK && e.f().equals("read") && e.value() != null) {
                events.set(i, new Event(e.process(), e.type(), e.f(), e.key(), "never-written", e.timeNanos(),
                        e.node(), e.error()));
                return History.of(events);
            }
        }
        throw new IllegalArgumentException("no OK read with a value in the second half of the history");
    }

    private static final class InFlight {
        final String f;
        final String key;
        final Object input;
        Object output;
        boolean applied;
        boolean failed;

        InFlight(String f, String key, Object input) {
            this.f = f;
            this.key = key;
            this.input = input;
        }
    }
}
