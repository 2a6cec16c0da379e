package titan.lab.gate;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The gate's decision rule, one case per verdict, each built so that a different rule would fail it. */
class GateRuleTest {
    private final GateRule rule = new GateRule(0.10, 3.0);

    // Throughput is better higher: 20% more is an improvement, 20% less a regression.
    @Test
    void directionComesFromTheUnit() {
        Figure base = Figure.of("tput", 1000, "ops/s");
        assertThat(rule.compare(base, Figure.of("tput", 1200, "ops/s")).verdict()).isEqualTo(GateRule.Verdict.IMPROVED);
        assertThat(rule.compare(base, Figure.of("tput", 800, "ops/s")).verdict()).isEqualTo(GateRule.Verdict.REGRESSION);
        Figure latency = Figure.of("p99", 10, "ms");
        assertThat(rule.compare(latency, Figure.of("p99", 12, "ms")).verdict()).isEqualTo(GateRule.Verdict.REGRESSION);
        assertThat(rule.compare(latency, Figure.of("p99", 8, "ms")).verdict()).isEqualTo(GateRule.Verdict.IMPROVED);
        assertThat(rule.compare(Figure.of("t", 5, "us/op"), Figure.of("t", 7, "us/op")).verdict())
                .isEqualTo(GateRule.Verdict.REGRESSION);
    }

    // A change smaller than the threshold passes, in either direction, and the change is reported signed.
    @Test
    void smallChangesAreWithinTheThreshold() {
        GateRule.Comparison c = rule.compare(Figure.of("tput", 1000, "ops/s"), Figure.of("tput", 950, "ops/s"));
        assertThat(c.verdict()).isEqualTo(GateRule.Verdict.UNCHANGED);
        assertThat(c.change()).isCloseTo(-0.05, org.assertj.core.data.Offset.offset(1e-9));
    }

    // 30% worse, but the samples scatter so widely that the difference is within 3 standard errors.
    @Test
    void aWorseFigureWithinTheNoiseOfItsSamplesPasses() {
        Figure base = Figure.of("tput", 1000, "ops/s").withSamples(400, 1600, 1000, 1000);
        Figure noisy = Figure.of("tput", 700, "ops/s").withSamples(100, 1300, 700, 700);
        assertThat(rule.compare(base, noisy).verdict()).isEqualTo(GateRule.Verdict.WITHIN_NOISE);
        // The same means with tight samples: a regression.
        Figure tightBase = Figure.of("tput", 1000, "ops/s").withSamples(990, 1010, 1000, 1000);
        Figure tightNow = Figure.of("tput", 700, "ops/s").withSamples(690, 710, 700, 700);
        assertThat(rule.compare(tightBase, tightNow).verdict()).isEqualTo(GateRule.Verdict.REGRESSION);
    }

    // JMH's error (a confidence half-width) is used when there are no samples on both sides.
    @Test
    void reportedErrorsCountAsNoise() {
        Figure base = Figure.of("b", 100, "ops/s").withError(30);
        assertThat(rule.compare(base, Figure.of("b", 80, "ops/s").withError(30)).verdict())
                .isEqualTo(GateRule.Verdict.WITHIN_NOISE);
        assertThat(rule.compare(base, Figure.of("b", 20, "ops/s").withError(5)).verdict())
                .isEqualTo(GateRule.Verdict.REGRESSION);
    }

    // 0.2 ms -> 0.3 ms is +50% but below the 0.5 ms minimum effect for ms; 2 ms -> 3 ms is not.
    @Test
    void tinyAbsoluteChangesAreBelowTheMinimumEffect() {
        assertThat(rule.compare(Figure.of("p50", 0.2, "ms"), Figure.of("p50", 0.3, "ms")).verdict())
                .isEqualTo(GateRule.Verdict.BELOW_MIN_EFFECT);
        assertThat(rule.compare(Figure.of("p50", 2, "ms"), Figure.of("p50", 3, "ms")).verdict())
                .isEqualTo(GateRule.Verdict.REGRESSION);
    }

    // A figure the run lacks fails; so does a changed unit; a unit without direction is not gated.
    @Test
    void missingChangedAndDirectionlessFigures() {
        assertThat(rule.compare(Figure.of("x", 1, "ops/s"), null).verdict()).isEqualTo(GateRule.Verdict.MISSING);
        assertThat(GateRule.Verdict.MISSING.fails()).isTrue();
        assertThat(rule.compare(Figure.of("x", 1, "ms"), Figure.of("x", 1000, "us")).verdict())
                .isEqualTo(GateRule.Verdict.UNIT_CHANGED);
        assertThat(rule.compare(Figure.of("r", 2, "ratio"), Figure.of("r", 1, "ratio")).verdict())
                .isEqualTo(GateRule.Verdict.NOT_GATED);
        assertThat(rule.compare(Figure.of("r", 2, "ratio").withBetter(Better.HIGHER), Figure.of("r", 1, "ratio")).verdict())
                .isEqualTo(GateRule.Verdict.REGRESSION);
    }

    // The gate: a worse correctness verdict fails even when every figure is fine; a better one passes.
    @Test
    void aWorseVerdictFailsTheGate() {
        Map<String, Figure> figures = Map.of("runsPerSecond", Figure.of("runsPerSecond", 100, "runs/s"));
        RunFigures valid = new RunFigures("sim", Optional.of("valid"), figures);
        RunFigures unknown = new RunFigures("sim", Optional.of("unknown"), figures);
        RunFigures invalid = new RunFigures("sim", Optional.of("invalid"), figures);
        Gate gate = new Gate(rule, Optional.empty(), false);
        assertThat(gate.compare(valid, valid).passed()).isTrue();
        assertThat(gate.compare(valid, unknown).passed()).isFalse();
        assertThat(gate.compare(unknown, invalid).verdictProblem()).hasValueSatisfying(p -> p.contains("unknown -> invalid"));
        assertThat(gate.compare(invalid, valid).passed()).isTrue();
    }

    // The gate fails on a missing figure unless told to allow it, and --only narrows what is compared.
    @Test
    void missingFiguresAndSelection() {
        RunFigures base = new RunFigures("jmh", Optional.empty(), Map.of(
                "a", Figure.of("a", 100, "ops/s"), "b", Figure.of("b", 100, "ops/s")));
        RunFigures current = new RunFigures("jmh", Optional.empty(), Map.of("a", Figure.of("a", 100, "ops/s")));
        assertThat(new Gate(rule, Optional.empty(), false).compare(base, current).passed()).isFalse();
        assertThat(new Gate(rule, Optional.empty(), true).compare(base, current).passed()).isTrue();
        Gate onlyA = new Gate(rule, Optional.of(java.util.regex.Pattern.compile("^a$")), false);
        assertThat(onlyA.compare(base, current).rows()).hasSize(1);
        assertThat(onlyA.compare(base, current).passed()).isTrue();
    }

    // A failed measurement (NaN) is never an improvement: it fails; a NaN baseline gates nothing.
    @Test
    void notANumberFailsTheRunButNotTheBaseline() {
        assertThat(rule.compare(Figure.of("t", 100, "ops/s"), Figure.of("t", Double.NaN, "ops/s")).verdict())
                .isEqualTo(GateRule.Verdict.REGRESSION);
        assertThat(rule.compare(Figure.of("t", Double.NaN, "ops/s"), Figure.of("t", 100, "ops/s")).verdict())
                .isEqualTo(GateRule.Verdict.NOT_GATED);
    }

    @Test
    void unitsGiveDirections() {
        assertThat(Better.fromUnit("ops/s")).contains(Better.HIGHER);
        assertThat(Better.fromUnit("entries/s")).contains(Better.HIGHER);
        assertThat(Better.fromUnit("ops/ms")).contains(Better.HIGHER);
        assertThat(Better.fromUnit("ms")).contains(Better.LOWER);
        assertThat(Better.fromUnit("ns/op")).contains(Better.LOWER);
        assertThat(Better.fromUnit("B/op")).contains(Better.LOWER);
        assertThat(Better.fromUnit("ratio")).isEmpty();
        assertThat(Better.fromUnit("%")).isEmpty();
    }
}
