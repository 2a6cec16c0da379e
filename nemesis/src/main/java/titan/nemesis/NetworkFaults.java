package titan.nemesis;

/**
 * How the simulated network misbehaves on every link that is not cut: each message is lost with
 * {@code lossProbability}, delivered twice with {@code duplicateProbability}, and delayed by
 * {@code delayMeanMicros} plus an exponential jitter with mean {@code jitterMeanMicros} (jitter
 * reorders messages). The same record describes what the real nemesis injects through its proxies.
 */
public record NetworkFaults(double lossProbability, double duplicateProbability, long delayMeanMicros,
                            long jitterMeanMicros) {
    public static final NetworkFaults HEALTHY = new NetworkFaults(0, 0, 150, 50);

    public NetworkFaults {
        if (lossProbability < 0 || lossProbability > 1 || duplicateProbability < 0 || duplicateProbability > 1
                || delayMeanMicros < 0 || jitterMeanMicros < 0) {
            throw new IllegalArgumentException("bad network faults " + lossProbability + ", " + duplicateProbability);
        }
    }
}
