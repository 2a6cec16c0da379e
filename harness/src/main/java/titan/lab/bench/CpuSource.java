package titan.lab.bench;

import java.util.OptionalLong;

/**
 * Where per-process CPU time comes from: {@link ProcStatCpuSource} reads Linux's
 * {@code /proc/<pid>/stat}; a Docker runtime can answer from the container's cgroup or
 * {@code docker stats} instead.
 */
public interface CpuSource {
    /**
     * CPU time (user + system) that process {@code pid} has used so far, in nanoseconds; empty when
     * it cannot be read (the process is gone, or this is not Linux). Must not throw.
     */
    OptionalLong cpuNanos(long pid);
}
