package titan.lab.gate;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Compares a run's result with a baseline: the correctness verdict first (a worse one fails), then
 * every figure the baseline has (and {@code only} selects) under a {@link GateRule}. Figures the run
 * adds are ignored: a baseline lists exactly what is gated.
 */
public final class Gate {
    private final GateRule rule;
    private final Optional<Pattern> only;
    private final boolean allowMissing;

    public Gate(GateRule rule, Optional<Pattern> only, boolean allowMissing) {
        this.rule = rule;
        this.only = only;
        this.allowMissing = allowMissing;
    }

    /** The whole comparison: whether it passes, why not, and one row per figure. */
    public record Result(boolean passed, Optional<String> verdictProblem, List<GateRule.Comparison> rows) {
        public long regressions() {
            return rows.stream().filter(r -> r.verdict().fails()).count();
        }
    }

    public Result compare(RunFigures baseline, RunFigures current) {
        Optional<String> verdictProblem = verdictProblem(baseline, current);
        List<GateRule.Comparison> rows = new ArrayList<>();
        for (Map.Entry<String, Figure> e : baseline.figures().entrySet()) {
            if (only.isPresent() && !only.get().matcher(e.getKey()).find()) {
                continue;
            }
            rows.add(rule.compare(e.getValue(), current.current(e.getKey(), baseline)));
        }
        boolean figuresFail = rows.stream().anyMatch(r -> r.verdict().fails()
                && !(allowMissing && r.verdict() == GateRule.Verdict.MISSING));
        return new Result(verdictProblem.isEmpty() && !figuresFail, verdictProblem, rows);
    }

    private static Optional<String> verdictProblem(RunFigures baseline, RunFigures current) {
        if (baseline.verdict().isEmpty()) {
            return Optional.empty();
        }
        String was = baseline.verdict().get();
        if (current.verdict().isEmpty()) {
            return Optional.of("the baseline's verdict is " + was + " but the run has none");
        }
        String now = current.verdict().get();
        if (Verdicts.rank(now, "the run") > Verdicts.rank(was, "the baseline")) {
            return Optional.of("the correctness verdict got worse: " + was + " -> " + now);
        }
        return Optional.empty();
    }

    /** Prints the table: figure, baseline, current, change, verdict (and why). */
    public static void print(Result result, RunFigures baseline, RunFigures current, PrintWriter out) {
        baseline.verdict().ifPresent(was -> out.printf("%-60s %-14s %-14s %-9s %s%n", "verdict", was,
                current.verdict().orElse("-"), "", result.verdictProblem().isPresent() ? "REGRESSION" : "ok"));
        int width = Math.max(40, result.rows().stream().mapToInt(r -> r.name().length()).max().orElse(0));
        String format = "%-" + width + "s  %14s  %14s  %8s  %s%n";
        if (!result.rows().isEmpty()) {
            out.printf(format, "figure", "baseline", "current", "change", "verdict");
        }
        for (GateRule.Comparison r : result.rows()) {
            out.printf(format, r.name(), number(r.baseline()), r.current() == null ? "-" : number(r.current()),
                    Double.isNaN(r.change()) ? "-" : String.format(Locale.ROOT, "%+.1f%%", r.change() * 100),
                    (r.verdict().fails() ? r.verdict().label().toUpperCase(Locale.ROOT) : r.verdict().label())
                            + ": " + r.why());
        }
        result.verdictProblem().ifPresent(p -> out.println("REGRESSION: " + p));
    }

    private static String number(Figure f) {
        return String.format(Locale.ROOT, "%.4g %s", f.value(), f.unit());
    }
}
