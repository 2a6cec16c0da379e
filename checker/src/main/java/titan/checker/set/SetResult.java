package titan.checker.set;

import java.util.List;
import titan.checker.Verdict;

/**
 * What a set workload's final read says about its adds.
 *
 * @param verdict      VALID when nothing is lost, unexpected or duplicated; UNKNOWN without a final read
 * @param attempted    elements whose add was invoked
 * @param acknowledged elements whose add completed OK
 * @param lost         acknowledged but missing from the final read
 * @param unexpected   in the final read but never added
 * @param duplicated   more than once in the final read
 * @param recovered    in the final read although their add's outcome was unknown (fine, and worth knowing)
 * @param finalReadOperation the id of the operation whose result was used, or -1
 */
public record SetResult(Verdict verdict, int attempted, int acknowledged, List<Object> lost, List<Object> unexpected,
                        List<Object> duplicated, List<Object> recovered, int finalReadOperation) {
    public SetResult {
        lost = List.copyOf(lost);
        unexpected = List.copyOf(unexpected);
        duplicated = List.copyOf(duplicated);
        recovered = List.copyOf(recovered);
    }

    /** One line for people. */
    public String summary() {
        if (verdict == Verdict.UNKNOWN) {
            return "no successful final read";
        }
        return attempted + " attempted, " + acknowledged + " acknowledged, " + lost.size() + " lost "
                + sample(lost) + ", " + unexpected.size() + " unexpected " + sample(unexpected) + ", "
                + duplicated.size() + " duplicated " + sample(duplicated) + ", " + recovered.size() + " recovered";
    }

    private static String sample(List<Object> elements) {
        if (elements.isEmpty()) {
            return "";
        }
        List<Object> shown = elements.subList(0, Math.min(5, elements.size()));
        return "(" + shown + (elements.size() > shown.size() ? " ..." : "") + ")";
    }
}
