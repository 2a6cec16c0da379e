package titan.lab.test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

import titan.checker.CheckOptions;
import titan.checker.CheckResult;
import titan.checker.Linearizability;
import titan.checker.Verdict;
import titan.checker.history.History;
import titan.checker.history.JsonLinesFormat;
import titan.checker.model.KvModel;
import titan.checker.set.SetChecker;
import titan.checker.set.SetResult;
import titan.client.TitanClient;
import titan.lab.nemesis.FaultInjector;
import titan.lab.nemesis.NemesisRunner;
import titan.lab.report.RunReport;
import titan.lab.runtime.ClusterProbe;
import titan.lab.runtime.ClusterRuntime;
import titan.lab.runtime.LocalRuntime;
import titan.lab.workload.Clients;
import titan.lab.workload.HistoryRecorder;
import titan.lab.workload.Workload;
import titan.lab.workload.WorkloadRunner;
import titan.lab.store.RunFolder;
import titan.lab.store.RunStore;
import titan.nemesis.FaultKind;
import titan.nemesis.NemesisSchedule;

/**
 * One lab test against a real cluster, in Jepsen's phases (README.md, "titan-lab test"):
 * set up, workload with the nemesis under the time limit, heal, recover (a leader again), final
 * reads, collect logs, check; then the run folder: {@code test.json}, {@code history.jsonl},
 * {@code results.json}, {@code nodes/}. The history is checked as recorded in memory; the file is
 * written from the same objects.
 */
public final class TestRunner {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration FINAL_READS_TIMEOUT = Duration.ofSeconds(30);

    private final RunStore store;
    private final Path storeRoot;
    private final PrintStream out;

    /** What a test found, and where it wrote it. */
    public record Outcome(Verdict verdict, Path runDir, String explanation, ObjectNode stats) {}

    public TestRunner(Path storeRoot, PrintStream out) {
        this.storeRoot = storeRoot;
        this.store = new RunStore(storeRoot);
        this.out = out;
    }

    /**
     * Runs {@code config}.
     *
     * @throws IllegalArgumentException for options that cannot work (before anything starts)
     * @throws IOException              when the run folder cannot be written
     */
    public Outcome run(TestConfig config, String gitCommit) throws IOException, InterruptedException {
        if (config.runtime().equals("sim")) {
            return SimRuntimeTest.run(this, config, gitCommit);
        }
        Workload workload = Workload.named(config.workload(), config.keys());
        Set<FaultKind> kinds = FaultKind.parseList(String.join(",", config.nemesis()));
        SplittableRandom seeds = new SplittableRandom(config.seed());
        NemesisSchedule schedule = NemesisSchedule.periodic(kinds, config.nemesisInterval(), config.timeLimit(),
                config.nodes(), seeds.nextLong());
        if (!config.runtime().equals("local") && !config.runtime().equals("docker")) {
            throw new IllegalArgumentException("unknown runtime '" + config.runtime() + "'; known: local, docker, sim");
        }
        ZonedDateTime started = ZonedDateTime.now();
        long startNanos = System.nanoTime();
        Path runDir = store.newRun(config.name(), started);
        writeTestJson(runDir, config, gitCommit, started, schedule);
        out.println("titan-lab test: " + config.name() + " -> " + runDir);

        HistoryRecorder recorder = null;
        LocalRuntime.Options options = LocalRuntime.Options.defaults(config.nodes(), runDir.resolve("nodes"),
                storeRoot.resolve(".local-nodes.pids"), config.unsafe(), seeds.nextLong());
        String phase = "set up";
        try (ClusterRuntime runtime = startCluster(config, runDir, options)) {
            ClusterProbe probe = new ClusterProbe(runtime.endpoints());
            Optional<String> leader = awaitLeader(probe, RECOVERY_TIMEOUT);
            if (leader.isEmpty()) {
                throw new IllegalStateException("no leader within " + RECOVERY_TIMEOUT.toSeconds() + " s of starting");
            }
            phase("leader " + leader.get());
            // The client gives up first (info, with its reason); the lab's own limit is a backstop.
            // The workers' own clients when they resend or are pinned; the final reads use the plain one.
            List<TitanClient> ownClients = config.resendUnknownWrites() > 0 || config.pinClients()
                    ? Clients.openAll(config.protocol(), runtime.endpoints(), config.operationTimeout(),
                            config.concurrency(), config.resendUnknownWrites(), config.pinClients())
                    : List.of();
            try (TitanClient client = Clients.open(config.protocol(), runtime.endpoints(), config.operationTimeout(),
                    config.concurrency())) {
                List<TitanClient> workerClients = ownClients.isEmpty() ? List.of(client) : ownClients;
                recorder = new HistoryRecorder(); // history times and fault windows count from the workload's start
                WorkloadRunner runner = new WorkloadRunner(workload, client, workerClients, recorder,
                        config.concurrency(), config.rate(), config.operationTimeout().plusSeconds(2), seeds.nextLong());
                NemesisRunner nemesis = new NemesisRunner(runtime, schedule,
                        new FaultInjector(runtime, probe::leader, seeds.nextLong()), recorder, out);
                phase = "workload";
                phase("workload " + workload.name() + " for " + config.timeLimit().toSeconds() + " s, nemesis "
                        + (kinds.isEmpty() ? "none" : String.join(",", config.nemesis())) + " ("
                        + schedule.windows().size() + " windows)");
                nemesis.start(recorder.originNanos());
                try {
                    runner.run(config.timeLimit());
                } finally {
                    phase = "heal";
                    phase("heal (" + nemesis.faultsStarted() + " faults started)");
                    nemesis.stopAndHealAll();
                }
                phase = "recover";
                Optional<String> recovered = awaitLeader(probe, RECOVERY_TIMEOUT);
                phase("recover: " + recovered.map(l -> "leader " + l).orElse("no leader within "
                        + RECOVERY_TIMEOUT.toSeconds() + " s")); // final reads then record fail/info
                phase = "final reads";
                runner.finalReads(FINAL_READS_TIMEOUT);
            } finally {
                ownClients.forEach(TitanClient::close);
            }
            phase = "collect logs";
            runtime.collectLogs(runDir);
        } catch (RuntimeException e) {
            // The cluster failed the lab (a node would not start, ...): keep what was recorded.
            out.println("titan-lab test: " + phase + " failed: " + e.getMessage());
            History partial = recorder == null ? History.of(List.of()) : recorder.history();
            return finish(runDir, config, partial, startNanos, Optional.of(phase + " failed: " + e.getMessage()), Map.of());
        }
        // Beside the history: the nodes' own logs must show at most one leader per term (§5.2) and
        // no two nodes applying different entries at one index (§5.4.3).
        Map<String, Map<String, Object>> fromLogs = new LinkedHashMap<>();
        fromLogs.put("election-safety", ElectionSafety.check(runDir.resolve("nodes")));
        fromLogs.put("state-machine-safety", StateMachineSafety.check(runDir.resolve("nodes")));
        return finish(runDir, config, recorder.history(), startNanos, Optional.empty(), fromLogs);
    }

    /** Set-up attempts when a local node finds its port taken (another lab on the machine took it). */
    static final int SET_UP_ATTEMPTS = 3;

    /**
     * Creates the runtime and starts every node. On the local runtime, a node that cannot bind its
     * port (another process took it between the lab's pick and the node's bind: two labs on one busy
     * machine) fails the set-up before any operation; the lab then wipes the nodes' folders and starts
     * a fresh cluster on other ports, up to {@link #SET_UP_ATTEMPTS} times. Nothing of the test has
     * happened yet, so the retry changes no verdict.
     */
    private ClusterRuntime startCluster(TestConfig config, Path runDir, LocalRuntime.Options options)
            throws IOException {
        for (int attempt = 1; ; attempt++) {
            ClusterRuntime runtime = config.runtime().equals("docker") ? new titan.lab.runtime.DockerRuntime(
                    titan.lab.runtime.DockerRuntime.Options.defaults(config.nodes(), runDir.resolve("nodes"), config.unsafe()))
                    : new LocalRuntime(options);
            try {
                phase("set up: starting " + config.nodes() + " nodes");
                runtime.startAll();
                return runtime;
            } catch (RuntimeException e) {
                runtime.close();
                if (!config.runtime().equals("local") || !isPortClash(e) || attempt >= SET_UP_ATTEMPTS) {
                    throw e;
                }
                out.println("titan-lab test: set up: " + e.getMessage().lines().reduce((a, b) -> b).orElse("")
                        + "; starting again on other ports (attempt " + (attempt + 1) + " of " + SET_UP_ATTEMPTS + ")");
                deleteTree(runDir.resolve("nodes"));
            }
        }
    }

    static boolean isPortClash(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The run folder for a new run of {@code config}, with its test.json. */
    Path newRun(TestConfig config, String gitCommit, NemesisSchedule schedule) throws IOException {
        ZonedDateTime started = ZonedDateTime.now();
        Path runDir = store.newRun(config.name(), started);
        writeTestJson(runDir, config, gitCommit, started, schedule);
        out.println("titan-lab test: " + config.name() + " -> " + runDir);
        return runDir;
    }

    /**
     * Checks {@code history} and writes history.jsonl and results.json. {@code otherCheckers} are
     * results found elsewhere (the simulator's safety monitor), each a map with a {@code verdict}.
     */
    Outcome finish(Path runDir, TestConfig config, History history, long startNanos, Optional<String> failure,
                   Map<String, Map<String, Object>> otherCheckers) throws IOException {
        phase("check");
        try (Writer w = Files.newBufferedWriter(runDir.resolve("history.jsonl"), StandardCharsets.UTF_8)) {
            JsonLinesFormat.write(history, w);
        }
        ObjectNode stats = RunFolder.stats(history);
        Map<String, Object> checkers = new LinkedHashMap<>();
        Verdict verdict;
        String explanation;
        CheckResult check = null;
        if (Workload.named(config.workload(), config.keys()).checker().equals("set")) {
            SetResult r = SetChecker.check(history);
            verdict = r.verdict();
            explanation = r.summary();
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("verdict", wire(r.verdict()));
            c.put("explanation", explanation);
            c.put("attempted", r.attempted());
            c.put("acknowledged", r.acknowledged());
            c.put("lost", r.lost());
            c.put("unexpected", r.unexpected());
            c.put("duplicated", r.duplicated());
            c.put("recovered", r.recovered());
            checkers.put("set", c);
        } else {
            CheckResult r = Linearizability.check(new KvModel(), history,
                    CheckOptions.defaults().withTimeout(config.checkTimeout()));
            check = r;
            verdict = r.verdict();
            explanation = r.explanation();
            checkers.put("linearizability", RunFolder.checkerJson(r));
        }
        for (Map.Entry<String, Map<String, Object>> other : otherCheckers.entrySet()) {
            checkers.put(other.getKey(), other.getValue());
            if ("invalid".equals(other.getValue().get("verdict")) && verdict != Verdict.INVALID) {
                verdict = Verdict.INVALID;
                explanation = other.getKey() + ": " + other.getValue().get("explanation");
            }
        }
        long ok = stats.path("ok").asLong();
        if (verdict == Verdict.VALID && ok == 0) {
            verdict = Verdict.UNKNOWN; // nothing succeeded: the history proves nothing
            explanation = "no operation succeeded";
        }
        if (verdict == Verdict.VALID && failure.isPresent()) {
            verdict = Verdict.UNKNOWN; // the lab did not finish its phases
            explanation = failure.get();
        }
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("verdict", wire(verdict));
        results.put("explanation", explanation);
        failure.ifPresent(f -> results.put("labError", f));
        results.put("checkers", checkers);
        results.put("stats", stats);
        results.put("durationMs", (System.nanoTime() - startNanos) / 1_000_000);
        JSON.writeValue(runDir.resolve("results.json").toFile(), results);
        writeReport(runDir, history, check);
        out.println("titan-lab test: " + wire(verdict).toUpperCase() + " — " + explanation);
        out.println("titan-lab test: " + stats.path("ops").asLong() + " operations (" + ok + " ok, "
                + stats.path("fail").asLong() + " fail, " + stats.path("info").asLong() + " info), "
                + history.events().stream().filter(e -> e.isNemesis() && e.f().startsWith("stop")).count()
                + " faults; run folder " + runDir);
        return new Outcome(verdict, runDir, explanation, stats);
    }

    /**
     * report.html (titan.lab.report) from the in-memory history and check, and for an invalid
     * linearizability check the checker's own explanation page. A report that cannot be written is
     * a warning: the verdict and the run folder stand without it.
     */
    private void writeReport(Path runDir, History history, CheckResult check) {
        try {
            RunFolder run = new RunFolder(runDir);
            if (check != null && check.verdict() == Verdict.INVALID) {
                run.writeExplanation(check, history);
            }
            RunReport.write(run, history, check);
        } catch (IOException | RuntimeException e) {
            out.println("titan-lab test: warning: no report.html: " + e);
        }
    }

    private static String wire(Verdict v) {
        return v.name().toLowerCase(java.util.Locale.ROOT);
    }

    private void writeTestJson(Path runDir, TestConfig config, String gitCommit, ZonedDateTime started,
                               NemesisSchedule schedule) throws IOException {
        ObjectNode json = JSON.createObjectNode();
        json.put("name", config.name());
        json.put("runtime", config.runtime());
        json.put("nodes", config.nodes());
        json.put("workload", config.workload());
        json.put("keys", config.keys());
        json.putPOJO("nemesis", config.nemesis());
        json.put("nemesisIntervalMs", config.nemesisInterval().toMillis());
        json.put("timeLimitMs", config.timeLimit().toMillis());
        json.put("concurrency", config.concurrency());
        json.put("rate", config.rate());
        json.put("protocol", config.protocol());
        json.put("seed", config.seed());
        json.putPOJO("unsafe", config.unsafe());
        json.put("operationTimeoutMs", config.operationTimeout().toMillis());
        json.put("checkTimeoutMs", config.checkTimeout().toMillis());
        json.put("resendUnknownWrites", config.resendUnknownWrites());
        json.put("pinClients", config.pinClients());
        json.put("gitCommit", gitCommit);
        json.put("startTime", started.toOffsetDateTime().toString());
        var windows = json.putArray("schedule");
        for (NemesisSchedule.Window w : schedule.windows()) {
            windows.addObject().put("startMs", w.startMillis()).put("durationMs", w.durationMillis())
                    .put("fault", w.fault().name());
        }
        json.put("replay", replay(config));
        JSON.writeValue(runDir.resolve("test.json").toFile(), json);
    }

    /** The command that runs this test again. */
    static String replay(TestConfig c) {
        StringBuilder b = new StringBuilder("./titan-lab test --runtime ").append(c.runtime())
                .append(" --nodes ").append(c.nodes()).append(" --workload ").append(c.workload())
                .append(" --nemesis ").append(c.nemesis().isEmpty() ? "none" : String.join(",", c.nemesis()))
                .append(" --nemesis-interval ").append(c.nemesisInterval().toMillis()).append("ms")
                .append(" --time-limit ").append(c.timeLimit().toMillis()).append("ms")
                .append(" --concurrency ").append(c.concurrency()).append(" --rate ").append(c.rate())
                .append(" --protocol ").append(c.protocol()).append(" --seed ").append(c.seed())
                .append(" --name ").append(c.name());
        if (!c.unsafe().isEmpty()) {
            b.append(" --unsafe ").append(String.join(",", c.unsafe()));
        }
        if (c.resendUnknownWrites() > 0) {
            b.append(" --resend-unknown-writes ").append(c.resendUnknownWrites());
        }
        if (c.pinClients()) {
            b.append(" --pin-clients");
        }
        b.append(" --keys ").append(c.keys()).append(" --operation-timeout ").append(c.operationTimeout().toMillis())
                .append("ms");
        return b.toString();
    }

    private static Optional<String> awaitLeader(ClusterProbe probe, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<String> leader = probe.leader();
            if (leader.isPresent() || System.nanoTime() > deadline) {
                return leader;
            }
            Thread.sleep(50);
        }
    }

    void phase(String text) {
        out.println("titan-lab test: " + text);
    }
}
