package titan.lab.bench;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A whole load benchmark: the settings, the machine, and per protocol the closed-loop phase (the
 * maximum throughput) and the open-loop phases at fractions of it, in the order run. The protocols
 * are Titan's {@code http} and {@code tcp}, and {@code etcd} (its v3 JSON gateway) with {@code --compare etcd}.
 */
public record BenchResult(BenchSettings settings, Machine machine, Instant startedAt, Map<String, ProtocolResult> protocols) {
    /**
     * One protocol's phases: the search's steps (empty without a search), the setting the maximum
     * was found at, the measured closed loop at that setting, and the open loops.
     */
    public record ProtocolResult(List<SearchStep> search, BenchSettings.Setting maxAt, PhaseResult closedLoop,
                                 List<OpenPhase> openLoop) {
        public ProtocolResult(PhaseResult closedLoop, List<OpenPhase> openLoop) {
            this(List.of(), null, closedLoop, openLoop);
        }
    }

    /** One step of the search for the maximum: a short closed loop at {@code setting}. */
    public record SearchStep(BenchSettings.Setting setting, double throughput, double p99Millis) {}

    /** An open-loop phase and the fraction of the maximum it asked for. */
    public record OpenPhase(double fraction, PhaseResult result) {}

    /** What ran it: cores, CPU model, OS, Java, and the lab's commit. */
    public record Machine(int cores, String cpuModel, String os, String java, String commit) {}
}
