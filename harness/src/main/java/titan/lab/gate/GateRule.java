package titan.lab.gate;

import java.util.Locale;
import java.util.Optional;

/**
 * The decision rule for one figure: is the current value a real regression from the baseline?
 * A change counts only if all of these hold, in this order:
 * <ol>
 *   <li>it is in the worse direction (from the unit: higher ops/s, lower latency; or the figure's
 *       explicit {@code better});</li>
 *   <li>it exceeds {@code threshold}, a fraction of the baseline (default 10%);</li>
 *   <li>it exceeds the minimum effect size, an absolute amount in the figure's unit (the figure's
 *       own {@code minEffect}, else a default per unit: 0.5 ms, 0.5 us, 2 ns, 2 percentage points;
 *       none for rates and ratios, whose threshold is relative anyway), so that 20 us becoming 30 us
 *       is not called a 50% regression;</li>
 *   <li>it exceeds the noise: with at least two samples on each side, {@code noiseSigmas} standard
 *       errors of the difference of means (Welch); else, with a reported error on each side (JMH's
 *       99.9% half-width), the two errors combined. A figure measured once has no noise estimate:
 *       its threshold alone must carry the noise, so gate on figures that are stable (ratios
 *       measured in one run, medians of repeats).</li>
 * </ol>
 * An improvement is reported when the change in the better direction passes the same tests.
 */
public record GateRule(double threshold, double noiseSigmas) {
    public static final GateRule DEFAULT = new GateRule(0.10, 3.0);

    public GateRule {
        if (!(threshold >= 0) || !(noiseSigmas >= 0)) {
            throw new IllegalArgumentException("threshold and noise sigmas must be non-negative numbers");
        }
    }

    /** The outcome of comparing one figure; {@code change} is (current - baseline) / |baseline|. */
    public record Comparison(String name, Figure baseline, Figure current, double change, Verdict verdict, String why) {}

    /** What the gate concludes about one figure. Only the failing ones make the gate fail. */
    public enum Verdict {
        IMPROVED(false), UNCHANGED(false), WITHIN_NOISE(false), BELOW_MIN_EFFECT(false), NOT_GATED(false),
        REGRESSION(true), MISSING(true), UNIT_CHANGED(true);

        private final boolean fails;

        Verdict(boolean fails) {
            this.fails = fails;
        }

        public boolean fails() {
            return fails;
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    public Comparison compare(Figure baseline, Figure current) {
        String name = baseline.name();
        if (current == null) {
            return new Comparison(name, baseline, null, Double.NaN, Verdict.MISSING, "the run does not have this figure");
        }
        double change = relative(current.value() - baseline.value(), baseline.value());
        if (!baseline.unit().equals(current.unit())) {
            return new Comparison(name, baseline, current, change, Verdict.UNIT_CHANGED,
                    "unit " + baseline.unit() + " became " + current.unit());
        }
        Optional<Better> better = baseline.better().or(current::better);
        if (better.isEmpty()) {
            return new Comparison(name, baseline, current, change, Verdict.NOT_GATED,
                    "the unit '" + baseline.unit() + "' says nothing about which way is better");
        }
        if (!Double.isFinite(baseline.value())) {
            return new Comparison(name, baseline, current, change, Verdict.NOT_GATED, "the baseline's value is not a number");
        }
        if (!Double.isFinite(current.value())) {
            return new Comparison(name, baseline, current, change, Verdict.REGRESSION,
                    "the run's value is not a number (a failed measurement)");
        }
        double worse = better.get() == Better.HIGHER ? baseline.value() - current.value()
                : current.value() - baseline.value();
        double size = Math.abs(worse);
        double relativeSize = relative(size, baseline.value());
        if (size == 0 || relativeSize <= threshold) {
            return new Comparison(name, baseline, current, change, Verdict.UNCHANGED,
                    String.format(Locale.ROOT, "within the %.0f%% threshold", threshold * 100));
        }
        double minEffect = minEffect(baseline);
        if (size < minEffect) {
            return new Comparison(name, baseline, current, change, Verdict.BELOW_MIN_EFFECT,
                    "smaller than the minimum effect of " + minEffect + " " + baseline.unit());
        }
        double noise = noise(baseline, current);
        if (size <= noise) {
            return new Comparison(name, baseline, current, change, Verdict.WITHIN_NOISE,
                    String.format(Locale.ROOT, "within the noise (%.4g %s)", noise, baseline.unit()));
        }
        String beyond = noise > 0 ? String.format(Locale.ROOT, ", beyond the noise (%.4g)", noise) : ", no noise estimate";
        return worse > 0
                ? new Comparison(name, baseline, current, change, Verdict.REGRESSION,
                        String.format(Locale.ROOT, "worse by %.1f%%%s", relativeSize * 100, beyond))
                : new Comparison(name, baseline, current, change, Verdict.IMPROVED,
                        String.format(Locale.ROOT, "better by %.1f%%%s", relativeSize * 100, beyond));
    }

    /** The noise allowance for a difference between the two figures, 0 when nothing estimates it. */
    double noise(Figure baseline, Figure current) {
        if (baseline.sampleCount() >= 2 && current.sampleCount() >= 2) {
            double se = Math.sqrt(baseline.sampleVariance() / baseline.sampleCount()
                    + current.sampleVariance() / current.sampleCount());
            return noiseSigmas * se;
        }
        if (!Double.isNaN(baseline.error()) && !Double.isNaN(current.error())) {
            return Math.hypot(baseline.error(), current.error());
        }
        return 0;
    }

    static double minEffect(Figure figure) {
        if (!Double.isNaN(figure.minEffect())) {
            return figure.minEffect();
        }
        String unit = figure.unit().toLowerCase(Locale.ROOT);
        if (unit.startsWith("ms")) {
            return 0.5;
        }
        if (unit.startsWith("us") || unit.startsWith("µs")) {
            return 0.5;
        }
        if (unit.startsWith("ns")) {
            return 2;
        }
        if (unit.equals("%") || unit.equals("percent")) {
            return 2;
        }
        return 0;
    }

    private static double relative(double delta, double base) {
        if (base == 0) {
            return delta == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, delta);
        }
        return delta / Math.abs(base);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "threshold %.0f%%, noise %.1f sigma", threshold * 100, noiseSigmas);
    }
}
