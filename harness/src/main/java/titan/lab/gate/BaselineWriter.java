package titan.lab.gate;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Makes a baseline from a run: the figures to gate (all, or those {@code only} selects), ratios of
 * two figures measured in the same run (stable on a noisy machine where absolute figures are not),
 * the verdict, and where and how it was measured. The gate reads it back with {@link FigureReader}.
 */
public final class BaselineWriter {
    /** A ratio to record: its name, and the run's numerator and denominator figures. */
    public record RatioSpec(String name, RunFigures.Ratio ratio) {
        /** Parses {@code NAME=NUMERATOR/DENOMINATOR}; figure names may hold '=' but not '/'. */
        public static RatioSpec parse(String text) {
            int eq = text.indexOf('=');
            String rest = eq < 0 ? "" : text.substring(eq + 1);
            int slash = rest.indexOf('/');
            if (eq < 1 || slash < 1 || slash != rest.lastIndexOf('/') || slash == rest.length() - 1) {
                throw new IllegalArgumentException("--ratio must look like NAME=NUMERATOR/DENOMINATOR, not '" + text + "'");
            }
            return new RatioSpec(text.substring(0, eq), new RunFigures.Ratio(rest.substring(0, slash), rest.substring(slash + 1)));
        }
    }

    private BaselineWriter() {
    }

    /** The baseline as a JSON tree; throws IllegalArgumentException when a ratio names a figure the run lacks. */
    public static Map<String, Object> baseline(RunFigures run, String source, Optional<Pattern> only, List<RatioSpec> ratios,
                                               String machine, String command) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("baselineOf", run.kind());
        root.put("recordedAt", Instant.ofEpochMilli(System.currentTimeMillis()).toString());
        root.put("machine", machine);
        root.put("command", command);
        root.put("source", source);
        run.verdict().ifPresent(v -> root.put("verdict", v));
        Map<String, Object> figures = new LinkedHashMap<>();
        for (Figure f : run.figures().values()) {
            if (only.map(p -> p.matcher(f.name()).find()).orElse(true)) {
                figures.put(f.name(), json(f, null));
            }
        }
        root.put("figures", figures);
        Map<String, Object> ratioFigures = new LinkedHashMap<>();
        RunFigures withRatios = new RunFigures(run.kind(), run.verdict(), placeholders(run, ratios), toMap(ratios));
        for (RatioSpec spec : ratios) {
            Figure f = run.current(spec.name(), withRatios);
            if (f == null) {
                throw new IllegalArgumentException("ratio " + spec.name() + ": the run has no figure "
                        + (run.figures().containsKey(spec.ratio().numerator()) ? spec.ratio().denominator() : spec.ratio().numerator()));
            }
            ratioFigures.put(spec.name(), json(f, spec.ratio()));
        }
        root.put("ratios", ratioFigures);
        return root;
    }

    /** Unit "ratio"; better the way its numerator is (a rate over a rate: higher; a time over a time: lower). */
    private static Map<String, Figure> placeholders(RunFigures run, List<RatioSpec> ratios) {
        Map<String, Figure> out = new LinkedHashMap<>();
        for (RatioSpec r : ratios) {
            Figure top = run.figures().get(r.ratio().numerator());
            Optional<Better> better = top == null ? Optional.empty() : top.better();
            out.put(r.name(), new Figure(r.name(), 0, "ratio", better, new double[0], Double.NaN, Double.NaN));
        }
        return out;
    }

    private static Map<String, RunFigures.Ratio> toMap(List<RatioSpec> ratios) {
        Map<String, RunFigures.Ratio> out = new LinkedHashMap<>();
        ratios.forEach(r -> out.put(r.name(), r.ratio()));
        return out;
    }

    private static Map<String, Object> json(Figure f, RunFigures.Ratio ratio) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (ratio != null) {
            out.put("numerator", ratio.numerator());
            out.put("denominator", ratio.denominator());
        }
        out.put("value", f.value());
        out.put("unit", f.unit());
        f.better().ifPresent(b -> out.put("better", b.name().toLowerCase(java.util.Locale.ROOT)));
        if (f.samples().length > 0) {
            out.put("samples", f.samples());
        }
        if (!Double.isNaN(f.error())) {
            out.put("error", f.error());
        }
        if (!Double.isNaN(f.minEffect())) {
            out.put("minEffect", f.minEffect());
        }
        return out;
    }
}
