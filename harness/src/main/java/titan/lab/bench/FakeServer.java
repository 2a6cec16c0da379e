package titan.lab.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A model of a server for testing the load generator: {@code capacity} requests are served at once,
 * each for {@code serviceNanos}, first come first served; during a stall (a GC pause, a slow fsync,
 * a lost leader) nothing is served and requests queue. Completion times follow from arrival times
 * alone, so the same arrivals give the same completions. Thread-safe.
 */
public final class FakeServer {
    private final long serviceNanos;
    private final PriorityQueue<Long> freeAt = new PriorityQueue<>();
    private final List<long[]> stalls = new ArrayList<>();

    public FakeServer(int capacity, long serviceNanos) {
        if (capacity < 1 || serviceNanos < 0) {
            throw new IllegalArgumentException("capacity must be at least 1 and the service time non-negative");
        }
        this.serviceNanos = serviceNanos;
        for (int i = 0; i < capacity; i++) {
            freeAt.add(Long.MIN_VALUE);
        }
    }

    /** Serves nothing from {@code fromNanos} (inclusive) to {@code toNanos} (exclusive). */
    public synchronized FakeServer stall(long fromNanos, long toNanos) {
        stalls.add(new long[] {fromNanos, toNanos});
        return this;
    }

    /** When a request arriving at {@code arrivalNanos} completes. Arrivals must come in time order. */
    public synchronized long complete(long arrivalNanos) {
        long start = Math.max(arrivalNanos, freeAt.poll());
        boolean moved = true;
        while (moved) {
            moved = false;
            for (long[] s : stalls) {
                if (start >= s[0] && start < s[1]) {
                    start = s[1];
                    moved = true;
                }
            }
        }
        long done = start + serviceNanos;
        freeAt.add(done);
        return done;
    }
}
