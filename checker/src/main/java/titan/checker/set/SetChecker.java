package titan.checker.set;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import titan.checker.Verdict;
import titan.checker.history.History;
import titan.checker.history.Operation;

/**
 * Jepsen's set checker, not a linearizability search: clients {@code add} unique elements, then a
 * final {@code read} returns the whole set (a list). Every acknowledged add must be in it, nothing
 * that was never added may be, and nothing may appear twice. The final read is the last OK read;
 * earlier reads are ignored.
 */
public final class SetChecker {
    private SetChecker() {}

    /** @throws IllegalArgumentException for an operation other than add or read, or a read that is not a list */
    public static SetResult check(History history) {
        Set<Object> attempted = new LinkedHashSet<>();
        Set<Object> acknowledged = new LinkedHashSet<>();
        Set<Object> unknown = new LinkedHashSet<>();
        Operation finalRead = null;
        for (Operation op : history.operations()) {
            switch (op.f()) {
                case "add" -> {
                    attempted.add(op.input());
                    if (op.isOk()) {
                        acknowledged.add(op.input());
                    } else if (op.isUnknown()) {
                        unknown.add(op.input());
                    }
                }
                case "read" -> {
                    if (op.isOk() && (finalRead == null || op.completionIndex() > finalRead.completionIndex())) {
                        finalRead = op;
                    }
                }
                default -> throw new IllegalArgumentException(history.where(op.callIndex())
                        + ": the set checker knows add and read, not " + op.f());
            }
        }
        if (finalRead == null) {
            return new SetResult(Verdict.UNKNOWN, attempted.size(), acknowledged.size(), List.of(), List.of(),
                    List.of(), List.of(), -1);
        }
        if (!(finalRead.output() instanceof Collection<?> read)) {
            throw new IllegalArgumentException(history.where(finalRead.completionIndex())
                    + ": a set read must return a list of elements");
        }
        Map<Object, Integer> counts = new HashMap<>();
        List<Object> unexpected = new ArrayList<>();
        List<Object> duplicated = new ArrayList<>();
        for (Object element : read) {
            int count = counts.merge(element, 1, Integer::sum);
            if (count == 1 && !attempted.contains(element)) {
                unexpected.add(element);
            }
            if (count == 2) {
                duplicated.add(element);
            }
        }
        List<Object> lost = new ArrayList<>();
        for (Object element : acknowledged) {
            if (!counts.containsKey(element)) {
                lost.add(element);
            }
        }
        List<Object> recovered = new ArrayList<>();
        for (Object element : unknown) {
            if (counts.containsKey(element)) {
                recovered.add(element);
            }
        }
        boolean valid = lost.isEmpty() && unexpected.isEmpty() && duplicated.isEmpty();
        return new SetResult(valid ? Verdict.VALID : Verdict.INVALID, attempted.size(), acknowledged.size(), lost,
                unexpected, duplicated, recovered, finalRead.id());
    }
}
