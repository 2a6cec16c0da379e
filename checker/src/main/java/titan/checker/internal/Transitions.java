package titan.checker.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import titan.checker.Model;
import titan.checker.Step;
import titan.checker.history.Operation;

/**
 * The model of one partition, turned into integers: states are interned to dense ids, and every
 * answer of {@link Model#step} is memoized by (state id, operation index). The search then never
 * boxes, hashes a model state or calls the model twice for the same question. The answers for the
 * first {@value #DENSE_STATES} states sit in plain arrays, one row per state indexed by operation,
 * so a register's search (a handful of states) reads one int per step; other states go through a
 * primitive hash table. Not thread-safe: one per search.
 * <p>Everything it holds is reserved from the {@link MemoryBudget} first, the interned states
 * included (their size estimated by {@link #stateBytes}): a kv key whose appends make a new,
 * longer string at every step grows this table, not the search's cache. When the budget refuses,
 * {@link #outOfMemory()} turns true and the step answers {@link #ILLEGAL}; the walk must then stop
 * with UNKNOWN rather than trust that answer.
 */
final class Transitions<S> {
    static final int ILLEGAL = -1;

    private static final int MEMO_ENTRY_BYTES = 8 + 4;
    /** A state's entry in the intern map and list, beside the state itself. */
    private static final int INTERN_ENTRY_BYTES = 64;
    /** States with ids below this get a dense row of answers. */
    private static final int DENSE_STATES = 32;

    private final Model<S> model;
    private final List<Operation> operations;
    private final boolean[] readOnly;
    private final List<S> states = new ArrayList<>();
    private final Map<S, Integer> stateIds = new HashMap<>();
    private final MemoryBudget budget;
    private long reservedBytes;

    private long[] memoKeys = new long[64];  // ((state << 32) | op) + 1, or 0 for empty
    private int[] memoValues = new int[64];
    private int memoSize;
    /** Per state id below DENSE_STATES: next state + 2 by operation, 0 while not asked (null: no row yet). */
    private final int[][] rows = new int[DENSE_STATES][];
    /** Set when the memory budget refused a row: from then on every state uses the hash table. */
    private boolean rowsRefused;
    private boolean outOfMemory;

    Transitions(Model<S> model, List<Operation> operations, MemoryBudget budget) {
        this.model = model;
        this.operations = operations;
        this.budget = budget;
        readOnly = new boolean[operations.size()];
        for (int op = 0; op < readOnly.length; op++) {
            readOnly[op] = model.isReadOnly(operations.get(op));
        }
    }

    /** What {@link Model#isReadOnly} says of operation {@code op}; checked on every state it is tried in. */
    boolean readOnly(int op) {
        return readOnly[op];
    }

    int initial() {
        return intern(model.init());
    }

    /** How many distinct states are interned; their ids are 0 to this minus one. */
    int stateCount() {
        return states.size();
    }

    S state(int id) {
        return states.get(id);
    }

    /** The state id after operation {@code op} (an index into the partition) in {@code state}, or {@link #ILLEGAL}. */
    int step(int state, int op) {
        if (state < DENSE_STATES) {
            int[] row = rows[state];
            if (row != null || (row = newRow(state)) != null) {
                int known = row[op];
                if (known != 0) {
                    return known - 2;
                }
                int next = compute(state, op);
                row[op] = next + 2;
                return next;
            }
        }
        long key = (((long) state << 32) | op) + 1;
        int mask = memoKeys.length - 1;
        int slot = (int) LinearizedSet.mix(key) & mask;
        while (true) {
            long found = memoKeys[slot];
            if (found == key) {
                return memoValues[slot];
            }
            if (found == 0) {
                break;
            }
            slot = (slot + 1) & mask;
        }
        int next = compute(state, op);
        remember(key, next, slot);
        return next;
    }

    private int[] newRow(int state) {
        long bytes = 4L * operations.size() + 16;
        if (rowsRefused || !budget.reserve(bytes)) {
            rowsRefused = true;
            return null;
        }
        reservedBytes += bytes;
        rows[state] = new int[operations.size()];
        return rows[state];
    }

    private int compute(int state, int op) {
        Step<S> step = model.step(states.get(state), operations.get(op));
        if (step instanceof Step.Legal<S> legal) {
            int next = intern(legal.state());
            if (next == ILLEGAL) {
                return ILLEGAL;
            }
            if (readOnly[op] && next != state) {
                // The search relies on this promise (it tries no other order for such an operation).
                throw new IllegalStateException("model " + model.name() + " says " + operations.get(op).describe()
                        + " is read-only, but it changes " + model.describe(states.get(state)) + " to "
                        + model.describe(legal.state()));
            }
            return next;
        }
        return ILLEGAL;
    }

    private void remember(long key, int next, int slot) {
        if ((memoSize + 1) * 2 > memoKeys.length) {
            // Without memory for a bigger table, start over in the same one: slower, still correct.
            if (budget.reserve((long) memoKeys.length * MEMO_ENTRY_BYTES)) {
                reservedBytes += (long) memoKeys.length * MEMO_ENTRY_BYTES;
                growMemo();
            } else {
                java.util.Arrays.fill(memoKeys, 0);
                memoSize = 0;
            }
            int mask = memoKeys.length - 1;
            slot = (int) LinearizedSet.mix(key) & mask;
            while (memoKeys[slot] != 0) {
                slot = (slot + 1) & mask;
            }
        }
        memoKeys[slot] = key;
        memoValues[slot] = next;
        memoSize++;
    }

    private void growMemo() {
        long[] oldKeys = memoKeys;
        int[] oldValues = memoValues;
        memoKeys = new long[oldKeys.length * 2];
        memoValues = new int[oldKeys.length * 2];
        int mask = memoKeys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                int slot = (int) LinearizedSet.mix(oldKeys[i]) & mask;
                while (memoKeys[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                memoKeys[slot] = oldKeys[i];
                memoValues[slot] = oldValues[i];
            }
        }
    }

    private int intern(S state) {
        Integer id = stateIds.get(state);
        if (id == null) {
            long bytes = INTERN_ENTRY_BYTES + stateBytes(state, 0);
            if (!budget.reserve(bytes)) {
                outOfMemory = true;
                return ILLEGAL;
            }
            reservedBytes += bytes;
            id = states.size();
            states.add(state);
            stateIds.put(state, id);
        }
        return id;
    }

    /** Whether the memory budget refused a state: answers since then may be wrong, so stop. */
    boolean outOfMemory() {
        return outOfMemory;
    }

    /**
     * A generous estimate of the heap a state holds: strings at two bytes a character, collections
     * element by element (a few levels deep), anything else as one small object.
     */
    static long stateBytes(Object state, int depth) {
        if (state == null) {
            return 0;
        }
        if (state instanceof String s) {
            return 48 + 2L * s.length();
        }
        if (depth > 3) {
            return 32;
        }
        if (state instanceof java.util.Collection<?> items) {
            long bytes = 32 + 8L * items.size();
            for (Object item : items) {
                bytes += stateBytes(item, depth + 1);
            }
            return bytes;
        }
        if (state instanceof Map<?, ?> map) {
            long bytes = 48 + 40L * map.size();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                bytes += stateBytes(entry.getKey(), depth + 1) + stateBytes(entry.getValue(), depth + 1);
            }
            return bytes;
        }
        return 32;
    }

    void release() {
        budget.release(reservedBytes);
        reservedBytes = 0;
    }
}
