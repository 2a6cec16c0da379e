package titan.checker.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import titan.checker.Model;
import titan.checker.history.Operation;
import titan.checker.model.KvModel;

/**
 * A model-specific reduction for one key of the {@link KvModel} whose operations are reads, writes
 * and appends of <em>unique</em> values: Elle's insight for list-append (Kingsbury &amp; Alvaro,
 * "Elle: Inferring Isolation Anomalies from Experimental Observations", VLDB 2020, §4.1: when every
 * appended element is unique, a read of the list reveals the order of every append before it),
 * carried over to a string register that writes reset.
 * <h2>When it applies</h2>
 * Every operation of the partition is a read, a write or an append; every written value and every
 * appended element is a non-empty string; and together they form a prefix code (no one is a prefix
 * of another, which also makes them unique). The lab's {@code kv} workload appends {@code "<n>,"}
 * and writes unique values, so its keys qualify; any other key is searched without it.
 * <h2>Epochs</h2>
 * A state is a string (or null before the first write or append). Call its <em>epoch</em> the
 * write that began it (its value is the string's first token), or the initial epoch when there was
 * none. Because the tokens form a prefix code, a string's first token, hence its epoch, is
 * determined by the string alone, and so is the epoch of every OK read's value. Within an epoch the
 * state only grows (appends are non-empty); a write starts a new epoch, and since each write takes
 * effect at most once and its value is unique, a finished epoch never comes back.
 * <h2>The rule: configurations that cannot finish</h2>
 * Every completed read must be linearized in a state equal to its value, so inside its epoch, and
 * the reads of one epoch in order of length. Let R be the shortest read of epoch E not yet
 * linearized. A configuration in epoch E whose state is not a prefix of R's value can never
 * linearize R, and a configuration that leaves E (a write) while R remains cannot either; such a
 * configuration has no way to finish, so the search need not enter it. Dropping configurations
 * without a way to finish loses no linearization, and whether one is dead depends only on its
 * state and its set of linearized operations, so Lowe's cache stays sound. On concurrent appends
 * this is what Elle's insight buys: the next read fixes their order, and the wrong orders die at
 * their first wrong element instead of at the read.
 * <h2>Unknown operations nobody sees</h2>
 * An operation whose outcome is unknown may be left out. An unknown append into an epoch none of
 * whose reads remain, and an unknown write whose value no read returned, change only states no
 * remaining read can see until the next write erases them: a linearization that has one stays a
 * linearization without it. So the search never tries them (one more rewrite rule beside R0–R2' of
 * {@link PartitionSearch}: it removes an operation, so rewriting still ends). Without this rule a
 * few hundred info appends after a key's last read could be tried in every order.
 * <h2>Equivalent states</h2>
 * When no read of the current epoch remains, the rest of that epoch is invisible: appends stay
 * legal and change nothing anyone will read, and the next write erases the difference. Two states
 * of such an epoch with the same linearized set then have the same ways to finish, so the cache
 * keys them by the epoch alone ({@link #cacheState}); the orders of unread appends are explored
 * once, not once per permutation.
 * <p>Reads whose value starts with no known token (a value nobody wrote) are left out of the rule:
 * the ordinary search finds them illegal everywhere and explains the failure from its deepest point.
 * Not thread-safe: one per partition search, {@link #reset} before each walk.
 */
final class AppendEpochs {
    private static final int NOT_TRACKED = -1;

    private final Transitions<?> transitions;
    private final Map<String, Integer> epochByWriteValue;
    private final int[] writeValueLengths;
    private final java.util.Set<String> appendTokens;
    private final int[] appendTokenLengths;
    /** Per operation: 0 read, 1 write, 2 append. */
    private final byte[] kind;
    /** Per operation: whether its outcome is unknown (it may be left out). */
    private final boolean[] unknown;
    /** Per operation: the epoch of a completed read's value, or NOT_TRACKED. */
    private final int[] readEpoch;
    /** Per epoch: its tracked reads' values, shortest first (null reads as ""). */
    private final String[][] readsByEpoch;
    /** Per epoch: how many of its reads are linearized on the current path. */
    private final int[] linearizedReads;
    /** Per state id: its epoch + 1, or 0 while not computed. */
    private int[] stateEpoch = new int[64];

    private AppendEpochs(Transitions<?> transitions, List<Operation> operations, Map<String, Integer> epochByWriteValue,
                         int[] writeValueLengths, java.util.Set<String> appendTokens, byte[] kind) {
        this.transitions = transitions;
        this.epochByWriteValue = epochByWriteValue;
        this.writeValueLengths = writeValueLengths;
        this.appendTokens = appendTokens;
        this.appendTokenLengths = appendTokens.stream().mapToInt(String::length).distinct().sorted().toArray();
        this.kind = kind;
        int n = operations.size();
        readEpoch = new int[n];
        unknown = new boolean[n];
        List<List<String>> reads = new ArrayList<>();
        for (int e = 0; e <= epochByWriteValue.size(); e++) {
            reads.add(new ArrayList<>());
        }
        for (int op = 0; op < n; op++) {
            readEpoch[op] = NOT_TRACKED;
            Operation operation = operations.get(op);
            unknown[op] = operation.isUnknown();
            if (kind[op] == 0 && operation.isOk()) {
                String value = (String) operation.value();
                int epoch = value == null ? 0 : epochOfString(value, true);
                if (epoch != NOT_TRACKED) {
                    readEpoch[op] = epoch;
                    reads.get(epoch).add(value == null ? "" : value);
                }
            }
        }
        readsByEpoch = new String[reads.size()][];
        for (int e = 0; e < reads.size(); e++) {
            List<String> values = reads.get(e);
            values.sort(Comparator.comparingInt(String::length));
            readsByEpoch[e] = values.toArray(new String[0]);
        }
        linearizedReads = new int[reads.size()];
    }

    /**
     * The reduction for this partition, or null when it does not apply (another model, another
     * function, a value that is not a non-empty string, tokens that are not a prefix code).
     */
    static AppendEpochs forPartition(Model<?> model, List<Operation> operations, Transitions<?> transitions) {
        if (!(model instanceof KvModel)) {
            return null;
        }
        int n = operations.size();
        byte[] kind = new byte[n];
        List<String> tokens = new ArrayList<>();
        Map<String, Integer> epochByWriteValue = new HashMap<>();
        TreeSet<Integer> writeLengths = new TreeSet<>();
        java.util.Set<String> appendTokens = new java.util.HashSet<>();
        for (int op = 0; op < n; op++) {
            Operation operation = operations.get(op);
            switch (operation.f()) {
                case "read" -> {
                    kind[op] = 0;
                    if (operation.isOk() && operation.value() != null && !(operation.value() instanceof String)) {
                        return null;
                    }
                }
                case "write", "append" -> {
                    if (!(operation.value() instanceof String value) || value.isEmpty()) {
                        return null;
                    }
                    tokens.add(value);
                    if (operation.f().equals("write")) {
                        kind[op] = 1;
                        epochByWriteValue.put(value, epochByWriteValue.size() + 1);
                        writeLengths.add(value.length());
                    } else {
                        kind[op] = 2;
                        appendTokens.add(value);
                    }
                }
                default -> {
                    return null;
                }
            }
        }
        if (appendTokens.isEmpty() || !isPrefixCode(tokens)) {
            return null;
        }
        int[] lengths = writeLengths.stream().mapToInt(Integer::intValue).toArray();
        return new AppendEpochs(transitions, operations, epochByWriteValue, lengths, appendTokens, kind);
    }

    /**
     * The operations less the unknown-outcome ones no read can have seen, when the reduction applies:
     * an unknown append whose element is in no read's value, an unknown write whose value is in
     * none. A linearization with such an operation stays one without it (the class comment's rule for
     * unknown operations nobody sees: a read after it in its epoch would contain its element, or
     * start with its value), so the search need not carry it at every step. Read values are scanned
     * as plain text, so a match in the middle of another token only keeps an operation; the scan is
     * skipped (nothing dropped) when it would cost more than {@value #SCAN_CHARS_MAX} characters.
     */
    static List<Operation> withoutUnseenUnknowns(Model<?> model, List<Operation> operations) {
        List<Operation> unknowns = operations.stream().filter(Operation::isUnknown).toList();
        if (unknowns.isEmpty() || forPartition(model, operations, null) == null) {
            return operations;
        }
        java.util.Set<String> distinctReads = new java.util.LinkedHashSet<>();
        for (Operation op : operations) {
            if (op.f().equals("read") && op.isOk() && op.value() instanceof String value) {
                distinctReads.add(value);
            }
        }
        String seen = String.join("\n", distinctReads);
        if ((long) seen.length() * unknowns.size() > SCAN_CHARS_MAX) {
            return operations;
        }
        List<Operation> kept = new ArrayList<>(operations.size());
        for (Operation op : operations) {
            if (!op.isUnknown() || op.f().equals("read") || seen.contains((String) op.value())) {
                kept.add(op);
            }
        }
        return kept.size() == operations.size() ? operations : kept;
    }

    private static final long SCAN_CHARS_MAX = 200_000_000L;

    /** Whether no token is a prefix of another (equal tokens included): sorted, a prefix sits just before. */
    static boolean isPrefixCode(List<String> tokens) {
        String[] sorted = tokens.toArray(new String[0]);
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i].startsWith(sorted[i - 1])) {
                return false;
            }
        }
        return true;
    }

    /**
     * The epoch of a non-empty string: the write whose value is its first token, else the initial
     * epoch (0). For a read's value, {@code strict} also asks that the first token be some token at
     * all; else NOT_TRACKED.
     */
    private int epochOfString(String value, boolean strict) {
        for (int length : writeValueLengths) {
            if (length > value.length()) {
                break;
            }
            Integer epoch = epochByWriteValue.get(value.substring(0, length));
            if (epoch != null) {
                return epoch;
            }
        }
        return strict && !startsWithAppendToken(value) ? NOT_TRACKED : 0;
    }

    private boolean startsWithAppendToken(String value) {
        for (int length : appendTokenLengths) {
            if (length > value.length()) {
                break;
            }
            if (appendTokens.contains(value.substring(0, length))) {
                return true;
            }
        }
        return false;
    }

    private int epochOfState(int state) {
        if (state >= stateEpoch.length) {
            stateEpoch = Arrays.copyOf(stateEpoch, Math.max(state + 1, stateEpoch.length * 2));
        }
        int known = stateEpoch[state];
        if (known == 0) {
            Object value = transitions.state(state);
            known = 1 + (value == null ? 0 : epochOfString((String) value, false));
            stateEpoch[state] = known;
        }
        return known - 1;
    }

    /**
     * Whether the search may skip linearizing operation {@code op} in state {@code before}, leading to
     * {@code after}: the configuration it enters cannot finish, or the operation's outcome is
     * unknown and nobody will see it (see the class comment).
     */
    boolean skip(int before, int op, int after) {
        switch (kind[op]) {
            case 1: {
                int epoch = epochOfState(before);
                int started = epochOfState(after);
                if (epoch != started && linearizedReads[epoch] < readsByEpoch[epoch].length) {
                    return true;
                }
                return unknown[op] && readsByEpoch[started].length == 0;
            }
            case 2: {
                int epoch = epochOfState(after);
                int next = linearizedReads[epoch];
                if (next == readsByEpoch[epoch].length) {
                    return unknown[op];
                }
                return !readsByEpoch[epoch][next].startsWith((String) transitions.state(after));
            }
            default:
                return false;
        }
    }

    /** Forgets the linearized reads, for a new walk (the same transitions, the same states). */
    void reset() {
        Arrays.fill(linearizedReads, 0);
    }

    /** The walk linearized operation {@code op}. */
    void linearized(int op) {
        int epoch = readEpoch[op];
        if (epoch != NOT_TRACKED) {
            linearizedReads[epoch]++;
        }
    }

    /** The walk took operation {@code op} back. */
    void unlinearized(int op) {
        int epoch = readEpoch[op];
        if (epoch != NOT_TRACKED) {
            linearizedReads[epoch]--;
        }
    }

    /**
     * The state to key the cache with: the state itself, or when no read of its epoch remains, a
     * negative id standing for the whole epoch (see the class comment).
     */
    int cacheState(int state) {
        int epoch = epochOfState(state);
        return linearizedReads[epoch] < readsByEpoch[epoch].length ? state : -2 - epoch;
    }
}
