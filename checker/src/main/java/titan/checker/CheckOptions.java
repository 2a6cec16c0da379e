package titan.checker;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * How a check may spend time and memory.
 *
 * @param timeout        the deadline for the whole check, or null for none; when it passes the
 *                       verdict is UNKNOWN
 * @param memoryBytesMax a bound on the estimated bytes the search holds (interned model states, caches,
 *                       stacks), shared by all
 *                       partitions; when it is reached the verdict is UNKNOWN instead of an
 *                       OutOfMemoryError
 * @param failedCas      what a failed cas means; Jepsen's {@link FailedCas#DID_NOT_HAPPEN} by default
 * @param parallelism    how many partitions to search at once (threads, including the caller's)
 * @param clockNanos     a monotonic clock in nanoseconds; the only clock the checker reads, so tests
 *                       can pass a fake one
 */
public record CheckOptions(Duration timeout, long memoryBytesMax, FailedCas failedCas, int parallelism,
                           LongSupplier clockNanos) {
    public CheckOptions {
        Objects.requireNonNull(failedCas, "failedCas");
        Objects.requireNonNull(clockNanos, "clockNanos");
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive, or null for none: " + timeout);
        }
        if (memoryBytesMax <= 0 || parallelism <= 0) {
            throw new IllegalArgumentException("memoryBytesMax and parallelism must be positive");
        }
    }

    /**
     * One minute, half the JVM's heap, Jepsen's failed-cas rule, every core, the system's monotonic
     * clock (the one clock read in this module).
     */
    public static CheckOptions defaults() {
        return new CheckOptions(Duration.ofMinutes(1), Runtime.getRuntime().maxMemory() / 2, FailedCas.DID_NOT_HAPPEN,
                Runtime.getRuntime().availableProcessors(), System::nanoTime);
    }

    public CheckOptions withTimeout(Duration newTimeout) {
        return new CheckOptions(newTimeout, memoryBytesMax, failedCas, parallelism, clockNanos);
    }

    public CheckOptions withMemoryBytesMax(long newMemoryBytesMax) {
        return new CheckOptions(timeout, newMemoryBytesMax, failedCas, parallelism, clockNanos);
    }

    public CheckOptions withFailedCas(FailedCas newFailedCas) {
        return new CheckOptions(timeout, memoryBytesMax, newFailedCas, parallelism, clockNanos);
    }

    public CheckOptions withParallelism(int newParallelism) {
        return new CheckOptions(timeout, memoryBytesMax, failedCas, newParallelism, clockNanos);
    }

    public CheckOptions withClockNanos(LongSupplier newClockNanos) {
        return new CheckOptions(timeout, memoryBytesMax, failedCas, parallelism, newClockNanos);
    }
}
