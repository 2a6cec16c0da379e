package titan.lab.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Reading utime + stime from /proc/PID/stat, and turning two readings into percentages of a core. */
class CpuSamplerTest {
    @TempDir
    Path proc;

    // The command name may contain spaces and parentheses; fields are counted from the last ')'.
    // utime 250 + stime 50 ticks at 100 per second = 3 s.
    @Test
    void parsesUtimeAndStimeAfterATrickyCommandName() throws Exception {
        String stat = "1234 (java (main) x) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 30 0 100 0 0";
        assertThat(ProcStatCpuSource.parse(stat)).hasValue(3_000_000_000L);
        Files.createDirectories(proc.resolve("1234"));
        Files.writeString(proc.resolve("1234/stat"), stat + "\n");
        ProcStatCpuSource source = new ProcStatCpuSource(proc);
        assertThat(source.cpuNanos(1234)).hasValue(3_000_000_000L);
        assertThat(source.cpuNanos(99)).isEmpty(); // no such process: empty, not an exception
        assertThat(ProcStatCpuSource.parse("garbage")).isEmpty();
        assertThat(ProcStatCpuSource.parse("1 (x) S 1 2")).isEmpty();
    }

    @Test
    void readsThisProcessOnLinux() {
        assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "not Linux");
        assertThat(new ProcStatCpuSource().cpuNanos(ProcessHandle.current().pid())).isPresent();
    }

    // Over 2 s of (simulated) wall time, n1 used 1 s of CPU (50% of a core) and n2 3 s (150%);
    // n3 could not be read at the end and is left out, not reported as idle.
    @Test
    void percentagesOfOneCoreBetweenTwoSnapshots() {
        SimLoadClock clock = new SimLoadClock();
        Map<Long, Long> times = new java.util.HashMap<>(Map.of(1L, 0L, 2L, 0L, 3L, 0L));
        CpuSampler sampler = new CpuSampler(pid -> times.containsKey(pid) ? OptionalLong.of(times.get(pid))
                : OptionalLong.empty(), clock);
        Map<String, Long> pids = Map.of("n1", 1L, "n2", 2L, "n3", 3L);
        CpuSampler.Snapshot before = sampler.take(pids);
        clock.sleepUntil(2_000_000_000L);
        times.put(1L, 1_000_000_000L);
        times.put(2L, 3_000_000_000L);
        times.remove(3L);
        Map<String, Double> pct = CpuSampler.percentOfOneCore(before, sampler.take(pids));
        assertThat(pct).containsOnlyKeys("n1", "n2");
        assertThat(pct.get("n1")).isCloseTo(50.0, within(1e-9));
        assertThat(pct.get("n2")).isCloseTo(150.0, within(1e-9));
    }
}
