package titan.lab.bench;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A whole load benchmark: the settings, the machine, and per protocol the closed-loop phase (the
 * maximum throughput) and the open-loop phases at fractions of it, in the order run.
 */
public record BenchResult(BenchSettings settings, Machine machine, Instant startedAt, Map<String, ProtocolResult> protocols) {
    /** One protocol's phases. */
    public record ProtocolResult(PhaseResult closedLoop, List<OpenPhase> openLoop) {}

    /** An open-loop phase and the fraction of the maximum it asked for. */
    public record OpenPhase(double fraction, PhaseResult result) {}

    /** What ran it: cores, CPU model, OS, Java, and the lab's commit. */
    public record Machine(int cores, String cpuModel, String os, String java, String commit) {}
}
