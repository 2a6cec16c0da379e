package titan.lab.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import titan.lab.sim.FailureReport;
import titan.lab.sim.SeedOutcome;
import titan.lab.sim.SeedRunner;
import titan.lab.sim.Shrinker;
import titan.lab.sim.SimSwarm;
import titan.lab.sim.TestJson;
import titan.lab.store.RunStore;
import titan.raft.UnsafeMode;
import titan.sim.FaultSchedule;
import titan.sim.SimOptions;

/**
 * {@code titan-lab sim}: runs many seeds of the deterministic simulator, each a whole Titan cluster
 * under a randomized fault schedule, checks Raft's invariants at every step and each history for
 * linearizability, and reports. Exit code: 0 when every run kept every invariant and every
 * history is linearizable, 1 otherwise, 2 when some histories could not be decided (and nothing
 * failed), 254 for bad arguments.
 */
@Command(name = "sim", mixinStandardHelpOptions = true, sortOptions = false, subcommands = MutantsCommand.class,
        description = {"Runs seeds of the deterministic simulator: a whole Titan cluster in one thread per seed, "
                + "under randomized partitions, crashes, pauses, lossy links and clock skew.",
                "Failing seeds are shrunk and written to results/runs/sim/<timestamp>/seed-N/."})
public final class SimCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--seeds", paramLabel = "N", defaultValue = "100", description = "Seeds to run (default: ${DEFAULT-VALUE}).")
    long seeds;

    @Option(names = "--seed-start", paramLabel = "S", defaultValue = "1", description = "First seed (default: ${DEFAULT-VALUE}).")
    long seedStart;

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "5", description = "Voters per cluster, 1 to 9 (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--ops", paramLabel = "N", defaultValue = "500", description = "Client operations per run (default: ${DEFAULT-VALUE}).")
    int ops;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "5", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--keys", paramLabel = "N", defaultValue = "4", description = "Distinct keys (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--faults", paramLabel = "KINDS", defaultValue = "all",
            description = "Fault kinds: all, none, or a list of partition,crash,pause,links,clock,membership (default: ${DEFAULT-VALUE}).")
    String faults;

    @Option(names = "--unsafe", paramLabel = "MODES", defaultValue = "",
            description = "Unsafe modes to switch on, to prove the checks fail: stale-reads, ack-before-commit, "
                    + "see UnsafeMode (e.g. commit-previous-term, hard-state-first).")
    String unsafe;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: the number of cores).")
    Integer threads;

    @Option(names = "--no-check", description = "Skip the linearizability check of each history.")
    boolean noCheck;

    @Option(names = "--check-timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "Checker time limit per history (default: ${DEFAULT-VALUE}).")
    Duration checkTimeout;

    @Option(names = "--fail-fast", description = "Stop at the first failing seed.")
    boolean failFast;

    @Option(names = "--shrink-runs", paramLabel = "N", defaultValue = "200",
            description = "Re-runs allowed to shrink each failing seed, 0 for none (default: ${DEFAULT-VALUE}).")
    int shrinkRuns;

    @Option(names = "--report-failures", paramLabel = "N", defaultValue = "5",
            description = "Failing seeds to shrink and write out (default: ${DEFAULT-VALUE}).")
    int reportFailures;

    @Option(names = "--trace", description = "Also write the history and full trace of the first 10 seeds, failing or not.")
    boolean trace;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "results/runs",
            description = "The results store (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--replay", paramLabel = "TEST_JSON",
            description = "Run exactly the run a failing seed's test.json describes (its seed, sizes, operation budget "
                    + "and fault schedule: the shrunk run), traced, and write its folder; other run options are ignored.")
    Path replayFile;

    /** Whether standard error is a terminal: a progress bar there, plain periodic lines otherwise (CI logs). */
    boolean terminal = System.console() != null;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        if (replayFile != null) {
            return replay(o);
        }
        SimOptions template = options();
        int threadCount = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (threadCount < 1 || shrinkRuns < 0 || reportFailures < 0) {
            throw usage("--threads must be at least 1, --shrink-runs and --report-failures at least 0");
        }
        o.printf("titan-lab sim: %d seeds from %d; %d nodes, %d clients, %d ops, %d keys; faults: %s%s; "
                        + "histories: %s; %d threads%n", seeds, seedStart, nodes, clients, ops, keys,
                describe(template.faultKinds()), template.unsafe().isEmpty() ? ""
                        : "; UNSAFE: " + template.unsafe().stream().map(UnsafeMode::flag).sorted()
                        .collect(Collectors.joining(",")), noCheck ? "not checked" : "checked (kv model)", threadCount);
        o.flush();

        SeedRunner runner = new SeedRunner(!noCheck, checkTimeout);
        SimSwarm.Summary summary = swarm(template, runner, threadCount);
        printSummary(o, summary);
        Path run = new RunStore(out).newRun("sim", ZonedDateTime.now());
        List<FailureReport.Written> written = reportFailures(o, runner, summary, run);
        writeSummary(run, template, summary, threadCount, written);
        if (trace) {
            writeTraces(o, template, run);
        }
        o.printf("%nreport            %s%n", run.resolve("summary.json"));
        o.flush();
        if (!summary.failures().isEmpty()) {
            return TitanLab.EXIT_INVALID;
        }
        return summary.unknowns().isEmpty() ? TitanLab.EXIT_VALID : TitanLab.EXIT_UNKNOWN;
    }

    /** Runs the swarm with a progress bar on a terminal, or a plain line every ten seconds (and at the end) otherwise. */
    private SimSwarm.Summary swarm(SimOptions template, SeedRunner runner, int threadCount) throws InterruptedException {
        SimSwarm swarm = new SimSwarm(runner, threadCount, failFast);
        if (terminal) {
            try (ProgressBar bar = new ProgressBarBuilder().setTaskName("seeds").setInitialMax(seeds)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate()
                    .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).build()) {
                return swarm.run(template, seedStart, seeds, outcome -> {
                    bar.step();
                    if (outcome.failed()) {
                        bar.setExtraMessage(" failing seeds found");
                    }
                });
            }
        }
        PrintWriter err = spec.commandLine().getErr();
        java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong failing = new java.util.concurrent.atomic.AtomicLong();
        long startNanos = System.nanoTime();
        java.util.concurrent.atomic.AtomicLong nextReportNanos = new java.util.concurrent.atomic.AtomicLong(
                startNanos + 10_000_000_000L);
        return swarm.run(template, seedStart, seeds, outcome -> {
            long n = done.incrementAndGet();
            long f = outcome.failed() ? failing.incrementAndGet() : failing.get();
            long now = System.nanoTime();
            long due = nextReportNanos.get();
            if ((now >= due && nextReportNanos.compareAndSet(due, now + 10_000_000_000L)) || n == seeds) {
                synchronized (err) {
                    err.printf("seeds %,d of %,d (%d%%), %,d failing, %.0f s%n", n, seeds, n * 100 / seeds, f,
                            (now - startNanos) / 1e9);
                    err.flush();
                }
            }
        });
    }

    /** {@code --replay}: the run of a test.json, traced, judged, and written out like a failing seed. */
    private Integer replay(PrintWriter o) throws Exception {
        TestJson.Run spec;
        try {
            spec = TestJson.read(replayFile);
        } catch (IOException | IllegalArgumentException e) {
            throw usage("--replay: " + e.getMessage());
        }
        SimOptions options = spec.options();
        o.printf("titan-lab sim --replay %s: seed %d; %d nodes, %d clients, %d ops, %d keys, %d fault windows%s%n",
                replayFile, options.seed(), options.nodes(), options.clients(), options.ops(), options.keys(),
                spec.schedule().windows().size(), options.unsafe().isEmpty() ? "" : "; UNSAFE: "
                        + options.unsafe().stream().map(UnsafeMode::flag).sorted().collect(Collectors.joining(",")));
        SeedRunner runner = new SeedRunner(!noCheck, checkTimeout);
        SeedOutcome outcome = runner.run(options, spec.schedule());
        if (!outcome.failed()) {
            o.printf("the run %s on this commit%n", outcome.status() == SeedOutcome.Status.UNKNOWN
                    ? "could not be decided (checker limits)" : "passes: every invariant held and the history is linearizable");
            o.flush();
            return outcome.status() == SeedOutcome.Status.UNKNOWN ? TitanLab.EXIT_UNKNOWN : TitanLab.EXIT_VALID;
        }
        Path run = new RunStore(out).newRun("sim", ZonedDateTime.now());
        FailureReport.Written written = FailureReport.write(run, outcome,
                new Shrinker.Shrunk(options, spec.schedule(), outcome, 0), runner, "./titan-lab sim --replay "
                        + replayFile, System.getProperty("titan.commit", "unknown"));
        o.printf("%n=== seed %d: %s%n", outcome.seed(), written.kind());
        written.story().forEach(o::println);
        o.printf("written to %s%n", written.folder());
        o.flush();
        return TitanLab.EXIT_INVALID;
    }

    private SimOptions options() {
        if (seeds < 1) {
            throw usage("--seeds must be at least 1");
        }
        if (nodes < 1 || nodes > 9 || clients < 1 || ops < 0 || keys < 1) {
            throw usage("need 1 to 9 --nodes, at least one client and one key, and ops >= 0");
        }
        try {
            Set<FaultSchedule.Kind> kinds = FaultSchedule.Kind.parseList(faults);
            Set<UnsafeMode> modes = UnsafeMode.parseList(unsafe);
            return SimOptions.defaults(seedStart).withNodes(nodes).withClients(clients).withOps(ops).withKeys(keys)
                    .withFaults(kinds).withUnsafe(modes);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private void printSummary(PrintWriter o, SimSwarm.Summary s) {
        long violations = s.failures().stream().filter(f -> f.status() == SeedOutcome.Status.VIOLATION).count();
        long histories = s.failures().size() - violations;
        o.printf("%nseeds run         %,d%n", s.seedsRun());
        o.printf("violations        %,d  (invariants or liveness %,d, non-linearizable histories %,d)%n",
                s.failures().size(), violations, histories);
        o.printf("undecided         %,d  (checker limits)%n", s.unknowns().size());
        o.printf("operations        %,d%n", s.operations());
        titan.sim.Coverage c = s.coverage();
        o.printf("exercised         %,d faults, %,d crashes, %,d torn tails recovered, %,d elections, "
                + "%,d snapshots installed, %,d membership changes%n", c.faults(), c.crashes(), c.tornTails(),
                c.elections(), c.snapshotsInstalled(), c.membershipChanges());
        o.printf("wall time         %.1f s%n", s.wallNanos() / 1e9);
        o.printf("runs per second   %.1f  (%,.0f per minute)%n", s.runsPerSecond(), s.runsPerSecond() * 60);
        if (!s.failures().isEmpty()) {
            o.printf("failing seeds     %s%n", s.failures().stream().limit(20).map(f -> f.seed() + " (" + f.failureKind() + ")")
                    .collect(Collectors.joining(", ")) + (s.failures().size() > 20 ? ", ..." : ""));
        }
        if (!s.unknowns().isEmpty()) {
            o.printf("undecided seeds   %s%n", s.unknowns().stream().limit(20).map(f -> String.valueOf(f.seed()))
                    .collect(Collectors.joining(", ")));
        }
    }

    /** {@code summary.json}: what ran, on what, and what came of it, for people and for CI. */
    private void writeSummary(Path run, SimOptions template, SimSwarm.Summary s, int threadCount,
                              List<FailureReport.Written> written) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("test", "sim");
        json.put("commit", System.getProperty("titan.commit", "unknown"));
        json.put("seedStart", seedStart);
        json.put("seeds", seeds);
        json.put("seedsRun", s.seedsRun());
        json.put("nodes", nodes);
        json.put("clients", clients);
        json.put("ops", ops);
        json.put("keys", keys);
        json.put("faults", TestJson.kinds(template.faultKinds()));
        json.put("unsafe", template.unsafe().stream().map(UnsafeMode::flag).sorted().toList());
        json.put("historiesChecked", !noCheck);
        json.put("threads", threadCount);
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("java", System.getProperty("java.version"));
        json.put("verdict", !s.failures().isEmpty() ? "invalid" : s.unknowns().isEmpty() ? "valid" : "unknown");
        Map<Long, FailureReport.Written> bySeed = new LinkedHashMap<>();
        for (int i = 0; i < written.size(); i++) {
            bySeed.put(s.failures().get(i).seed(), written.get(i));
        }
        json.put("failures", s.failures().stream().map(f -> failureJson(run, f, bySeed.get(f.seed()))).toList());
        json.put("undecided", s.unknowns().stream().map(SeedOutcome::seed).toList());
        json.put("operations", s.operations());
        json.put("coverage", s.coverage());
        json.put("wallSeconds", s.wallNanos() / 1e9);
        json.put("runsPerSecond", s.runsPerSecond());
        Files.writeString(run.resolve("summary.json"),
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json) + "\n");
    }

    /**
     * One failure in summary.json: the seed, what failed and how, and for a written folder its path
     * (relative to summary.json) and the command that replays the shrunk run; otherwise the command
     * that replays the seed as the swarm ran it.
     */
    private Map<String, Object> failureJson(Path run, SeedOutcome f, FailureReport.Written w) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("seed", f.seed());
        json.put("kind", w != null ? w.kind() : f.failureKind());
        json.put("message", w != null ? w.message() : firstLines(f.message(), 1));
        json.put("folder", w != null ? run.relativize(w.folder()).toString() : null);
        json.put("replay", w != null ? w.replay() : replay(f.seed()));
        json.put("originalKind", f.failureKind());
        json.put("originalReplay", replay(f.seed()));
        json.put("shrink", w != null ? w.shrinkLine() : "not shrunk (beyond --report-failures)");
        return json;
    }

    /**
     * Shrinks and writes out the first failing seeds, printing each one's story: the shrunk run,
     * the same run every file in its folder describes.
     */
    private List<FailureReport.Written> reportFailures(PrintWriter o, SeedRunner runner, SimSwarm.Summary s, Path run)
            throws IOException {
        List<FailureReport.Written> all = new java.util.ArrayList<>();
        String commit = System.getProperty("titan.commit", "unknown");
        List<SeedOutcome> toReport = s.failures().subList(0, Math.min(reportFailures, s.failures().size()));
        for (SeedOutcome failing : toReport) {
            Shrinker.Shrunk shrunk = shrinkRuns == 0
                    ? new Shrinker.Shrunk(failing.result().options(), failing.result().schedule(), failing, 0)
                    : new Shrinker(runner, shrinkRuns).shrink(failing);
            FailureReport.Written written = FailureReport.write(run, failing, shrunk, runner, replay(failing.seed()),
                    commit);
            all.add(written);
            o.printf("%n=== seed %d: %s (the shrunk run; the original is kept as original-history.jsonl)%n",
                    failing.seed(), written.kind());
            o.println(written.shrinkLine());
            written.story().forEach(o::println);
            o.printf("replay the shrunk run:   %s%n", written.replay());
            o.printf("replay the original run: %s%n", replay(failing.seed()));
            o.printf("config: %s%n", failing.result().config().describe());
            o.printf("written to %s%n", written.folder());
        }
        return all;
    }

    /** {@code --trace}: replays the first seeds with tracing on; a seed is deterministic, so this is the same run. */
    private void writeTraces(PrintWriter o, SimOptions template, Path run) throws IOException {
        for (long seed = seedStart; seed < seedStart + Math.min(10, seeds); seed++) {
            titan.sim.SimResult traced = titan.sim.Simulation.of(template.withSeed(seed).withTrace(true, true)).run();
            Path folder = run.resolve("seed-" + seed);
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("history.jsonl"), traced.historyJsonLines());
            Files.write(folder.resolve("trace.txt"), traced.trace().stream().map(Object::toString).toList());
            o.printf("trace of seed %d: %s%n", seed, folder.resolve("trace.txt"));
        }
    }

    private String replay(long seed) {
        StringBuilder b = new StringBuilder("./titan-lab sim --seeds 1 --seed-start ").append(seed)
                .append(" --nodes ").append(nodes).append(" --ops ").append(ops).append(" --clients ").append(clients)
                .append(" --keys ").append(keys).append(" --faults ").append(faults);
        if (!unsafe.isBlank()) {
            b.append(" --unsafe ").append(unsafe);
        }
        return b.toString();
    }

    private static String firstLines(String text, int n) {
        if (text == null) {
            return "";
        }
        return text.lines().limit(n).collect(Collectors.joining("\n"));
    }

    private static String describe(Set<FaultSchedule.Kind> kinds) {
        return kinds.isEmpty() ? "none" : kinds.stream().sorted().map(k -> k.name().toLowerCase())
                .collect(Collectors.joining(","));
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
