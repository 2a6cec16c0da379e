package titan.lab.gate;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import titan.lab.cli.TitanLab;

/**
 * {@code titan-lab gate}: compares a run with a baseline and exits 1 on a real regression (a worse
 * correctness verdict, or a figure worse beyond threshold, minimum effect and noise; see
 * {@link GateRule}), 0 otherwise, 254 for bad arguments or unreadable files.
 */
@Command(name = "gate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compares a run (bench.json, a JMH JSON result, or a campaign's or the simulator's summary.json) "
                + "with a baseline and exits 1 on a real regression: a worse correctness verdict, or a figure "
                + "worse than the baseline beyond the threshold, the minimum effect size and the noise.",
                "Only figures in the baseline are compared; the direction of 'better' comes from the unit "
                        + "(higher ops/s, lower ms) or the figure's \"better\" field."})
public final class GateCommand implements Callable<Integer> {
    /** Result files a run folder may hold, in the order the gate looks for them. */
    static final List<String> RESULT_FILES = List.of("bench.json", "jmh.json", "summary.json");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--baseline", paramLabel = "FILE",
            description = "The baseline, e.g. results/baselines/jmh-storage-quick.json (required unless --save-baseline).")
    Path baseline;

    @Option(names = "--run", required = true, paramLabel = "PATH",
            description = "The run: a result file, a run folder (holding bench.json, jmh.json or summary.json), "
                    + "or a test's folder (its 'latest' run is used).")
    Path run;

    @Option(names = "--threshold", paramLabel = "FRACTION", defaultValue = "0.10",
            description = "Smallest relative change that can count, as a fraction of the baseline (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--noise-sigmas", paramLabel = "K", defaultValue = "3",
            description = "With repeated samples, a change must exceed K standard errors of the difference (default: ${DEFAULT-VALUE}).")
    double noiseSigmas;

    @Option(names = "--only", paramLabel = "REGEX", description = "Gate only the figures whose names match (a find, not a full match).")
    String only;

    @Option(names = "--allow-missing", description = "Do not fail when the run lacks a figure of the baseline.")
    boolean allowMissing;

    @Option(names = "--save-baseline", paramLabel = "FILE",
            description = "Instead of comparing, write a baseline from the run: its figures (those --only selects; none "
                    + "with --only '^$'), its verdict and the --ratio figures.")
    Path saveBaseline;

    @Option(names = "--ratio", paramLabel = "NAME=NUMERATOR/DENOMINATOR",
            description = "With --save-baseline: record NAME, the ratio of two figures of the run (repeatable). "
                    + "The gate recomputes it from each run: ratios measured in one run are stable on a noisy machine.")
    List<String> ratioSpecs = new java.util.ArrayList<>();

    @Option(names = "--machine", paramLabel = "TEXT", description = "With --save-baseline: the machine it was measured on.")
    String machine;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        GateRule rule;
        Optional<Pattern> filter;
        RunFigures base;
        RunFigures current;
        Path runFile;
        try {
            rule = new GateRule(threshold, noiseSigmas);
            filter = only == null ? Optional.empty() : Optional.of(Pattern.compile(only));
            runFile = resolveRun(run);
            if (saveBaseline != null) {
                return save(runFile, filter, out);
            }
            if (baseline == null) {
                throw new IllegalArgumentException("--baseline is required (or --save-baseline to make one)");
            }
            if (!ratioSpecs.isEmpty() || machine != null) {
                throw new IllegalArgumentException("--ratio and --machine go with --save-baseline");
            }
            base = FigureReader.read(baseline);
            current = FigureReader.read(runFile);
        } catch (IllegalArgumentException e) { // PatternSyntaxException is one
            spec.commandLine().getErr().println("titan-lab gate: " + e.getMessage().lines().findFirst().orElse(""));
            return TitanLab.EXIT_USAGE;
        }
        if (!base.kind().equals(current.kind()) && !base.kind().equals("result")) {
            spec.commandLine().getErr().printf("titan-lab gate: the baseline is a %s result but the run is a %s result%n",
                    base.kind(), current.kind());
            return TitanLab.EXIT_USAGE;
        }
        Gate.Result result = new Gate(rule, filter, allowMissing).compare(base, current);
        out.printf("baseline  %s%nrun       %s%nrule      %s%n%n", baseline, runFile, rule);
        Gate.print(result, base, current, out);
        if (result.rows().isEmpty() && base.verdict().isEmpty()) {
            out.println();
            out.println("FAIL: no figure of the baseline was compared" + (only != null ? " (--only " + only + ")" : ""));
            out.flush();
            return TitanLab.EXIT_INVALID;
        }
        out.printf("%n%s: %d figures compared, %d failing%s%n", result.passed() ? "PASS" : "FAIL", result.rows().size(),
                result.regressions(), result.verdictProblem().map(p -> "; " + p).orElse(""));
        out.flush();
        return result.passed() ? TitanLab.EXIT_VALID : TitanLab.EXIT_INVALID;
    }

    private int save(Path runFile, Optional<Pattern> filter, PrintWriter out) {
        List<BaselineWriter.RatioSpec> ratios = ratioSpecs.stream().map(BaselineWriter.RatioSpec::parse).toList();
        RunFigures figures = FigureReader.read(runFile);
        java.util.Map<String, Object> json = BaselineWriter.baseline(figures, runFile.toString(), filter, ratios,
                machine != null ? machine : describeMachine(), "./titan-lab " + String.join(" ", spec.commandLine()
                        .getParseResult().originalArgs()));
        try {
            if (saveBaseline.getParent() != null) {
                Files.createDirectories(saveBaseline.getParent());
            }
            Files.writeString(saveBaseline, new com.fasterxml.jackson.databind.ObjectMapper()
                    .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(json) + "\n");
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot write " + saveBaseline + ": " + e.getMessage());
        }
        out.printf("baseline of %s written to %s: %d figures, %d ratios%s%n", runFile, saveBaseline,
                ((java.util.Map<?, ?>) json.get("figures")).size(), ratios.size(),
                figures.verdict().map(v -> ", verdict " + v).orElse(""));
        out.flush();
        return TitanLab.EXIT_VALID;
    }

    /** Cores, CPU model and Java of this machine, for a baseline's record. */
    static String describeMachine() {
        String model = "unknown CPU";
        try {
            model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(model);
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: the model stays unknown
        }
        return Runtime.getRuntime().availableProcessors() + " cores, " + model + ", " + System.getProperty("os.name")
                + ", Java " + System.getProperty("java.version");
    }

    /** A file as given; a run folder's result file; a test folder's {@code latest} run. */
    static Path resolveRun(Path path) {
        if (Files.isRegularFile(path)) {
            return path;
        }
        if (!Files.isDirectory(path)) {
            throw new IllegalArgumentException("no such run: " + path);
        }
        Path latest = path.resolve("latest");
        if (Files.isSymbolicLink(latest)) {
            try {
                latest = path.resolve(Files.readSymbolicLink(latest)); // name the run itself, not the moving link
            } catch (java.io.IOException e) {
                // keep the link itself
            }
        }
        for (Path folder : List.of(path, latest)) {
            for (String name : RESULT_FILES) {
                if (Files.isRegularFile(folder.resolve(name))) {
                    return folder.resolve(name);
                }
            }
        }
        throw new IllegalArgumentException(path + " holds none of " + RESULT_FILES + " (nor does its 'latest' run)");
    }
}
