package titan.lab.bench;

import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;

/**
 * The outcome of one phase of a load benchmark, warm-up excluded.
 *
 * @param loop           {@code closed} (each caller sends its next request when the previous one
 *                       completes: finds the maximum throughput; its latency is from the actual send,
 *                       so it under-reports stalls: coordinated omission) or {@code open} (requests at
 *                       a fixed rate, latency from the intended send time: the honest tail)
 * @param targetRate     requests per second asked for (open loop), NaN for a closed loop
 * @param concurrency    callers (closed loop) or the cap on requests in flight (open loop)
 * @param latency        microseconds; from the intended send time in an open loop
 * @param serviceTime    microseconds from the actual send (equal to latency in a closed loop)
 * @param okInWindow     successful completions inside the measured window, whenever sent: the throughput
 * @param unfinished     requests still unanswered when the drain time ran out (not in the histograms)
 * @param measuredSeconds the measured window (the duration after warm-up)
 * @param cpuPercent     per node: CPU time used during the phase as a percentage of one core
 * @param sendLag        open loop: microseconds from each measured request's intended send time to its
 *                       actual send, for the requests the in-flight cap did not hold back: the
 *                       generator keeping its own schedule; empty for a closed loop
 * @param heldByCap      open loop: measured requests held back because {@code concurrency} were in flight
 *                       (late because of the server; their latency still counts from the intended time)
 * @param generatorCpuPercent the load generator's own CPU (its client I/O threads and driving thread)
 *                       during the measured part, as a percentage of one core; NaN when not measured
 */
public record PhaseResult(String protocol, String loop, double targetRate, int concurrency, Histogram latency,
                          Histogram serviceTime, long ok, long failed, long indeterminate, long okInWindow, long unfinished,
                          double measuredSeconds, List<IntervalPoint> intervals, String hlog,
                          Map<String, Double> cpuPercent, Histogram sendLag, long heldByCap,
                          double generatorCpuPercent) {
    /** Successful completions per second inside the measured window (drained ones do not count). */
    public double throughput() {
        return okInWindow / measuredSeconds;
    }

    public double latencyMillisAt(double percentile) {
        return latency.getValueAtPercentile(percentile) / 1000.0;
    }

    public PhaseResult withCpu(Map<String, Double> cpu, double generatorCpu) {
        return new PhaseResult(protocol, loop, targetRate, concurrency, latency, serviceTime, ok, failed, indeterminate,
                okInWindow, unfinished, measuredSeconds, intervals, hlog, Map.copyOf(cpu), sendLag, heldByCap,
                generatorCpu);
    }

    public PhaseResult withCpu(Map<String, Double> cpu) {
        return withCpu(cpu, generatorCpuPercent);
    }

    /** The generator's lag behind its schedule at {@code percentile}, in milliseconds (0 for a closed loop). */
    public double sendLagMillisAt(double percentile) {
        return sendLag.getTotalCount() == 0 ? 0 : sendLag.getValueAtPercentile(percentile) / 1000.0;
    }

    /** The sum over nodes, as a percentage of one core (200% = two cores busy). */
    public double cpuPercentTotal() {
        return cpuPercent.values().stream().mapToDouble(Double::doubleValue).sum();
    }
}
