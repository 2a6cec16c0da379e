package titan.lab.runtime;

/**
 * How one directed peer link misbehaves while it is not cut. Every chunk of bytes is held for
 * {@code delayMicros} plus an exponential jitter with mean {@code jitterMicros} (the stream's order
 * is kept: TCP cannot reorder); with {@code dropProbability} a chunk closes its connection instead
 * (TCP cannot lose one message, so a flaky link drops connections and the transport reconnects);
 * {@code bytesPerSecond > 0} throttles the link.
 */
public record LinkFaults(long delayMicros, long jitterMicros, double dropProbability, long bytesPerSecond) {
    public static final LinkFaults HEALTHY = new LinkFaults(0, 0, 0, 0);

    public LinkFaults {
        if (delayMicros < 0 || jitterMicros < 0 || dropProbability < 0 || dropProbability > 1 || bytesPerSecond < 0) {
            throw new IllegalArgumentException("bad link faults: delay " + delayMicros + " us, jitter " + jitterMicros
                    + " us, drop " + dropProbability + ", " + bytesPerSecond + " B/s");
        }
    }
}
