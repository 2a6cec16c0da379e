package titan.raft;

/**
 * The appends sent to one follower and not yet acknowledged, bounded both in count and in bytes.
 * A ring of (last index, bytes) pairs in send order; acknowledgements free a prefix.
 */
final class Inflights {
    private final long[] lastIndexes;
    private final long[] sizes;
    private final long bytesMax;
    private int start;
    private int count;
    private long bytes;

    Inflights(int countMax, long bytesMax) {
        this.lastIndexes = new long[countMax];
        this.sizes = new long[countMax];
        this.bytesMax = bytesMax;
    }

    boolean full() {
        return count == lastIndexes.length || bytes >= bytesMax;
    }

    int count() {
        return count;
    }

    long bytes() {
        return bytes;
    }

    void add(long lastIndex, long sizeBytes) {
        Invariants.check(count < lastIndexes.length, "inflights overflow");
        int at = (start + count) % lastIndexes.length;
        lastIndexes[at] = lastIndex;
        sizes[at] = sizeBytes;
        count++;
        bytes += sizeBytes;
    }

    /** Frees every append whose last index is at or below {@code index}. */
    void freeUpTo(long index) {
        while (count > 0 && lastIndexes[start] <= index) {
            bytes -= sizes[start];
            start = (start + 1) % lastIndexes.length;
            count--;
        }
    }

    void reset() {
        start = 0;
        count = 0;
        bytes = 0;
    }
}
