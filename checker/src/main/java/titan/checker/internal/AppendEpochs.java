package titan.checker.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import titan.checker.Model;
import titan.checker.history.Operation;
import titan.checker.model.KvModel;

/**
 * A model-specific reduction for one key of the {@link KvModel} whose written, swapped-in and
 * appended values are <em>unique</em>: Elle's insight for list-append (Kingsbury &amp; Alvaro,
 * "Elle: Inferring Isolation Anomalies from Experimental Observations", VLDB 2020, §4.1: when every
 * appended element is unique, a read of the list reveals the order of every append before it),
 * carried over to a string register that writes, compare-and-sets and deletes reset.
 * docs/checker.md has the same argument with examples.
 * <h2>When it applies</h2>
 * Every operation of the partition is a read, a write, a cas that completed ok or with an unknown
 * outcome (not a failed cas kept as a read of another value), a delete or an append; every written
 * value, every cas's new value (unless null) and every appended element is a non-empty string; and
 * together they, the <em>tokens</em>, form a prefix code (no one is a prefix of another, which also
 * makes them unique); there is at least one append. A cas's expected value is not a token and may
 * be anything. The lab's {@code kv} workload appends {@code "a<n>;"}, writes {@code "w<n>;"} and
 * swaps in {@code "c<n>;"}, so its keys qualify; any other key is searched without the reduction.
 * <h2>Epochs</h2>
 * A state is a string, or null (absent). Every string state is a concatenation of tokens, since
 * writes and cas set a token and appends add one. Call a string state's <em>epoch</em> its first
 * token, and null's the null epoch. Because the tokens form a prefix code, a string's first token,
 * hence its epoch, is determined by the string alone. An epoch other than null begins once, when
 * the one operation with that token sets it (a write or cas) or appends it to null: every operation
 * takes effect at most once. Within it, the state only grows (appends are non-empty), and it ends
 * at the next write, successful cas or delete, never to come back. The null epoch comes back after
 * every delete (or cas to null). When the key has neither, null is only the initial state, and
 * null together with the strings that start with an appended token form one epoch, the initial
 * one (it also only grows, and once a write or cas ends it, it is gone): then a read of
 * {@code "7,3,"} kills the path that appends {@code 3,} first at once, where per-token epochs
 * would not see that epoch {@code 7,} can no longer begin. With deletes, each appended token
 * begins its own epoch, and the null epoch is not tracked.
 * <h2>Observations</h2>
 * An <em>observation</em> is a completed operation that must be linearized in one particular
 * state: an ok read (in the state equal to its value) and an ok cas (in the state equal to its
 * expected value). Those of a string state's epoch are tracked per epoch, ordered by length; a
 * null observation is tracked only when null never comes back; observations of a string whose
 * first token is no token (a value nobody wrote) are not tracked.
 * <h2>The rule: configurations that cannot finish</h2>
 * An observation of epoch E must be linearized in a state of E, and since states grow within E,
 * the observations of E in order of length. Let R be the shortest observation of E not yet
 * linearized. A configuration in epoch E whose state is not a prefix of R can never linearize R,
 * and an operation that leaves E (a write, cas, delete, or an append to null) while some
 * observation of E other than itself remains (a cas observes E as it leaves it) leaves it for
 * ever; such a configuration has no way to finish, so the search need not enter it. Dropping
 * configurations without a way to finish loses no linearization, and whether one is dead depends
 * only on its state and its set of linearized completed operations, so Lowe's cache stays sound
 * (and so does the relaxed walk's, which keys completed operations only). On concurrent appends
 * this is what Elle's insight buys: the next read fixes their order, and the wrong orders die at
 * their first wrong element instead of at the read.
 * <h2>Unknown operations nobody sees</h2>
 * An operation whose outcome is unknown may be left out. Take a linearization with an unknown
 * write or cas of token w, and remove it: the states from it to the next reset (write, successful
 * cas, delete) change, and the ones after that do not. Every operation in between stays legal if
 * none of them observes a state: appends and resets are legal in every state, and a read or cas in
 * between observed a state of epoch w. So when nobody (no read, no cas of any outcome) observes
 * epoch w, the operation is never needed. Likewise an unknown append whose epoch has no observer
 * left (the ones linearized before it saw states without it, in order of length), and an unknown
 * write, cas or append whose token appears in no read's value and no cas's expected value. Unknown
 * deletes are always kept. So the search never tries them (one more rewrite rule beside R0–R2' of
 * {@link PartitionSearch}: it removes an operation, so rewriting still ends). Without this rule a
 * few hundred info appends after a key's last read could be tried in every order.
 * <h2>Equivalent states</h2>
 * When no observer of the current string epoch remains (no observation left, no unknown cas
 * expecting a state of it), the rest of that epoch is invisible: appends stay legal and change
 * nothing anyone will see, and the next reset erases the difference. Two states of such an epoch
 * with the same linearized set then have the same ways to finish, so the cache keys them by the
 * epoch alone ({@link #cacheState}); the orders of unseen appends are explored once, not once per
 * permutation.
 * <p>Observations whose value starts with no known token (a value nobody wrote) are left out of the
 * rule: the ordinary search finds them illegal everywhere and explains the failure from its deepest
 * point. Not thread-safe: one per partition search, {@link #reset} before each walk.
 */
final class AppendEpochs {
    private static final int NOT_TRACKED = -1;
    private static final int NULL_EPOCH = 0;

    private static final byte READ = 0;
    /** A write, or a cas whose new value is a token: starts the token's epoch. */
    private static final byte SET = 1;
    private static final byte APPEND = 2;
    /** A delete, or a cas to null. */
    private static final byte CLEAR = 3;

    private final Transitions<?> transitions;
    /** Whether null comes back (a delete, a cas to null): then the null epoch is not tracked. */
    private final boolean nullComesBack;
    /**
     * Token to epoch: 1 + the index of the operation with the token; the null epoch is 0, and so is
     * an appended token's when null never comes back.
     */
    private final Map<String, Integer> epochByToken;
    private final int[] tokenLengths;
    /** Per operation: READ, SET, APPEND or CLEAR. */
    private final byte[] kind;
    /** Per operation: whether its outcome is unknown (it may be left out). */
    private final boolean[] unknown;
    /** Per operation: the epoch of a tracked observation (an ok read or ok cas), or NOT_TRACKED. */
    private final int[] observedEpoch;
    /** Per epoch: its tracked observations' values, shortest first (null as ""). */
    private final String[][] observationsByEpoch;
    /** Per epoch: how many of its observations are linearized on the current path. */
    private final int[] linearizedObservations;
    /** Per epoch: how many unknown-outcome cas operations expect one of its states. */
    private final int[] unknownCasObservers;
    /** Per state id: its epoch + 1, or 0 while not computed. */
    private int[] stateEpoch = new int[64];
    /** The impossible observation that completed first, or -1 (see {@link #impossibleObservation}). */
    private int impossible = -1;
    /** Per operation: whether it is an impossible observation. */
    private final boolean[] impossibleOps;

    private AppendEpochs(Transitions<?> transitions, List<Operation> operations, Map<String, Integer> epochByToken,
                         byte[] kind, boolean nullComesBack, int epochs) {
        this.transitions = transitions;
        this.epochByToken = epochByToken;
        this.tokenLengths = epochByToken.keySet().stream().mapToInt(String::length).distinct().sorted().toArray();
        this.kind = kind;
        this.nullComesBack = nullComesBack;
        int n = operations.size();
        observedEpoch = new int[n];
        unknown = new boolean[n];
        impossibleOps = new boolean[n];
        unknownCasObservers = new int[epochs];
        List<List<String>> observations = new ArrayList<>();
        for (int e = 0; e < epochs; e++) {
            observations.add(new ArrayList<>());
        }
        for (int op = 0; op < n; op++) {
            observedEpoch[op] = NOT_TRACKED;
            Operation operation = operations.get(op);
            unknown[op] = operation.isUnknown();
            Object observed;
            if (operation.f().equals("read")) {
                observed = operation.value();
            } else if (operation.f().equals("cas")) {
                observed = ((List<?>) operation.value()).get(0);
            } else {
                continue;
            }
            int epoch = observed == null ? (nullComesBack ? NOT_TRACKED : NULL_EPOCH)
                    : epochOfString((String) observed, true);
            if (epoch == NOT_TRACKED) {
                if (observed != null && !operation.isUnknown()) {
                    impossibleOps[op] = true;
                    if (impossible < 0
                            || operation.completionIndex() < operations.get(impossible).completionIndex()) {
                        impossible = op;
                    }
                }
                continue;
            }
            if (operation.isUnknown()) {
                unknownCasObservers[epoch]++; // a read with an unknown outcome is inert, never here
            } else {
                observedEpoch[op] = epoch;
                observations.get(epoch).add(observed == null ? "" : (String) observed);
            }
        }
        observationsByEpoch = new String[epochs][];
        for (int e = 0; e < epochs; e++) {
            List<String> values = observations.get(e);
            values.sort(Comparator.comparingInt(String::length));
            observationsByEpoch[e] = values.toArray(new String[0]);
        }
        linearizedObservations = new int[epochs];
    }

    /**
     * The reduction for this partition, or null when it does not apply (another model, another
     * function, a failed cas kept as a read, a value that is not a non-empty string, tokens that
     * are not a prefix code, no append).
     */
    static AppendEpochs forPartition(Model<?> model, List<Operation> operations, Transitions<?> transitions) {
        Shape shape = shapeOf(model, operations);
        return shape == null ? null
                : new AppendEpochs(transitions, operations, shape.epochByToken(), shape.kind(), shape.nullComesBack(),
                        operations.size() + 1);
    }

    /** What the reduction needs to know of a partition before it builds its tables. */
    private record Shape(Map<String, Integer> epochByToken, byte[] kind, boolean nullComesBack) {}

    /** The partition's kinds and tokens when the reduction applies to it, else null. */
    private static Shape shapeOf(Model<?> model, List<Operation> operations) {
        if (!(model instanceof KvModel)) {
            return null;
        }
        int n = operations.size();
        byte[] kind = new byte[n];
        List<String> tokens = new ArrayList<>();
        boolean anyAppend = false;
        boolean nullComesBack = false;
        for (int op = 0; op < n; op++) {
            Operation operation = operations.get(op);
            switch (operation.f()) {
                case "read" -> {
                    kind[op] = READ;
                    if (operation.isOk() && operation.value() != null && !(operation.value() instanceof String)) {
                        return null;
                    }
                }
                case "write", "append" -> {
                    if (!(operation.value() instanceof String value) || value.isEmpty()) {
                        return null;
                    }
                    tokens.add(value);
                    anyAppend |= operation.f().equals("append");
                    kind[op] = operation.f().equals("write") ? SET : APPEND;
                }
                case "delete" -> {
                    kind[op] = CLEAR;
                    nullComesBack = true;
                }
                case "cas" -> {
                    if (operation.outcome() == Operation.Outcome.FAIL
                            || !(operation.value() instanceof List<?> pair) || pair.size() != 2
                            || !(pair.get(0) == null || pair.get(0) instanceof String)) {
                        return null;
                    }
                    if (pair.get(1) == null) {
                        kind[op] = CLEAR;
                        nullComesBack = true;
                    } else if (pair.get(1) instanceof String value && !value.isEmpty()) {
                        kind[op] = SET;
                        tokens.add(value);
                    } else {
                        return null;
                    }
                }
                default -> {
                    return null;
                }
            }
        }
        if (!anyAppend || !isPrefixCode(tokens)) {
            return null;
        }
        // Without deletes, null and the strings that start with an appended token are one epoch:
        // the initial one, which never comes back once a write or cas ends it.
        Map<String, Integer> epochByToken = new HashMap<>(2 * tokens.size());
        for (int op = 0; op < n; op++) {
            if (kind[op] == SET || kind[op] == APPEND) {
                String token = kind[op] == SET && operations.get(op).f().equals("cas")
                        ? (String) ((List<?>) operations.get(op).value()).get(1) : (String) operations.get(op).value();
                epochByToken.put(token, kind[op] == APPEND && !nullComesBack ? NULL_EPOCH : op + 1);
            }
        }
        return new Shape(epochByToken, kind, nullComesBack);
    }

    /**
     * The operations less the unknown-outcome ones no one can have seen, when the reduction applies:
     * an unknown append, write or cas whose token is in no read's value and no cas's expected value.
     * A linearization with such an operation stays one without it (the class comment's rule for
     * unknown operations nobody sees: a read or cas after it, before the next reset, would contain
     * its token), so the search need not carry it at every step. Observed values are scanned as
     * plain text, so a match in the middle of another token only keeps an operation; the scan is
     * skipped (nothing dropped) when it would cost more than {@value #SCAN_CHARS_MAX} characters.
     */
    static List<Operation> withoutUnseenUnknowns(Model<?> model, List<Operation> operations) {
        List<Operation> unknowns = operations.stream().filter(Operation::isUnknown).toList();
        if (unknowns.isEmpty() || shapeOf(model, operations) == null) {
            return operations;
        }
        Set<String> distinctObserved = new LinkedHashSet<>();
        for (Operation op : operations) {
            if (op.f().equals("read") && op.isOk() && op.value() instanceof String value) {
                distinctObserved.add(value);
            } else if (op.f().equals("cas") && ((List<?>) op.value()).get(0) instanceof String expected) {
                distinctObserved.add(expected);
            }
        }
        String seen = String.join("\n", distinctObserved);
        if ((long) seen.length() * unknowns.size() > SCAN_CHARS_MAX) {
            return operations;
        }
        List<Operation> kept = new ArrayList<>(operations.size());
        for (Operation op : operations) {
            String token = !op.isUnknown() ? null : switch (op.f()) {
                case "write", "append" -> (String) op.value();
                case "cas" -> (String) ((List<?>) op.value()).get(1); // null for a cas to null: kept
                default -> null;
            };
            if (token == null || seen.contains(token)) {
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
     * The epoch of a non-empty string: the one of its first token. For a state that always exists;
     * for an observed value, NOT_TRACKED when it starts with no token ({@code strict}).
     */
    private int epochOfString(String value, boolean strict) {
        for (int length : tokenLengths) {
            if (length > value.length()) {
                break;
            }
            Integer epoch = epochByToken.get(value.substring(0, length));
            if (epoch != null) {
                return epoch;
            }
        }
        if (strict) {
            return NOT_TRACKED;
        }
        throw new IllegalStateException("a state that starts with no token: " + value);
    }

    private int epochOfState(int state) {
        if (state >= stateEpoch.length) {
            stateEpoch = Arrays.copyOf(stateEpoch, Math.max(state + 1, stateEpoch.length * 2));
        }
        int known = stateEpoch[state];
        if (known == 0) {
            Object value = transitions.state(state);
            known = 1 + (value == null ? NULL_EPOCH : epochOfString((String) value, false));
            stateEpoch[state] = known;
        }
        return known - 1;
    }

    private int observationsLeft(int epoch) {
        return observationsByEpoch[epoch].length - linearizedObservations[epoch];
    }

    /**
     * Whether the search may skip linearizing operation {@code op} in state {@code before}, leading to
     * {@code after}: the configuration it enters cannot finish, or the operation's outcome is
     * unknown and nobody will see it (see the class comment).
     */
    boolean skip(int before, int op, int after) {
        if (kind[op] == READ) {
            return false;
        }
        int from = epochOfState(before);
        int to = epochOfState(after);
        if (from != to && observationsLeft(from) - (observedEpoch[op] == from ? 1 : 0) > 0) {
            return true; // leaves an epoch for ever while an observation of it remains
        }
        if (observationsLeft(to) > 0) {
            Object state = transitions.state(after);
            String next = observationsByEpoch[to][linearizedObservations[to]];
            if (!next.startsWith(state == null ? "" : (String) state)) {
                return true; // the next observation of this epoch can no longer be reached
            }
        }
        if (!unknown[op]) {
            return false;
        }
        return switch (kind[op]) {
            case SET -> observationsByEpoch[to].length == 0 && unknownCasObservers[to] == 0;
            case APPEND -> observationsLeft(to) == 0 && unknownCasObservers[to] == 0;
            default -> false;
        };
    }

    /**
     * A completed observation no state can satisfy, the one that completed first, or -1: an ok read
     * of a string, or an ok cas expecting one, that starts with no token. Every string state starts
     * with a token (the class comment), so such an operation is illegal in every state, and as it
     * completed it must be linearized: the partition is not linearizable, whatever the order of the
     * rest. The search need not go through every order of the operations before it to learn that.
     */
    int impossibleObservation() {
        return impossible;
    }

    /** Whether operation {@code op} is a completed observation no state can satisfy. */
    boolean isImpossible(int op) {
        return impossibleOps[op];
    }

    /** Forgets the linearized observations, for a new walk (the same transitions, the same states). */
    void reset() {
        Arrays.fill(linearizedObservations, 0);
    }

    /** The walk linearized operation {@code op}. */
    void linearized(int op) {
        int epoch = observedEpoch[op];
        if (epoch != NOT_TRACKED) {
            linearizedObservations[epoch]++;
        }
    }

    /** The walk took operation {@code op} back. */
    void unlinearized(int op) {
        int epoch = observedEpoch[op];
        if (epoch != NOT_TRACKED) {
            linearizedObservations[epoch]--;
        }
    }

    /**
     * The state to key the cache with: the state itself, or when nobody can observe its (string)
     * epoch any more, a negative id standing for the whole epoch (see the class comment).
     */
    int cacheState(int state) {
        int epoch = epochOfState(state);
        if ((epoch == NULL_EPOCH && nullComesBack) || observationsLeft(epoch) > 0 || unknownCasObservers[epoch] > 0) {
            return state;
        }
        return -2 - epoch;
    }
}
