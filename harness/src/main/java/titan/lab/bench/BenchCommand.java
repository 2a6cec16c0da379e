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

    @Option(names = "--connections", paramLabel = "N", defaultValue = "32",
            description = "Connections (clients) per protocol (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--pipeline", paramLabel = "N", defaultValue = "8",
            description = "Requests in flight per TCP connection; HTTP has one per connection (default: ${DEFAULT-VALUE}).")
    int pipeline;

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
     * The runtimes that can start a cluster for the benchmark. Empty until the lab's local and Docker
     * runtimes and the Titan client are connected here.
     */
    static Optional<Backend> backend(String runtime) {
        return Optional.empty();
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
            settings = new BenchSettings(protocols, duration, warmup, valueBytes, keys, Mix.parse(mix), rates,
                    connections, pipeline, fake ? "fake" : runtime, 3, true, seed);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        try (SystemLoadClock clock = new SystemLoadClock()) {
            Optional<Backend> chosen = fake ? Optional.of(fakeBackend(clock)) : backend(runtime);
            if (chosen.isEmpty()) {
                err.printf("titan-lab bench: the '%s' runtime cannot start a cluster for the benchmark in this build yet "
                        + "(the lab's %s runtime and the Titan client are not connected to it).%n", runtime, runtime);
                err.flush();
                return TitanLab.EXIT_INTERNAL;
            }
            return run(settings, chosen.get(), clock, o, err);
        }
    }

    private int run(BenchSettings settings, Backend backend, SystemLoadClock clock, PrintWriter o, PrintWriter err)
            throws Exception {
        long phases = settings.protocols().size() * (1L + settings.rateFractions().size());
        long totalSeconds = phases * (settings.duration().toSeconds() + settings.warmup().toSeconds());
        o.printf(Locale.ROOT, "titan-lab bench: %s on a %d-node cluster (%s), %s, %d keys, %d B values; %d phases of "
                        + "%ds + %ds warm-up, about %d s%n", String.join(" and ", settings.protocols()), settings.nodes(),
                settings.runtime(), settings.mix(), settings.keys(), settings.valueBytes(), phases,
                settings.duration().toSeconds(), settings.warmup().toSeconds(), totalSeconds);
        o.flush();
        BenchResult result;
        try (ClusterLauncher.Cluster cluster = backend.launcher().start(new ClusterLauncher.Spec(settings.nodes(), settings.fsync()));
             BenchProgress progress = BenchProgress.create(System.console() != null, totalSeconds, System.err, err)) {
            result = new LoadBenchmark(settings, clock, progress).run(cluster.endpoints(), cluster.pids(),
                    cluster.cpuSource(), backend.clients(), LoadBenchmark.thisMachine());
        }
        Path run = new RunStore(out).newRun("bench", ZonedDateTime.now());
        Path json = BenchOutput.write(result, run);
        printSummary(o, result);
        o.printf("%nbench.json   %s%nreport       %s%n", json, run.resolve("report.html"));
        o.flush();
        return TitanLab.EXIT_VALID;
    }

    static void printSummary(PrintWriter o, BenchResult r) {
        o.printf("%n%-8s %-6s %11s %11s %8s %8s %8s %9s %9s %7s %7s%n", "protocol", "loop", "target/s", "achieved/s",
                "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "errors", "CPU %");
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
        o.println("(closed loop: latency from the actual send; open loop: from the intended send time. "
                + "CPU: all nodes, % of the machine.)");
    }

    private static void summaryRow(PrintWriter o, BenchResult r, PhaseResult p) {
        o.printf(Locale.ROOT, "%-8s %-6s %11s %,11.0f %8.2f %8.2f %8.2f %9.2f %9.2f %7d %7s%n", p.protocol(), p.loop(),
                Double.isNaN(p.targetRate()) ? "-" : String.format(Locale.ROOT, "%,.0f", p.targetRate()), p.throughput(),
                p.latencyMillisAt(50), p.latencyMillisAt(90), p.latencyMillisAt(99), p.latencyMillisAt(99.9),
                p.latency().getMaxValue() / 1000.0, p.failed() + p.indeterminate() + p.unfinished(),
                p.cpuPercent().isEmpty() ? "-" : String.format(Locale.ROOT, "%.0f", p.cpuPercentTotal() / r.machine().cores()));
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
