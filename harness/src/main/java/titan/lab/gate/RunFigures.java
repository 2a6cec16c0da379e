package titan.lab.gate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the gate reads from one result file: its kind ({@code jmh}, {@code bench}, {@code sim},
 * {@code campaign}, ...), the correctness verdict if it has one ({@code valid}, {@code unknown},
 * {@code invalid}) and its figures by name, in file order. A saved baseline may also define ratios:
 * figures whose current value is computed from two figures of the run (see {@link Ratio}).
 */
public record RunFigures(String kind, Optional<String> verdict, Map<String, Figure> figures, Map<String, Ratio> ratios) {
    /** A figure measured as {@code numerator / denominator}, two figures of the same run. */
    public record Ratio(String numerator, String denominator) {
        public Ratio {
            if (numerator == null || numerator.isBlank() || denominator == null || denominator.isBlank()) {
                throw new IllegalArgumentException("a ratio needs a numerator and a denominator figure");
            }
        }
    }

    public RunFigures {
        figures = Collections.unmodifiableMap(new LinkedHashMap<>(figures));
        ratios = Collections.unmodifiableMap(new LinkedHashMap<>(ratios));
    }

    public RunFigures(String kind, Optional<String> verdict, Map<String, Figure> figures) {
        this(kind, verdict, figures, Map.of());
    }

    /**
     * The figure {@code name} of this run; for a name the {@code baseline} defines as a ratio, the
     * ratio computed from this run's two figures (samples paired by iteration when both have the same
     * number). Null when the run lacks it.
     */
    public Figure current(String name, RunFigures baseline) {
        Ratio ratio = baseline.ratios().get(name);
        if (ratio == null) {
            return figures.get(name);
        }
        Figure top = figures.get(ratio.numerator());
        Figure bottom = figures.get(ratio.denominator());
        if (top == null || bottom == null) {
            return null;
        }
        Figure template = baseline.figures().get(name);
        double[] a = top.samples();
        double[] b = bottom.samples();
        double[] paired = new double[a.length == b.length && a.length >= 2 ? a.length : 0];
        for (int i = 0; i < paired.length; i++) {
            paired[i] = a[i] / b[i];
        }
        return new Figure(name, top.value() / bottom.value(), template.unit(), template.better(), paired, Double.NaN,
                template.minEffect());
    }
}
