package titan.lab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * CPU time from {@code /proc/<pid>/stat} (proc(5)): fields 14 and 15, {@code utime} and
 * {@code stime}, in clock ticks ({@code getconf CLK_TCK}, 100 on Linux for every architecture
 * the lab runs on). The command name (field 2) is in parentheses and may itself hold spaces and
 * parentheses, so the fields are counted from the last {@code ')'}.
 */
public final class ProcStatCpuSource implements CpuSource {
    private static final long TICKS_PER_SECOND = 100;

    private final Path proc;

    public ProcStatCpuSource() {
        this(Path.of("/proc"));
    }

    /** Reads from {@code proc} instead of {@code /proc} (for tests). */
    public ProcStatCpuSource(Path proc) {
        this.proc = proc;
    }

    @Override
    public OptionalLong cpuNanos(long pid) {
        try {
            return parse(Files.readString(proc.resolve(Long.toString(pid)).resolve("stat")));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** utime + stime of one {@code stat} line, in nanoseconds; empty when the line is malformed. */
    static OptionalLong parse(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return OptionalLong.empty();
        }
        // After ") ": field 3 (state) is index 0, so utime (field 14) is index 11 and stime index 12.
        String[] rest = stat.substring(close + 1).trim().split("\\s+");
        if (rest.length < 13) {
            return OptionalLong.empty();
        }
        try {
            long ticks = Long.parseLong(rest[11]) + Long.parseLong(rest[12]);
            return OptionalLong.of(ticks * (1_000_000_000L / TICKS_PER_SECOND));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
