package titan.checker.internal;

import java.util.Arrays;

/**
 * Lowe's memoization ("Testing for linearizability", §4; also "Wing and Gong's algorithm with
 * caching" in Horn &amp; Kroening §2): the configurations (linearized set, model state) the search
 * has already reached. Reaching one again cannot lead anywhere new, because what remains to be done
 * depends only on which operations are linearized and the state they left.
 * <p>Open addressing over primitive arrays, with the sets' canonical windows packed into one
 * {@code long[]} arena: no object per entry, so millions of entries cost tens of bytes each, and
 * every growth is paid for from the {@link MemoryBudget} first. Entries are compared in full (window
 * and state), never by hash alone, so a hash collision cannot prune a branch wrongly.
 */
final class ConfigurationCache {
    enum Added { NEW, SEEN, OUT_OF_MEMORY }

    private static final int ENTRY_BYTES = 8 + 4 + 4 + 4 + 4;

    private final MemoryBudget budget;
    private long reservedBytes;

    private int[] slots;          // entry index + 1, or 0 for empty
    private long[] hashes;
    private int[] states;
    private int[] offsets;        // into arena
    private int[] lows;
    private int[] lengths;
    private int size;
    private long[] arena;
    private int arenaUsed;

    ConfigurationCache(MemoryBudget budget) {
        this.budget = budget;
    }

    /** Adds (set, state) unless present. The budget is checked only when a table must grow. */
    Added add(LinearizedSet set, int state) {
        if (slots == null && !allocate()) {
            return Added.OUT_OF_MEMORY;
        }
        long hash = configurationHash(set.hash(), state);
        int low = set.lowWord();
        int length = set.windowLength();
        long[] words = set.words();
        int pendingFrom = set.pendingFromWord();
        int pendingLength = words.length - pendingFrom;
        int mask = slots.length - 1;
        int slot = (int) hash & mask;
        while (true) {
            int entry = slots[slot] - 1;
            if (entry < 0) {
                break;
            }
            if (hashes[entry] == hash && states[entry] == state && lows[entry] == low && lengths[entry] == length
                    && Arrays.equals(arena, offsets[entry], offsets[entry] + length, words, low, low + length)
                    && Arrays.equals(arena, offsets[entry] + length, offsets[entry] + length + pendingLength,
                            words, pendingFrom, words.length)) {
                return Added.SEEN;
            }
            slot = (slot + 1) & mask;
        }
        if (!ensureRoom(length + pendingLength)) {
            return Added.OUT_OF_MEMORY;
        }
        if ((size + 1) * 2 > slots.length) {
            rehash();
            mask = slots.length - 1;
            slot = (int) hash & mask;
            while (slots[slot] != 0) {
                slot = (slot + 1) & mask;
            }
        }
        hashes[size] = hash;
        states[size] = state;
        offsets[size] = arenaUsed;
        lows[size] = low;
        lengths[size] = length;
        System.arraycopy(words, low, arena, arenaUsed, length);
        System.arraycopy(words, pendingFrom, arena, arenaUsed + length, pendingLength);
        arenaUsed += length + pendingLength;
        slots[slot] = ++size;
        return Added.NEW;
    }

    /** Whether the cache holds exactly (set, state). */
    boolean contains(LinearizedSet set, int state) {
        if (slots == null) {
            return false;
        }
        long hash = configurationHash(set.hash(), state);
        int low = set.lowWord();
        int length = set.windowLength();
        long[] words = set.words();
        int pendingFrom = set.pendingFromWord();
        int pendingLength = words.length - pendingFrom;
        int mask = slots.length - 1;
        int slot = (int) hash & mask;
        while (true) {
            int entry = slots[slot] - 1;
            if (entry < 0) {
                return false;
            }
            if (hashes[entry] == hash && states[entry] == state && lows[entry] == low && lengths[entry] == length
                    && Arrays.equals(arena, offsets[entry], offsets[entry] + length, words, low, low + length)
                    && Arrays.equals(arena, offsets[entry] + length, offsets[entry] + length + pendingLength,
                            words, pendingFrom, words.length)) {
                return true;
            }
            slot = (slot + 1) & mask;
        }
    }

    /**
     * Whether the cache holds this set minus its unknown-outcome operations, with {@code state}.
     * Such a configuration dominates the given one (see {@link PartitionSearch}).
     */
    boolean containsWithoutPending(LinearizedSet set, int state) {
        if (slots == null) {
            return false;
        }
        long hash = configurationHash(set.completedHash(), state);
        int low = set.lowWord();
        int length = set.windowLength();
        long[] words = set.words();
        int pendingLength = words.length - set.pendingFromWord();
        int mask = slots.length - 1;
        int slot = (int) hash & mask;
        while (true) {
            int entry = slots[slot] - 1;
            if (entry < 0) {
                return false;
            }
            if (hashes[entry] == hash && states[entry] == state && lows[entry] == low && lengths[entry] == length
                    && Arrays.equals(arena, offsets[entry], offsets[entry] + length, words, low, low + length)
                    && allZero(offsets[entry] + length, pendingLength)) {
                return true;
            }
            slot = (slot + 1) & mask;
        }
    }

    private boolean allZero(int from, int length) {
        for (int i = from; i < from + length; i++) {
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
        slots = null;
        hashes = null;
        states = null;
        offsets = null;
        lows = null;
        lengths = null;
        arena = null;
    }

    private boolean allocate() {
        int entries = 16;
        if (!reserve(32L * 4 + (long) entries * ENTRY_BYTES + 32L * 8)) {
            return false;
        }
        slots = new int[32];
        hashes = new long[entries];
        states = new int[entries];
        offsets = new int[entries];
        lows = new int[entries];
        lengths = new int[entries];
        arena = new long[32];
        return true;
    }

    private boolean ensureRoom(int length) {
        if (size == hashes.length) {
            int entries = hashes.length * 2;
            // The table doubles with the entries, so reserve for both at once.
            if (!reserve((long) hashes.length * ENTRY_BYTES + (long) slots.length * 4)) {
                return false;
            }
            hashes = Arrays.copyOf(hashes, entries);
            states = Arrays.copyOf(states, entries);
            offsets = Arrays.copyOf(offsets, entries);
            lows = Arrays.copyOf(lows, entries);
            lengths = Arrays.copyOf(lengths, entries);
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
        int[] grown = new int[slots.length * 2];
        int mask = grown.length - 1;
        for (int entry = 0; entry < size; entry++) {
            int slot = (int) hashes[entry] & mask;
            while (grown[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            grown[slot] = entry + 1;
        }
        slots = grown;
    }

    private boolean reserve(long bytes) {
        if (!budget.reserve(bytes)) {
            return false;
        }
        reservedBytes += bytes;
        return true;
    }
}
