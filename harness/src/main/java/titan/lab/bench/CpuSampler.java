package titan.lab.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * CPU use of named processes (the cluster's nodes) over a phase: a {@link Snapshot} before and one
 * after, and per process the CPU time used between them as a percentage of one core over the wall
 * time between them (100% = one core busy; a node can use up to 100% x cores). A process that
 * could not be read at either end is left out rather than reported as idle.
 */
public final class CpuSampler {
    private final CpuSource source;
    private final LoadClock clock;

    public CpuSampler(CpuSource source, LoadClock clock) {
        this.source = source;
        this.clock = clock;
    }

    /** CPU times of the processes at one moment. */
    public record Snapshot(long atNanos, Map<String, Long> cpuNanos) {}

    /** Reads every process in {@code pids} (name to pid) now. */
    public Snapshot take(Map<String, Long> pids) {
        Map<String, Long> times = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            OptionalLong t = source.cpuNanos(pid);
            if (t.isPresent()) {
                times.put(name, t.getAsLong());
            }
        });
        return new Snapshot(clock.nanoTime(), times);
    }

    /** Per process, the percentage of one core used between {@code before} and {@code after}. */
    public static Map<String, Double> percentOfOneCore(Snapshot before, Snapshot after) {
        Map<String, Double> out = new LinkedHashMap<>();
        long wall = after.atNanos() - before.atNanos();
        if (wall <= 0) {
            return out;
        }
        before.cpuNanos().forEach((name, start) -> {
            Long end = after.cpuNanos().get(name);
            if (end != null && end >= start) {
                out.put(name, 100.0 * (end - start) / wall);
            }
        });
        return out;
    }
}
