package titan.lab.campaign;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import titan.checker.Verdict;
import titan.lab.cli.TitanLab;
import titan.lab.store.RunStore;
import titan.lab.test.TestCommand;
import titan.lab.test.TestConfig;
import titan.lab.test.TestRunner;

/**
 * {@code titan-lab campaign}: a matrix of lab tests (runtimes x workloads x nemeses x protocols x
 * seeds), one after the other, with a progress bar on a terminal, a summary in markdown and HTML,
 * and an exit code for CI: 0 when every run is valid, 1 when any is invalid, 2 when any is unknown
 * (and none invalid), 254 for bad options.
 */
@Command(name = "campaign", mixinStandardHelpOptions = true,
        description = {"Runs a matrix of lab tests and writes results/runs/campaign/<timestamp>/summary.md and"
                + " summary.html; each test has its own run folder.",
                "Exit codes: 0 all valid, 1 some invalid, 2 some unknown, 254 bad options, 255 internal error."})
public final class CampaignCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--runtimes", defaultValue = "local", split = ",", description = "local, sim (default local)")
    List<String> runtimes;

    @Option(names = "--workloads", defaultValue = "register,kv,set", split = ",", description = "default register,kv,set")
    List<String> workloads;

    @Option(names = "--nemeses", defaultValue = "none;partition;kill;pause", split = ";",
            description = "nemesis options separated by ';', each like partition,kill (default none;partition;kill;pause)")
    List<String> nemeses;

    @Option(names = "--protocols", defaultValue = "http,tcp", split = ",", description = "default http,tcp")
    List<String> protocols;

    @Option(names = "--seeds", defaultValue = "1", description = "seeds per combination (default 1)")
    int seeds;

    @Option(names = "--seed", defaultValue = "1", description = "the first seed (default 1)")
    long seed;

    @Option(names = "--nodes", defaultValue = "3")
    int nodes;

    @Option(names = "--time-limit", defaultValue = "20s")
    String timeLimit;

    @Option(names = "--nemesis-interval", defaultValue = "5s")
    String nemesisInterval;

    @Option(names = "--concurrency", defaultValue = "10")
    int concurrency;

    @Option(names = "--rate", defaultValue = "200")
    double rate;

    @Option(names = "--unsafe", defaultValue = "")
    String unsafe;

    @Option(names = "--store", defaultValue = "results/runs")
    Path store;

    @Option(names = "--preset", description = "a named campaign instead of the matrix: unsafe-table (each unsafe"
            + " switch's catching configuration, --seeds runs each, default 5; writes unsafe-table.md),"
            + " unsafe-table-safe (the same configurations with every switch off, each once), safe-local"
            + " (50 runs), safe-docker (10 runs), ci (6 short local runs)")
    String preset;

    @Option(names = "--switches", split = ",", description = "unsafe-table: only these switches' probes")
    List<String> switches = List.of();

    @Option(names = "--runs", description = "safe-local, safe-docker, ci: the number of runs (default 50, 10, 6)")
    Integer runs;

    private boolean seedsGiven() {
        return spec != null && spec.commandLine().getParseResult() != null
                && spec.commandLine().getParseResult().hasMatchedOption("--seeds");
    }

    /** One planned test and, once run, its result. */
    record Row(TestConfig config, Verdict verdict, String explanation, Path runDir, long millis) {}

    @Override
    public Integer call() throws Exception {
        List<TestConfig> plan;
        try {
            plan = plan();
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("titan-lab campaign: " + e.getMessage());
            return TitanLab.EXIT_USAGE;
        }
        PrintStream out = System.out;
        Path campaignDir = new RunStore(store).newRun("campaign", ZonedDateTime.now());
        boolean terminal = System.console() != null;
        out.println("titan-lab campaign: " + plan.size() + " tests -> " + campaignDir);
        List<Row> rows = new ArrayList<>();
        try (OutputStream logFile = Files.newOutputStream(campaignDir.resolve("campaign.log"));
             PrintStream log = new PrintStream(logFile, true, StandardCharsets.UTF_8)) {
            ProgressBar bar = terminal ? new ProgressBarBuilder().setTaskName("tests").setInitialMax(plan.size())
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).continuousUpdate()
                    .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).build() : null;
            try {
                for (TestConfig config : plan) {
                    long start = System.nanoTime();
                    Row row;
                    try {
                        TestRunner.Outcome o = new TestRunner(store, log).run(config,
                                System.getProperty("titan.commit", "unknown"));
                        row = new Row(config, o.verdict(), o.explanation(), o.runDir(), (System.nanoTime() - start) / 1_000_000);
                    } catch (IOException | RuntimeException e) {
                        row = new Row(config, Verdict.UNKNOWN, "lab error: " + e, null, (System.nanoTime() - start) / 1_000_000);
                    }
                    rows.add(row);
                    String line = String.format("%-8s %s  (%d s) %s", row.verdict().name(), describe(config),
                            row.millis() / 1000, row.runDir() == null ? row.explanation() : row.runDir());
                    log.println("titan-lab campaign: " + line);
                    if (bar != null) {
                        bar.step();
                        if (row.verdict() != Verdict.VALID) {
                            bar.setExtraMessage(" not all valid");
                        }
                    } else {
                        out.println(line);
                    }
                }
            } finally {
                if (bar != null) {
                    bar.close();
                }
            }
        }
        Summary.write(campaignDir, rows);
        if ("unsafe-table".equals(preset)) {
            Path table = UnsafeTable.write(campaignDir, rows, Presets.probes(switches));
            out.println("titan-lab campaign: unsafe-switch table " + table);
        }
        long invalid = rows.stream().filter(r -> r.verdict() == Verdict.INVALID).count();
        long unknown = rows.stream().filter(r -> r.verdict() == Verdict.UNKNOWN).count();
        out.printf("titan-lab campaign: %d tests, %d valid, %d invalid, %d unknown; summary %s%n", rows.size(),
                rows.size() - invalid - unknown, invalid, unknown, campaignDir.resolve("summary.md"));
        return invalid > 0 ? TitanLab.EXIT_INVALID : unknown > 0 ? TitanLab.EXIT_UNKNOWN : TitanLab.EXIT_VALID;
    }

    static String describe(TestConfig c) {
        return c.runtime() + " " + c.workload() + " nemesis=" + (c.nemesis().isEmpty() ? "none" : String.join(",", c.nemesis()))
                + " " + c.protocol() + " seed=" + c.seed() + (c.unsafe().isEmpty() ? "" : " unsafe=" + String.join(",", c.unsafe()));
    }

    /** A test's configuration from its command-line arguments, by the test command's own rules. */
    static TestConfig config(List<String> args) {
        TestCommand test = new TestCommand();
        try {
            new CommandLine(test).parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return test.config();
    }

    /** The runs of {@link #preset}, each with its own seed (the campaign's --seed plus its number). */
    List<TestConfig> presetPlan() {
        List<List<String>> argLists = new ArrayList<>();
        switch (preset) {
            case "unsafe-table" -> {
                int perProbe = seedsGiven() ? seeds : 5;
                for (Presets.Probe probe : Presets.probes(switches)) {
                    for (int i = 0; i < perProbe; i++) {
                        argLists.add(probe.args());
                    }
                }
            }
            case "unsafe-table-safe" -> {
                int perProbe = seedsGiven() ? seeds : 5;
                for (List<String> config : Presets.safeCounterparts(switches)) {
                    for (int i = 0; i < perProbe; i++) {
                        argLists.add(config);
                    }
                }
            }
            case "safe-local" -> argLists.addAll(Presets.safe("local", runs != null ? runs : 50));
            case "safe-docker" -> argLists.addAll(Presets.safe("docker", runs != null ? runs : 10));
            case "ci" -> argLists.addAll(Presets.safe("local", runs != null ? runs : 6));
            default -> throw new IllegalArgumentException("unknown preset '" + preset + "'; known: "
                    + String.join(", ", Presets.NAMES));
        }
        List<TestConfig> plan = new ArrayList<>();
        for (int i = 0; i < argLists.size(); i++) {
            List<String> args = new ArrayList<>(argLists.get(i));
            args.addAll(List.of("--seed", Long.toString(seed + i)));
            plan.add(config(args));
        }
        return plan;
    }

    /** Every combination, validated by the test command's own rules before anything runs. */
    List<TestConfig> plan() {
        if (seeds < 1) {
            throw new IllegalArgumentException("--seeds must be at least 1");
        }
        if (runs != null && (runs < 1 || runs > 10_000)) {
            throw new IllegalArgumentException("--runs must be 1 to 10000, not " + runs);
        }
        if (preset != null) {
            return presetPlan();
        }
        List<TestConfig> plan = new ArrayList<>();
        for (String runtime : runtimes) {
            for (String workload : workloads) {
                for (String nemesis : nemeses) {
                    for (String protocol : protocols) {
                        for (int i = 0; i < seeds; i++) {
                            List<String> args = new ArrayList<>(List.of("--runtime", runtime.trim(), "--workload",
                                    workload.trim(), "--nemesis", nemesis.trim(), "--protocol", protocol.trim(),
                                    "--seed", Long.toString(seed + i), "--nodes", Integer.toString(nodes),
                                    "--time-limit", timeLimit, "--nemesis-interval", nemesisInterval,
                                    "--concurrency", Integer.toString(concurrency), "--rate", Double.toString(rate)));
                            if (!unsafe.isBlank()) {
                                args.addAll(List.of("--unsafe", unsafe));
                            }
                            plan.add(config(args));
                        }
                    }
                }
            }
        }
        return plan;
    }
}
