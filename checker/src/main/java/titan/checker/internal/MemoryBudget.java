package titan.checker.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes the searches of one check may still allocate for their caches, shared by all partitions.
 * A search reserves before it grows a table and gives everything back when it ends, so a bound
 * hit becomes an UNKNOWN verdict long before the heap runs out.
 */
public final class MemoryBudget {
    private final long bytesMax;
    private final AtomicLong bytesFree;

    public MemoryBudget(long bytesMax) {
        this.bytesMax = bytesMax;
        this.bytesFree = new AtomicLong(bytesMax);
    }

    /** Takes {@code bytes} if that many are free; returns false (taking nothing) otherwise. */
    public boolean reserve(long bytes) {
        while (true) {
            long free = bytesFree.get();
            if (free < bytes) {
                return false;
            }
            if (bytesFree.compareAndSet(free, free - bytes)) {
                return true;
            }
        }
    }

    public void release(long bytes) {
        bytesFree.addAndGet(bytes);
    }

    public long bytesMax() {
        return bytesMax;
    }
}
