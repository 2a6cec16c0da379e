package titan.checker.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The warnings of a history for one model: those the history itself carries
 * ({@link History#warnings()}), an empty history, an operation without a key where the model
 * partitions by key, and an {@code ok} whose value differs from its invoke's for a function whose
 * completion only confirms its argument (a write of 3 that completes as a write of 4 is a
 * recording bug, and the checker would silently use one of the two).
 */
public final class HistoryLint {
    /** Functions whose {@code ok} repeats the invoke's value (or carries none) in the register and kv models. */
    public static final Set<String> CONFIRMING_FUNCTIONS = Set.of("write", "cas", "append", "delete");

    private HistoryLint() {}

    /**
     * @param keyed               whether the model checks one key at a time (kv): then every operation needs a key
     * @param confirmingFunctions functions whose ok must not change the invoke's value
     */
    public static List<HistoryWarning> check(History history, boolean keyed, Set<String> confirmingFunctions) {
        List<HistoryWarning> warnings = new ArrayList<>(history.warnings());
        String source = history.source();
        if (history.operations().isEmpty()) {
            warnings.add(new HistoryWarning(source, 0, "the history has no operations, so there is nothing to "
                    + "check (an empty history is trivially valid)"));
        }
        for (Operation op : history.operations()) {
            if (keyed && op.key() == null) {
                warnings.add(new HistoryWarning(source, history.lineOf(op.callIndex()), "process " + op.process()
                        + " " + op.f() + " has no \"key\"; the kv model puts every keyless operation on one "
                        + "shared key"));
            }
            if (op.isOk() && op.output() != null && confirmingFunctions.contains(op.f())
                    && !Objects.equals(op.input(), op.output())) {
                warnings.add(new HistoryWarning(source, history.lineOf(op.completionIndex()), "the ok of process "
                        + op.process() + "'s " + op.f() + " has value " + ValueText.of(op.output())
                        + " but its invoke (" + history.where(op.callIndex()) + ") has "
                        + ValueText.of(op.input()) + "; a " + op.f() + " completes with its own argument"));
            }
        }
        return warnings;
    }
}
