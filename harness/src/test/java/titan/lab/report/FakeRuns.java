package titan.lab.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import titan.checker.CheckResult;
import titan.checker.Linearizability;
import titan.checker.Verdict;
import titan.checker.history.Event;
import titan.checker.history.EventType;
import titan.checker.history.History;
import titan.checker.history.Process;
import titan.checker.model.KvModel;
import titan.lab.store.RunFolder;
import titan.lab.store.RunStore;

/**
 * Realistic fake run folders, so the report and the browser are tested without a cluster: a kv
 * workload (read, write, cas over a few keys with unique written values) by {@code concurrency}
 * clients, lognormal latencies, and optionally a nemesis whose faults (partition, kill, pause, and an
 * overlapping slow-links fault every third cycle) slow operations down and turn some into
 * timeouts ({@code info}, retiring the process) and failures. Each operation takes effect at a
 * random point inside its interval, and reads return the state there, so the history is
 * linearizable; with {@code invalid} one read in the second half returns a value overwritten
 * before it was called, which no order can explain. Deterministic in the seed.
 */
public final class FakeRuns {
    /**
     * @param testName    the run's test name
     * @param seed        the generator's seed
     * @param operations  operations to generate
     * @param concurrency client slots
     * @param keys        keys
     * @param faults      whether a nemesis runs (a 10 s cycle, faults from 2 s to 7 s)
     * @param invalid     whether one read is made stale
     * @param check       whether to run the linearizability checker (else results say valid unchecked)
     */
    public record Spec(String testName, long seed, int operations, int concurrency, int keys, boolean faults,
                       boolean invalid, boolean check) {
        public static Spec valid(String name) {
            return new Spec(name, 1, 3_000, 8, 4, false, false, true);
        }

        public Spec withFaults() {
            return new Spec(testName, seed, operations, concurrency, keys, true, invalid, check);
        }

        public Spec withInvalidRead() {
            return new Spec(testName, seed, operations, concurrency, keys, faults, true, check);
        }

        public Spec withOperations(int n, boolean checked) {
            return new Spec(testName, seed, n, concurrency, keys, faults, invalid, checked);
        }

        public Spec withSeed(long s) {
            return new Spec(testName, s, operations, concurrency, keys, faults, invalid, check);
        }
    }

    private static final String[] FAULTS = {"partition", "kill", "pause", "clock-skew"};
    private static final long CYCLE_NANOS = 10_000_000_000L;
    private static final long TIMEOUT_NANOS = 1_000_000_000L;

    private FakeRuns() {}

    /** One generated operation before it becomes two events. */
    private static final class Op {
        int process;
        String f;
        String key;
        Object input;
        Object output;
        EventType type;
        long call;
        long complete;
        long linearizeAt;
        boolean takesEffect;
        String node;
        String error;
    }

    /** Writes a whole run folder (test.json, history.jsonl, results.json, explanation.html if invalid, report.html). */
    public static RunFolder write(RunStore store, Spec spec, ZonedDateTime start) throws IOException {
        RunFolder run = store.create(spec.testName(), start);
        History history = history(spec);
        run.writeTest(config(spec, start));
        run.writeHistory(history);
        ObjectNode checkers = RunFolder.json().createObjectNode();
        Verdict verdict = Verdict.VALID;
        CheckResult result = null;
        if (spec.check()) {
            result = Linearizability.check(new KvModel(), history);
            checkers.set("linearizability", RunFolder.checkerJson(result));
            verdict = result.verdict();
            if (verdict != Verdict.VALID) {
                run.writeExplanation(result, history);
            }
        } else {
            checkers.putObject("linearizability").put("verdict", "valid").put("explanation", "not checked (fake run)");
        }
        long end = history.events().stream().mapToLong(Event::timeNanos).max().orElse(0);
        run.writeResults(verdict, checkers, history, end / 1_000_000);
        RunReport.write(run, history, result); // as a runtime does: the history is not read back
        return run;
    }

    public static Map<String, Object> config(Spec spec, ZonedDateTime start) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", spec.testName());
        config.put("runtime", "local");
        config.put("nodes", List.of("n1", "n2", "n3"));
        config.put("workload", "kv");
        config.put("nemesis", spec.faults() ? List.of(FAULTS) : List.of());
        config.put("nemesisInterval", "10s");
        config.put("protocol", "tcp");
        config.put("concurrency", spec.concurrency());
        config.put("keys", spec.keys());
        config.put("timeLimit", "60s");
        config.put("seed", spec.seed());
        config.put("unsafe", List.of());
        config.put("commit", "fake000");
        config.put("startTime", start.toString());
        return config;
    }

    public static History history(Spec spec) {
        SplittableRandom random = new SplittableRandom(spec.seed());
        List<Op> ops = new ArrayList<>(spec.operations());
        long[] freeAt = new long[spec.concurrency()];
        int[] processOf = new int[spec.concurrency()];
        for (int slot = 0; slot < spec.concurrency(); slot++) {
            processOf[slot] = slot;
            freeAt[slot] = 1_000_000L + random.nextLong(2_000_000L);
        }
        int nextProcess = spec.concurrency();
        long nextValue = 1;
        Map<String, Long> lastWritten = new HashMap<>();
        for (int i = 0; i < spec.operations(); i++) {
            int slot = 0;
            for (int s = 1; s < freeAt.length; s++) {
                if (freeAt[s] < freeAt[slot]) {
                    slot = s;
                }
            }
            Op op = new Op();
            op.process = processOf[slot];
            op.call = freeAt[slot];
            op.key = "k" + random.nextInt(spec.keys());
            op.node = "n" + (1 + random.nextInt(3));
            double pick = random.nextDouble();
            op.f = pick < 0.5 ? "read" : pick < 0.8 ? "write" : "cas";
            op.input = switch (op.f) {
                case "write" -> nextValue++;
                case "cas" -> List.of(lastWritten.getOrDefault(op.key, 0L), nextValue++); // usually still current
                default -> null;
            };
            long latency = (long) (1_500_000 * Math.exp(0.55 * gaussian(random)));
            String fault = spec.faults() ? faultAt(op.call) : null;
            op.type = EventType.OK;
            double roll = random.nextDouble();
            if (fault != null && roll < 0.12) {
                op.type = EventType.INFO;
                op.error = "timeout";
                latency = TIMEOUT_NANOS + random.nextLong(5_000_000L);
            } else if (fault != null && roll < 0.2 || roll < 0.002) {
                op.type = EventType.FAIL;
                op.error = "no leader";
                latency = latency / 3 + 100_000;
            } else if (fault != null) {
                latency *= 6;
            }
            op.complete = op.call + Math.max(50_000, latency);
            op.linearizeAt = op.call + (long) (random.nextDouble() * (op.complete - op.call));
            op.takesEffect = op.type == EventType.OK || op.type == EventType.INFO && random.nextBoolean();
            if (!op.f.equals("read")) {
                lastWritten.put(op.key, op.f.equals("write") ? (Long) op.input : (Long) ((List<?>) op.input).get(1));
            }
            ops.add(op);
            freeAt[slot] = op.complete + 2_000_000 + random.nextLong(14_000_000); // about 100 ops/s per client
            if (op.type == EventType.INFO) {
                processOf[slot] = nextProcess++; // Jepsen: an indeterminate outcome retires the process
            }
        }
        applyInLinearizationOrder(ops);
        if (spec.invalid()) {
            makeOneReadStale(ops);
        }
        try {
            return History.of(spec.testName() + "/history.jsonl", events(ops, spec.faults()), null);
        } catch (titan.checker.history.HistoryFormatException e) {
            throw new IllegalStateException("the generator paired its events wrongly", e);
        }
    }

    private static void applyInLinearizationOrder(List<Op> ops) {
        List<Op> order = new ArrayList<>(ops);
        order.sort(Comparator.comparingLong(o -> o.linearizeAt));
        Map<String, Object> state = new HashMap<>();
        for (Op op : order) {
            if (!op.takesEffect) {
                continue;
            }
            Object current = state.get(op.key);
            switch (op.f) {
                case "read" -> op.output = op.type == EventType.OK ? current : null;
                case "write" -> {
                    state.put(op.key, op.input);
                    op.output = op.input;
                }
                default -> {
                    List<?> cas = (List<?>) op.input;
                    if (Objects.equals(current, cas.get(0))) {
                        state.put(op.key, cas.get(1));
                    } else if (op.type == EventType.OK) {
                        op.type = EventType.FAIL; // the cas did not happen: the value differed
                        op.error = "cas mismatch";
                    }
                    op.output = op.input;
                }
            }
        }
    }

    /** An ok read in the second half returns a value overwritten (by an ok write that completed) before its call. */
    private static void makeOneReadStale(List<Op> ops) {
        for (int i = ops.size() * 3 / 5; i < ops.size(); i++) {
            Op read = ops.get(i);
            if (!read.f.equals("read") || read.type != EventType.OK) {
                continue;
            }
            Op first = null;
            for (int j = 0; j < i; j++) {
                Op w = ops.get(j);
                if (!w.f.equals("write") || w.type != EventType.OK || !w.key.equals(read.key) || w.complete >= read.call) {
                    continue;
                }
                if (first == null) {
                    first = w;
                } else if (w.call > first.complete && !Objects.equals(w.input, read.output)) {
                    read.output = first.input; // overwritten by w, which completed before the read began
                    return;
                }
            }
        }
        throw new IllegalStateException("no read to make stale; generate more operations");
    }

    private static String faultAt(long nanos) {
        long inCycle = nanos % CYCLE_NANOS;
        if (inCycle >= 2_000_000_000L && inCycle < 7_000_000_000L) {
            return FAULTS[(int) (nanos / CYCLE_NANOS % FAULTS.length)];
        }
        return null;
    }

    private static List<Event> events(List<Op> ops, boolean faults) {
        List<Timed> timed = new ArrayList<>(ops.size() * 2 + 16);
        int order = 0;
        long end = 0;
        for (Op op : ops) {
            Process process = Process.client(op.process);
            timed.add(new Timed(op.call, order++, new Event(process, EventType.INVOKE, op.f, op.key,
                    op.f.equals("read") ? null : op.input, op.call, op.node, null)));
            Object value = op.f.equals("read") ? op.type == EventType.OK ? op.output : null : op.input;
            timed.add(new Timed(op.complete, order++, new Event(process, op.type, op.f, op.key, value, op.complete,
                    op.node, op.error)));
            end = Math.max(end, op.complete);
        }
        if (faults) {
            for (long cycle = 0; cycle * CYCLE_NANOS + 2_000_000_000L < end; cycle++) {
                long base = cycle * CYCLE_NANOS;
                String fault = FAULTS[(int) (cycle % FAULTS.length)];
                String detail = switch (fault) {
                    case "partition" -> "n1 | n2 n3";
                    case "kill" -> "n" + (1 + cycle % 3) + " SIGKILL";
                    case "pause" -> "n" + (1 + (cycle + 1) % 3) + " SIGSTOP";
                    default -> "n2 rate 2.0";
                };
                nemesis(timed, base + 2_000_000_000L, "start-" + fault, detail);
                nemesis(timed, Math.min(end, base + 7_000_000_000L), "stop-" + fault, detail);
                if (cycle % 3 == 1) {
                    nemesis(timed, base + 4_000_000_000L, "start-slow-links", "delay 50ms ±20ms");
                    nemesis(timed, Math.min(end, base + 9_000_000_000L), "stop-slow-links", "delay 50ms ±20ms");
                }
            }
        }
        timed.sort(Comparator.comparingLong(Timed::time).thenComparingInt(Timed::order));
        return timed.stream().map(Timed::event).toList();
    }

    private record Timed(long time, int order, Event event) {}

    private static void nemesis(List<Timed> timed, long time, String f, String detail) {
        timed.add(new Timed(time, Integer.MAX_VALUE - timed.size(), new Event(Process.NEMESIS, EventType.INFO, f, null,
                detail, time, null, null)));
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller, so the generator needs nothing but its SplittableRandom.
        double u = Math.max(1e-12, random.nextDouble());
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
