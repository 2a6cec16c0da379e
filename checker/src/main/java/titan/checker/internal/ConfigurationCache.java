package titan.checker.internal;

import java.util.Arrays;

/**
 * Lowe's memoization ("Testing for linearizability", §4; also "Wing and Gong's algorithm with
 * caching" in Horn &amp; Kroening §2): the configurations (linearized set, model state) the search
 * has already reached. Reaching one again cannot lead anywhere new, because what remains to be done
 * depends only on which operations are linearized and the state they left.
 * <p>Open addressing over primitive arrays, with the sets' canonical windows packed into one
 * {@code long[]} arena: no object per entry, so millions of entries cost tens of bytes each, and
 * every growth is paid for from the {@link MemoryBudget} first. A slot holds the full 64-bit hash
 * beside the entry index, so a probe that misses touches one cache line. Entries are compared in
 * full (window, unknown-outcome words and state), never by hash alone, so a hash collision cannot
 * prune a branch wrongly.
 */
final class ConfigurationCache {
    enum Added { NEW, SEEN, OUT_OF_MEMORY }

    /** Two longs of metadata per entry, and two longs of table per entry at half load. */
    private static final int ENTRY_BYTES = 16 + 32;
    private static final int INITIAL_ENTRIES = 16;

    private final MemoryBudget budget;
    private long reservedBytes;

    private long[] table;  // per slot: [hash, entry index + 1 (0: empty)]
    private long[] meta;   // per entry: [(arena offset << 32) | state, (low word << 32) | window length]
    private int size;
    private long[] arena;  // per entry: its window words, then its unknown-outcome words
    private int arenaUsed;

    ConfigurationCache(MemoryBudget budget) {
        this.budget = budget;
    }

    /** Adds (set, state) unless present. The budget is checked only when a table must grow. */
    Added add(LinearizedSet set, int state) {
        if (table == null && !allocate()) {
            return Added.OUT_OF_MEMORY;
        }
        long hash = configurationHash(set.hash(), state);
        int slot = find(hash, set, state, false);
        if (slot >= 0) {
            return Added.SEEN;
        }
        int length = set.windowLength();
        long[] words = set.words();
        int pendingFrom = set.pendingFromWord();
        int pendingLength = words.length - pendingFrom;
        if (!ensureRoom(length + pendingLength)) {
            return Added.OUT_OF_MEMORY;
        }
        slot = -slot - 1;
        if ((size + 1) * 2 > table.length / 2) {
            rehash();
            slot = emptySlot(hash);
        }
        int low = set.lowWord();
        meta[2 * size] = ((long) arenaUsed << 32) | (state & 0xFFFFFFFFL);
        meta[2 * size + 1] = ((long) low << 32) | length;
        System.arraycopy(words, low, arena, arenaUsed, length);
        System.arraycopy(words, pendingFrom, arena, arenaUsed + length, pendingLength);
        arenaUsed += length + pendingLength;
        table[2 * slot] = hash;
        table[2 * slot + 1] = ++size;
        return Added.NEW;
    }

    /** Whether the cache holds exactly (set, state). */
    boolean contains(LinearizedSet set, int state) {
        return table != null && find(configurationHash(set.hash(), state), set, state, false) >= 0;
    }

    /**
     * Whether the cache holds this set minus its unknown-outcome operations, with {@code state}.
     * Such a configuration dominates the given one (see {@link PartitionSearch}).
     */
    boolean containsWithoutPending(LinearizedSet set, int state) {
        return table != null && find(configurationHash(set.completedHash(), state), set, state, true) >= 0;
    }

    /**
     * The slot holding (set, state), or {@code -(empty slot) - 1} when absent. With
     * {@code withoutPending}, the entry's unknown-outcome words must be zero instead of equal.
     */
    private int find(long hash, LinearizedSet set, int state, boolean withoutPending) {
        int low = set.lowWord();
        int length = set.windowLength();
        long[] words = set.words();
        int pendingFrom = set.pendingFromWord();
        int mask = (table.length >>> 1) - 1;
        int slot = (int) hash & mask;
        while (true) {
            long entryPlusOne = table[2 * slot + 1];
            if (entryPlusOne == 0) {
                return -slot - 1;
            }
            if (table[2 * slot] == hash) {
                int entry = (int) entryPlusOne - 1;
                long first = meta[2 * entry];
                long second = meta[2 * entry + 1];
                if ((int) first == state && second == (((long) low << 32) | length)) {
                    int offset = (int) (first >>> 32);
                    if (Arrays.equals(arena, offset, offset + length, words, low, low + length)
                            && pendingMatches(offset + length, words, pendingFrom, withoutPending)) {
                        return slot;
                    }
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    private boolean pendingMatches(int offset, long[] words, int pendingFrom, boolean withoutPending) {
        int pendingLength = words.length - pendingFrom;
        if (!withoutPending) {
            return Arrays.equals(arena, offset, offset + pendingLength, words, pendingFrom, words.length);
        }
        for (int i = offset; i < offset + pendingLength; i++) {
            if (arena[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static long configurationHash(long setHash, int state) {
        return LinearizedSet.mix(setHash ^ ((state + 1L) * 0x9E3779B97F4A7C15L));
    }

    int size() {
        return size;
    }

    /** Gives the memory back to the budget; the cache must not be used afterwards. */
    void release() {
        budget.release(reservedBytes);
        reservedBytes = 0;
        table = null;
        meta = null;
        arena = null;
    }

    private boolean allocate() {
        if (!reserve((long) INITIAL_ENTRIES * ENTRY_BYTES + 32L * 8)) {
            return false;
        }
        table = new long[4 * INITIAL_ENTRIES];
        meta = new long[2 * INITIAL_ENTRIES];
        arena = new long[32];
        return true;
    }

    private boolean ensureRoom(int length) {
        if (2 * size == meta.length) {
            // The table doubles with the entries (rehash), so reserve for both at once.
            if (!reserve((long) size * ENTRY_BYTES)) {
                return false;
            }
            meta = Arrays.copyOf(meta, meta.length * 2);
        }
        if (arenaUsed + length > arena.length) {
            long grown = Math.max((long) arena.length * 2, (long) arenaUsed + length);
            if (grown > Integer.MAX_VALUE - 8 || !reserve((grown - arena.length) * 8)) {
                return false;
            }
            arena = Arrays.copyOf(arena, (int) grown);
        }
        return true;
    }

    private void rehash() {
        long[] old = table;
        table = new long[old.length * 2];
        for (int slot = 0; slot < old.length / 2; slot++) {
            if (old[2 * slot + 1] != 0) {
                int target = emptySlot(old[2 * slot]);
                table[2 * target] = old[2 * slot];
                table[2 * target + 1] = old[2 * slot + 1];
            }
        }
    }

    private int emptySlot(long hash) {
        int mask = (table.length >>> 1) - 1;
        int slot = (int) hash & mask;
        while (table[2 * slot + 1] != 0) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private boolean reserve(long bytes) {
        if (!budget.reserve(bytes)) {
            return false;
        }
        reservedBytes += bytes;
        return true;
    }
}
