package titan.lab.gate;

import java.util.Arrays;
import java.util.Optional;

/**
 * One measured figure of a run: its value and unit, which way it improves (empty: not gated), the
 * repeated samples it summarises (empty when it was measured once), and a half-width of its
 * confidence interval when the tool reported one (JMH's score error; NaN otherwise).
 *
 * @param minEffect the smallest absolute change worth a verdict, in the figure's unit (NaN: the
 *                  gate's default for the unit)
 */
public record Figure(String name, double value, String unit, Optional<Better> better, double[] samples,
                     double error, double minEffect) {
    public Figure {
        if (name == null || unit == null || better == null || samples == null) {
            throw new IllegalArgumentException("a figure needs a name, a unit, a direction (maybe empty) and samples");
        }
        samples = samples.clone();
    }

    /** A figure measured once, with the direction its unit implies. */
    public static Figure of(String name, double value, String unit) {
        return new Figure(name, value, unit, Better.fromUnit(unit), new double[0], Double.NaN, Double.NaN);
    }

    public Figure withSamples(double... values) {
        return new Figure(name, value, unit, better, values, error, minEffect);
    }

    public Figure withError(double halfWidth) {
        return new Figure(name, value, unit, better, samples, halfWidth, minEffect);
    }

    public Figure withBetter(Better direction) {
        return new Figure(name, value, unit, Optional.of(direction), samples, error, minEffect);
    }

    @Override
    public double[] samples() {
        return samples.clone();
    }

    int sampleCount() {
        return samples.length;
    }

    double sampleVariance() {
        double mean = Arrays.stream(samples).average().orElse(Double.NaN);
        double sum = 0;
        for (double s : samples) {
            sum += (s - mean) * (s - mean);
        }
        return sum / (samples.length - 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Figure f && name.equals(f.name) && Double.compare(value, f.value) == 0
                && unit.equals(f.unit) && better.equals(f.better) && Arrays.equals(samples, f.samples)
                && Double.compare(error, f.error) == 0 && Double.compare(minEffect, f.minEffect) == 0;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Double.hashCode(value);
    }

    @Override
    public String toString() {
        return name + "=" + value + " " + unit;
    }
}
