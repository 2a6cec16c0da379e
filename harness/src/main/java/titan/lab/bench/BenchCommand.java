package titan.lab.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import titan.client.Endpoint;
import titan.lab.cli.DurationConverter;
import titan.lab.cli.TitanLab;
import titan.lab.store.RunStore;

/**
 * {@code titan-lab bench}: the HTTP/JSON versus binary TCP load benchmark on a 3-node cluster (see
 * {@link LoadBenchmark}), written to {@code results/runs/bench/<timestamp>/}. Exit codes: 0 when it
 * ran, 254 for bad arguments, 255 when it could not run (no cluster runtime, or an internal error).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Load benchmark: HTTP/JSON and binary TCP on the same 3-node cluster, keys, values and mix. "
                + "A closed loop finds each protocol's maximum throughput; open loops at fractions of it measure latency "
                + "from each request's intended send time (coordinated omission corrected), in HdrHistogram.",
                "Writes bench.json, .hgrm and .hlog per protocol and rate, and report.html to results/runs/bench/<timestamp>/."})
public final class BenchCommand implements Callable<Integer> {
    /** A generator send lag (p99) above this is called out: the open loop's tail then includes the generator's delay. */
    static final double GENERATOR_LAG_WARN_MILLIS = 1.0;

    /** What runs a cluster for the benchmark and how to talk to it. */
    public record Backend(ClusterLauncher launcher, ClientFactory clients) {}

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "20s", converter = DurationConverter.class,
            description = "Measured time of each phase (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "Warm-up before each phase, not recorded (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--cluster-warmup", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "Unrecorded load of each protocol before its first phase: the nodes' JVMs compile its path, the "
                    + "leader settles (default: ${DEFAULT-VALUE}).")
    Duration clusterWarmup;

    @Option(names = "--protocol", paramLabel = "LIST", defaultValue = "http,tcp", split = ",",
            description = "Protocols, run one after the other: http, tcp (default: ${DEFAULT-VALUE}).")
    List<String> protocols;

    @Option(names = "--value-size", paramLabel = "BYTES", defaultValue = "256", description = "Value size (default: ${DEFAULT-VALUE}).")
    int valueBytes;

    @Option(names = "--keys", paramLabel = "N", defaultValue = "1000", description = "Distinct keys (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--mix", paramLabel = "MIX", defaultValue = "writes",
            description = "writes, reads, or W:R such as 50:50 (default: ${DEFAULT-VALUE}).")
    String mix;

    @Option(names = "--rates", paramLabel = "FRACTIONS", defaultValue = "0.25,0.5,0.75", split = ",",
            description = "Open-loop rates as fractions of each protocol's maximum (default: ${DEFAULT-VALUE}).")
    List<Double> rates;

    @Option(names = "--http-connections", paramLabel = "N", defaultValue = "256",
            description = "HTTP/JSON connections, one request in flight each, as wrk users run it; also etcd's "
                    + "(default: ${DEFAULT-VALUE}). The search for the maximum tries 1/8, 1/4, 1/2 and all of them.")
    int httpConnections;

    @Option(names = "--tcp-connections", paramLabel = "N", defaultValue = "64",
            description = "Binary TCP connections (default: ${DEFAULT-VALUE}).")
    int tcpConnections;

    @Option(names = "--connections", paramLabel = "N",
            description = "Sets both --http-connections and --tcp-connections.")
    Integer connections;

    @Option(names = "--pipeline", paramLabel = "N", defaultValue = "32",
            description = "Requests in flight per TCP connection (default: ${DEFAULT-VALUE}). The search tries 1/8, "
                    + "1/4, 1/2 and all of it.")
    int pipeline;

    @Option(names = "--http-pipeline", paramLabel = "N", defaultValue = "1",
            description = "Requests in flight per Titan HTTP connection, HTTP/1.1 pipelining as wrk's pipeline script "
                    + "sends them (default: ${DEFAULT-VALUE}: unpipelined, the figure comparable with other HTTP "
                    + "servers). Labelled \"x N pipelined\" wherever it is reported; etcd is never pipelined.")
    int httpPipeline;

    @Option(names = "--search", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Search each protocol's maximum with short closed loops of doubling concurrency, then measure "
                    + "at the best (default: on; --no-search measures at the full setting at once).")
    boolean search;

    @Option(names = "--search-step", paramLabel = "DURATION", defaultValue = "3s", converter = DurationConverter.class,
            description = "Measured time of each search step, after 1 s of warm-up (default: ${DEFAULT-VALUE}).")
    Duration searchStep;

    @Option(names = "--compare", paramLabel = "SYSTEM", split = ",",
            description = "Also run the same load against another system on this machine: etcd (a 3-member cluster "
                    + "on loopback from the etcd binary on the PATH, through its v3 JSON gateway).")
    List<String> compare = new java.util.ArrayList<>();

    @Option(names = "--etcd", paramLabel = "PATH", description = "The etcd binary for --compare etcd (default: etcd on the PATH).")
    Path etcdBinary;

    @Option(names = "--runtime", paramLabel = "RUNTIME", defaultValue = "local",
            description = "Where the cluster runs: local (child processes on 127.0.0.1) or docker (default: ${DEFAULT-VALUE}).")
    String runtime;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of the key choice (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "results/runs", description = "The results store (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--fake", hidden = true,
            description = "Run against an in-process fake server instead of a cluster (tests the pipeline, measures nothing of Titan).")
    boolean fake;

    /**
     * The runtimes that can start a cluster for the benchmark: local processes, or Docker containers
     * (when an engine answers; their CPU is not read).
     */
    static Optional<Backend> backend(String runtime, int pipeline, int httpPipeline) {
        return switch (runtime) {
            case "local" -> Optional.of(new Backend(LocalLauncher.local(), new TitanClientFactory(pipeline, httpPipeline,
                    1, Duration.ofSeconds(5))));
            case "docker" -> titan.lab.runtime.DockerRuntime.engineProblem().isPresent() ? Optional.empty()
                    : Optional.of(new Backend(LocalLauncher.docker(), new TitanClientFactory(pipeline, httpPipeline, 1,
                    Duration.ofSeconds(5))));
            default -> Optional.empty();
        };
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BenchSettings settings;
        try {
            if (!runtime.equals("local") && !runtime.equals("docker")) {
                throw new IllegalArgumentException("--runtime must be local or docker, not " + runtime);
            }
            int http = connections != null ? connections : httpConnections;
            int tcp = connections != null ? connections : tcpConnections;
            settings = new BenchSettings(protocols, duration, warmup, valueBytes, keys, Mix.parse(mix), rates,
                    http, tcp, pipeline, fake ? "fake" : runtime, 3, true, seed,
                    search ? new BenchSettings.Search(true, searchStep, Duration.ofSeconds(1), 0.05)
                            : BenchSettings.Search.OFF, compare, clusterWarmup, httpPipeline);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Optional<Path> etcd = Optional.empty();
        if (settings.compare().contains("etcd")) {
            etcd = etcdBinary != null ? Optional.of(etcdBinary).filter(java.nio.file.Files::isExecutable)
                    : EtcdLauncher.binaryOnPath();
            if (etcd.isEmpty()) {
                err.println("titan-lab bench: --compare etcd needs an etcd binary, and " + (etcdBinary != null
                        ? etcdBinary + " is not an executable file" : "there is no 'etcd' on the PATH")
                        + " (Debian: apt-get install etcd-server); nothing was run.");
                err.flush();
                return TitanLab.EXIT_USAGE;
            }
        }
        try (SystemLoadClock clock = new SystemLoadClock()) {
            Optional<Backend> chosen = fake ? Optional.of(fakeBackend(clock)) : backend(runtime, pipeline, httpPipeline);
            if (chosen.isEmpty()) {
                err.printf("titan-lab bench: the '%s' runtime cannot start a cluster here: %s%n", runtime,
                        titan.lab.runtime.DockerRuntime.engineProblem().orElse("unknown runtime"));
                err.flush();
                return TitanLab.EXIT_INTERNAL;
            }
            try {
                return run(settings, chosen.get(), etcd, clock, o, err);
            } finally {
                if (chosen.get().clients() instanceof AutoCloseable closeable) {
                    closeable.close();
                }
            }
        }
    }

    private int run(BenchSettings settings, Backend backend, Optional<Path> etcd, SystemLoadClock clock, PrintWriter o,
                    PrintWriter err) throws Exception {
        long seconds = (settings.protocols().size() + settings.compare().size()) * (settings.clusterWarmup().toSeconds() + 1);
        List<String> all = new java.util.ArrayList<>(settings.protocols());
        all.addAll(settings.compare());
        for (String protocol : all) {
            int steps = settings.ladder(protocol).size();
            if (steps > 1) {
                seconds += steps * (settings.search().step().toSeconds() + settings.search().warmup().toSeconds());
            }
            seconds += (1L + settings.rateFractions().size()) * (settings.duration().toSeconds() + settings.warmup().toSeconds());
        }
        long totalSeconds = seconds;
        o.printf(Locale.ROOT, "titan-lab bench: %s on a %d-node cluster (%s)%s, %s, %d keys, %d B values; HTTP up to %d "
                        + "connections%s, TCP %d connections x up to %d pipelined%s; phases of %ds + %ds warm-up; at most "
                        + "about %d s%n", String.join(" and ", settings.protocols()), settings.nodes(), settings.runtime(),
                etcd.isPresent() ? ", then etcd" : "", settings.mix(), settings.keys(), settings.valueBytes(),
                settings.httpConnections(), settings.httpPipeline() > 1 ? " x " + settings.httpPipeline() + " pipelined"
                        : "", settings.tcpConnections(), settings.pipeline(),
                settings.search().on() ? ", maximum searched" : "", settings.duration().toSeconds(),
                settings.warmup().toSeconds(), totalSeconds);
        o.flush();
        Path run = new RunStore(out).newRun("bench", ZonedDateTime.now());
        BenchResult result;
        try (BenchProgress progress = BenchProgress.create(System.console() != null, totalSeconds, System.err, err)) {
            LoadBenchmark bench = new LoadBenchmark(settings, clock, progress, new GeneratorCpu());
            Map<String, BenchResult.ProtocolResult> protocols = new java.util.LinkedHashMap<>();
            ClusterLauncher.Spec spec = new ClusterLauncher.Spec(settings.nodes(), settings.fsync());
            Optional<ClusterLauncher.Cluster> titan = start(backend.launcher(), spec, settings.runtime() + " Titan", err);
            if (titan.isEmpty()) {
                return TitanLab.EXIT_INTERNAL;
            }
            try (ClusterLauncher.Cluster cluster = titan.get()) {
                protocols.putAll(bench.runProtocols(settings.protocols(), cluster.endpoints(), cluster.pids(),
                        cluster.cpuSource(), backend.clients()));
            }
            if (etcd.isPresent()) {
                // Titan's cluster is stopped by now: etcd gets the machine to itself, as Titan had.
                Optional<ClusterLauncher.Cluster> other = start(new EtcdLauncher(etcd.get(), run.resolve("etcd")), spec,
                        "etcd", err);
                if (other.isEmpty()) {
                    return TitanLab.EXIT_INTERNAL;
                }
                try (EtcdClientFactory clients = new EtcdClientFactory(1, Duration.ofSeconds(5));
                     ClusterLauncher.Cluster cluster = other.get()) {
                    protocols.putAll(bench.runProtocols(List.of("etcd"), cluster.endpoints(), cluster.pids(),
                            cluster.cpuSource(), clients));
                }
            }
            result = new BenchResult(settings, LoadBenchmark.thisMachine(), bench.startedAt(), protocols);
        }
        Path json = BenchOutput.write(result, run);
        printSummary(o, result);
        o.printf("%nbench.json   %s%nreport       %s%n", json, run.resolve("report.html"));
        o.flush();
        return TitanLab.EXIT_VALID;
    }

    /** Starts a cluster, or says in one line why it did not start (the launcher leaves nothing running then). */
    private static Optional<ClusterLauncher.Cluster> start(ClusterLauncher launcher, ClusterLauncher.Spec spec, String what,
                                                           PrintWriter err) {
        try {
            return Optional.of(launcher.start(spec));
        } catch (Exception e) {
            String message = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.getClass().getSimpleName());
            err.println("titan-lab bench: the " + what + " cluster did not start: " + message);
            err.flush();
            return Optional.empty();
        }
    }

    static void printSummary(PrintWriter o, BenchResult r) {
        o.printf("%n%-8s %-6s %11s %11s %8s %8s %8s %9s %9s %7s %7s %6s %8s%n", "protocol", "loop", "target/s",
                "achieved/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "errors", "CPU %", "gen %", "lag99ms");
        r.protocols().forEach((protocol, p) -> {
            summaryRow(o, r, p.closedLoop());
            p.openLoop().forEach(open -> summaryRow(o, r, open.result()));
        });
        BenchResult.ProtocolResult tcp = r.protocols().get("tcp");
        BenchResult.ProtocolResult http = r.protocols().get("http");
        if (tcp != null && http != null && http.closedLoop().throughput() > 0) {
            o.printf(Locale.ROOT, "%nTCP / HTTP max throughput: %.2f (same run)%n",
                    tcp.closedLoop().throughput() / http.closedLoop().throughput());
        }
        BenchResult.ProtocolResult etcd = r.protocols().get("etcd");
        if (etcd != null && etcd.closedLoop().throughput() > 0) {
            r.protocols().forEach((name, p) -> {
                if (!name.equals("etcd")) {
                    o.printf(Locale.ROOT, "Titan %s / etcd max throughput: %.2f (same run)%n", name.toUpperCase(Locale.ROOT),
                            p.closedLoop().throughput() / etcd.closedLoop().throughput());
                }
            });
        }
        o.println("(closed loop: latency from the actual send; open loop: from the intended send time. "
                + "CPU: all nodes, % of the machine. gen %: the load generator's own CPU, % of one core; "
                + "lag99ms: how late it sent against its open-loop schedule, p99.)");
        r.protocols().forEach((name, p) -> p.openLoop().forEach(open -> {
            double lag = open.result().sendLagMillisAt(99);
            if (lag > GENERATOR_LAG_WARN_MILLIS) {
                o.printf(Locale.ROOT, "warning: the generator fell behind its schedule in %s's open loop at %.2f of max "
                        + "(send lag p99 %.2f ms): the machine starved it, and those percentiles include its delay.%n",
                        name, open.fraction(), lag);
            }
        }));
        BenchSettings s = r.settings();
        BenchResult.Machine m = r.machine();
        o.printf(Locale.ROOT, "%nThe original's claims beside this run (%d cores, %s; %s; %d nodes, %s, fsync %s; %s, "
                        + "%d B values, %d keys):%n", m.cores(), m.cpuModel(), m.java(), s.nodes(), s.runtime(),
                s.fsync() ? "on" : "OFF", s.mix(), s.valueBytes(), s.keys());
        ClaimsTable.print(o, r);
    }

    private static void summaryRow(PrintWriter o, BenchResult r, PhaseResult p) {
        o.printf(Locale.ROOT, "%-8s %-6s %11s %,11.0f %8.2f %8.2f %8.2f %9.2f %9.2f %7d %7s %6s %8s%n", p.protocol(), p.loop(),
                Double.isNaN(p.targetRate()) ? "-" : String.format(Locale.ROOT, "%,.0f", p.targetRate()), p.throughput(),
                p.latencyMillisAt(50), p.latencyMillisAt(90), p.latencyMillisAt(99), p.latencyMillisAt(99.9),
                p.latency().getMaxValue() / 1000.0, p.failed() + p.indeterminate() + p.unfinished(),
                p.cpuPercent().isEmpty() ? "-" : String.format(Locale.ROOT, "%.0f", p.cpuPercentTotal() / r.machine().cores()),
                ClaimsTable.fmt(p.generatorCpuPercent(), 0), p.loop().equals("open") ? ClaimsTable.fmt(p.sendLagMillisAt(99), 2) : "-");
    }

    /**
     * The hidden {@code --fake} backend: a fake server per protocol in this JVM (TCP about 40K/s,
     * HTTP about 20K/s, by capacity and service time); CPU is this JVM's. It measures the lab, not Titan.
     */
    static Backend fakeBackend(LoadClock clock) {
        FakeServer tcp = new FakeServer(8, 200_000);
        FakeServer http = new FakeServer(8, 400_000);
        ClusterLauncher launcher = spec -> new ClusterLauncher.Cluster() {
            @Override
            public List<Endpoint> endpoints() {
                return List.of(new Endpoint("fake", "127.0.0.1", 1, 1));
            }

            @Override
            public Map<String, Long> pids() {
                return Map.of("lab-jvm", ProcessHandle.current().pid());
            }

            @Override
            public void close() {
            }
        };
        return new Backend(launcher, (protocol, endpoints) ->
                new FakeTitanClient(clock, protocol.equals("tcp") ? tcp : http, "fake"));
    }
}
