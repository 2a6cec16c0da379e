package titan.checker.internal;

/**
 * The set of operations linearized so far, as a bitset with an incrementally maintained hash.
 * <p>The hash is Zobrist's: the XOR of a fixed random key per member, so adding or removing an
 * operation costs O(1) rather than rehashing the whole set, which matters because Lowe's cache
 * (Lowe, "Testing for linearizability", §4) is probed on every step of the search.
 * <p>Bits are in two regions. Completed operations (those with a return) come first, in call
 * order; the search linearizes them roughly in that order, so this region is all ones up to a
 * frontier and all zeros a little after it. The region is tracked by its window: {@code lowWord}
 * is its first word that is not full, {@code highWord} its last word that is not empty, and only
 * the window is stored in the cache. Operations with an unknown outcome get the last words: they
 * may stay unlinearized forever, and if they were mixed in with the others they would pin the
 * window's start and make every cached set as long as the history.
 * Two sets are equal exactly when their windows and their unknown-outcome words are.
 */
final class LinearizedSet {
    private final long[] words;
    private final long[] keys;
    private final int[] bitOf;
    private final int completedWords;
    private final long lastCompletedWordMask;
    private long completedHash;
    private long pendingHash;
    private final int[] pendingMembers;
    private int pendingLinearized;
    private int lowWord;
    private int highWord = -1;

    /**
     * @param completed for each operation, whether it has a return (it goes in the first region)
     */
    LinearizedSet(boolean[] completed) {
        int n = completed.length;
        int completedCount = 0;
        for (boolean c : completed) {
            completedCount += c ? 1 : 0;
        }
        completedWords = (completedCount + 63) >>> 6;
        int pendingCount = n - completedCount;
        words = new long[completedWords + ((pendingCount + 63) >>> 6)];
        bitOf = new int[n];
        int nextCompleted = 0;
        int nextPending = completedWords * 64;
        for (int op = 0; op < n; op++) {
            bitOf[op] = completed[op] ? nextCompleted++ : nextPending++;
        }
        pendingMembers = new int[pendingCount];
        keys = new long[n];
        long seed = 0x5DEECE66DL;
        for (int i = 0; i < n; i++) {
            seed += 0x9E3779B97F4A7C15L;
            keys[i] = mix(seed);
        }
        int tail = completedCount & 63;
        lastCompletedWordMask = tail == 0 ? -1L : (1L << tail) - 1;
    }

    /** SplitMix64's finalizer: a cheap, well-spread 64-bit mix. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    void add(int op) {
        int bit = bitOf[op];
        int w = bit >>> 6;
        words[w] |= 1L << bit;
        if (w >= completedWords) {
            pendingHash ^= keys[op];
            pendingMembers[pendingLinearized++] = op;
            return;
        }
        completedHash ^= keys[op];
        if (w > highWord) {
            highWord = w;
        }
        while (lowWord < completedWords && words[lowWord] == fullMask(lowWord)) {
            lowWord++;
        }
    }

    void remove(int op) {
        int bit = bitOf[op];
        int w = bit >>> 6;
        words[w] &= ~(1L << bit);
        if (w >= completedWords) {
            pendingHash ^= keys[op];
            for (int i = 0; i < pendingLinearized; i++) {
                if (pendingMembers[i] == op) {
                    pendingMembers[i] = pendingMembers[--pendingLinearized];
                    break;
                }
            }
            return;
        }
        completedHash ^= keys[op];
        if (w < lowWord) {
            lowWord = w;
        }
        while (highWord >= 0 && words[highWord] == 0) {
            highWord--;
        }
    }

    private long fullMask(int w) {
        return w == completedWords - 1 ? lastCompletedWordMask : -1L;
    }

    long hash() {
        return completedHash ^ pendingHash;
    }

    /** The hash the same set would have without its unknown-outcome operations. */
    long completedHash() {
        return completedHash;
    }

    /** How many operations with an unknown outcome are in the set. */
    int pendingCount() {
        return pendingLinearized;
    }

    /** The {@code i}th unknown-outcome member, {@code i < pendingCount()}, in no particular order. */
    int pendingMember(int i) {
        return pendingMembers[i];
    }

    /** Whether any operation with an unknown outcome is in the set. */
    boolean hasPending() {
        return pendingLinearized > 0;
    }

    int lowWord() {
        return lowWord;
    }

    int windowLength() {
        return Math.max(0, highWord - lowWord + 1);
    }

    /** The first word of the unknown-outcome region; it runs to the end of {@link #words()}. */
    int pendingFromWord() {
        return completedWords;
    }

    long[] words() {
        return words;
    }
}
