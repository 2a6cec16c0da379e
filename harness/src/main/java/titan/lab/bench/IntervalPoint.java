package titan.lab.bench;

/**
 * One interval of a phase (one second by default): when it was, relative to the end of the
 * warm-up, how many requests completed in it, and their latency percentiles in milliseconds.
 */
public record IntervalPoint(double startSeconds, double endSeconds, long count, double p50Millis,
                            double p99Millis, double maxMillis) {
    public double throughputPerSecond() {
        double length = endSeconds - startSeconds;
        return length > 0 ? count / length : 0;
    }
}
