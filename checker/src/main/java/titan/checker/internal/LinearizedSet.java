package titan.checker.internal;

/**
 * The set of operations linearized so far, as a bitset with an incrementally maintained hash.
 * <p>The hash is Zobrist's: the XOR of a fixed random key per member, so adding or removing an
 * operation costs O(1) rather than rehashing the whole set, which matters because Lowe's cache
 * (Lowe, "Testing for linearizability", §4) is probed on every step of the search.
 * <p>The set also tracks its canonical window: {@code lowWord} is the first word that is not
 * full and {@code highWord} the last word that is not empty. Words before the window are all ones
 * and after it all zeros, so two sets are equal exactly when their windows are. Since a search
 * linearizes operations roughly in call order, the window stays short even for long histories,
 * and the cache stores only the window.
 */
final class LinearizedSet {
    private final long[] words;
    private final long[] keys;
    private final long lastWordMask;
    private long hash;
    private int lowWord;
    private int highWord = -1;

    LinearizedSet(int size) {
        words = new long[(size + 63) >>> 6];
        keys = new long[size];
        long seed = 0x5DEECE66DL;
        for (int i = 0; i < size; i++) {
            seed += 0x9E3779B97F4A7C15L;
            keys[i] = mix(seed);
        }
        int tail = size & 63;
        lastWordMask = tail == 0 ? -1L : (1L << tail) - 1;
    }

    /** SplitMix64's finalizer: a cheap, well-spread 64-bit mix. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    void add(int op) {
        int w = op >>> 6;
        words[w] |= 1L << op;
        hash ^= keys[op];
        if (w > highWord) {
            highWord = w;
        }
        while (lowWord < words.length && words[lowWord] == fullMask(lowWord)) {
            lowWord++;
        }
    }

    void remove(int op) {
        int w = op >>> 6;
        words[w] &= ~(1L << op);
        hash ^= keys[op];
        if (w < lowWord) {
            lowWord = w;
        }
        while (highWord >= 0 && words[highWord] == 0) {
            highWord--;
        }
    }

    boolean contains(int op) {
        return (words[op >>> 6] & (1L << op)) != 0;
    }

    private long fullMask(int w) {
        return w == words.length - 1 ? lastWordMask : -1L;
    }

    long hash() {
        return hash;
    }

    int lowWord() {
        return lowWord;
    }

    int windowLength() {
        return Math.max(0, highWord - lowWord + 1);
    }

    long[] words() {
        return words;
    }
}
