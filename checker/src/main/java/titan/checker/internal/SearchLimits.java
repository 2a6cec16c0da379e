package titan.checker.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * When the searches of one check must stop: a deadline on an injected clock, a shared memory
 * budget, and a cancel flag raised when some partition is found invalid (one invalid partition
 * decides the whole history, so the others need not finish).
 */
public final class SearchLimits {
    private final LongSupplier clockNanos;
    private final Duration timeout;
    private final long deadlineNanos;
    private final MemoryBudget budget;
    private final AtomicBoolean cancelled = new AtomicBoolean();

    public SearchLimits(LongSupplier clockNanos, Duration timeout, MemoryBudget budget) {
        this.clockNanos = clockNanos;
        this.timeout = timeout;
        this.deadlineNanos = timeout == null ? 0 : clockNanos.getAsLong() + timeout.toNanos();
        this.budget = budget;
    }

    public MemoryBudget budget() {
        return budget;
    }

    public long nowNanos() {
        return clockNanos.getAsLong();
    }

    public void cancel() {
        cancelled.set(true);
    }

    public boolean isCancelled() {
        return cancelled.get();
    }

    /** Why the search must stop now, or null to go on. Reads the clock: call it every few thousand steps. */
    public String stopReason() {
        if (cancelled.get()) {
            return "cancelled: another partition is not linearizable";
        }
        // Subtract before comparing: nanoTime values may wrap, their differences do not.
        if (timeout != null && clockNanos.getAsLong() - deadlineNanos >= 0) {
            return "deadline of " + timeout.toMillis() + " ms passed";
        }
        return null;
    }

    public String memoryReason() {
        return "memory bound of " + (budget.bytesMax() >> 20) + " MiB for the search (states, caches, stacks) reached";
    }
}
