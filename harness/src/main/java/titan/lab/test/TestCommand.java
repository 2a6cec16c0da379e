package titan.lab.test;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import titan.checker.Verdict;
import titan.lab.cli.DurationConverter;
import titan.lab.cli.TitanLab;
import titan.lab.workload.Clients;
import titan.lab.workload.Workload;
import titan.nemesis.FaultKind;
import titan.nemesis.NemesisSchedule;
import titan.raft.UnsafeMode;

/** {@code titan-lab test}: one Jepsen-style test against a real cluster. */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Starts a Titan cluster, drives a workload through the Java client while a nemesis injects "
                + "faults, checks the history, and writes results/runs/<name>/<timestamp>/.",
                "Exit codes: 0 valid, 1 invalid, 2 unknown, 254 bad options, 255 internal error."})
public final class TestCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--runtime", defaultValue = "local",
            description = "local (default: child processes), docker (containers; no link delays or throttling) or sim"
                    + " (one seed of the deterministic simulator)")
    String runtime;

    @Option(names = "--nodes", defaultValue = "3", description = "cluster size (default 3)")
    int nodes;

    @Option(names = "--workload", defaultValue = "kv", description = "register, kv (default) or set")
    String workload;

    @Option(names = "--keys", defaultValue = "10", description = "keys of the kv workload (default 10)")
    int keys;

    @Option(names = "--nemesis", defaultValue = "none",
            description = "fault kinds: partition, kill, pause, links, throttle, clock, wal, isolate-leader, kill-leader,"
                    + " pause-leader, kill-majority, kill-all, membership, membership-leader, membership-burst,"
                    + " power-loss, power-loss-all, power-loss-in-sync, power-loss-after-ack, power-loss-followers,"
                    + " stale-leader, power-loss-voter, power-loss-overwrite, all, none (default)")
    String nemesis;

    @Option(names = "--nemesis-interval", defaultValue = "10s", converter = DurationConverter.class,
            description = "quiet and fault intervals (default 10s)")
    Duration nemesisInterval;

    @Option(names = "--time-limit", defaultValue = "60s", converter = DurationConverter.class,
            description = "how long the workload runs (default 60s)")
    Duration timeLimit;

    @Option(names = "--concurrency", defaultValue = "10", description = "client workers (default 10)")
    int concurrency;

    @Option(names = "--rate", defaultValue = "200", description = "operations per second, 0 for unlimited (default 200)")
    double rate;

    @Option(names = "--protocol", defaultValue = "http", description = "http (default) or tcp")
    String protocol;

    @Option(names = "--seed", description = "seeds the schedule, the faults' targets and the operations (default: random)")
    Long seed;

    @Option(names = "--unsafe", defaultValue = "", description = "unsafe switches for every node, e.g. stale-reads")
    String unsafe;

    @Option(names = "--name", description = "the test's name, its folder under results/runs (default: <workload>-<nemesis>)")
    String name;

    @Option(names = "--operation-timeout", defaultValue = "5s", converter = DurationConverter.class,
            description = "after this an operation is recorded as info (default 5s)")
    Duration operationTimeout;

    @Option(names = "--check-timeout", defaultValue = "120s", converter = DurationConverter.class,
            description = "the checker's deadline; after it the verdict is unknown (default 120s)")
    Duration checkTimeout;

    @Option(names = "--resend-unknown-writes", defaultValue = "0",
            description = "the client resends a write whose fate is unknown up to N times, in the same session and"
                    + " sequence (what etcd's and Jepsen's clients do); 0 (default) never")
    int resendUnknownWrites;

    @Option(names = "--pin-clients", description = "bind each worker's client to one node, without redirects"
            + " (Jepsen's binding: a deposed leader's answers reach the history)")
    boolean pinClients;

    @Option(names = "--store", defaultValue = "results/runs", description = "the results store (default results/runs)")
    Path store;

    @Override
    public Integer call() throws Exception {
        TestConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("titan-lab test: " + e.getMessage());
            return TitanLab.EXIT_USAGE;
        }
        String commit = System.getProperty("titan.commit", "unknown");
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true);
        TestRunner.Outcome outcome = new TestRunner(store, out).run(config, commit);
        return exitCode(outcome.verdict());
    }

    public static int exitCode(Verdict verdict) {
        return switch (verdict) {
            case VALID -> TitanLab.EXIT_VALID;
            case INVALID -> TitanLab.EXIT_INVALID;
            case UNKNOWN -> TitanLab.EXIT_UNKNOWN;
        };
    }

    /** Builds and validates the configuration; every problem is one line in an IllegalArgumentException. */
    public TestConfig config() {
        if (!runtime.equals("local") && !runtime.equals("sim") && !runtime.equals("docker")) {
            throw new IllegalArgumentException("unknown runtime '" + runtime + "'; known: local, docker, sim");
        }

        if (nodes < 1 || nodes > 9) {
            throw new IllegalArgumentException("--nodes must be 1 to 9, not " + nodes);
        }
        Workload.named(workload, keys); // throws for an unknown workload or a bad key count
        if (!Clients.PROTOCOLS.contains(protocol.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("unknown protocol '" + protocol + "'; known: http, tcp");
        }
        if (concurrency < 1 || concurrency > 1000) {
            throw new IllegalArgumentException("--concurrency must be 1 to 1000, not " + concurrency);
        }
        if (rate < 0 || Double.isNaN(rate)) {
            throw new IllegalArgumentException("--rate must be 0 (unlimited) or positive, not " + rate);
        }
        if (resendUnknownWrites < 0 || resendUnknownWrites > 10) {
            throw new IllegalArgumentException("--resend-unknown-writes must be 0 to 10, not " + resendUnknownWrites);
        }
        var kinds = FaultKind.parseList(nemesis);
        // The simulator times its faults itself: the interval applies to real runtimes only.
        NemesisSchedule.validate(kinds, runtime.equals("sim") ? Duration.ZERO : nemesisInterval, timeLimit, nodes);
        if (runtime.equals("docker")) {
            for (String part : nemesis.split(",")) {
                if (part.trim().equalsIgnoreCase("all")) {
                    continue; // "all" means what the runtime can do (below)
                }
                Set<FaultKind> named = FaultKind.parseList(part);
                if (named.contains(FaultKind.LINKS) || named.contains(FaultKind.THROTTLE)) {
                    throw new IllegalArgumentException("the docker runtime cannot make links slow, flaky or throttled"
                            + " (no tc netem in its containers): nemesis '" + part.trim() + "' needs --runtime local");
                }
            }
            kinds.removeAll(EnumSet.of(FaultKind.LINKS, FaultKind.THROTTLE)); // what "all" means there
            // Last, after every option is known good: no engine is one line too.
            titan.lab.runtime.DockerRuntime.engineProblem().ifPresent(p -> { throw new IllegalArgumentException(p); });
        }
        if (runtime.equals("sim")) {
            if (!workload.equalsIgnoreCase("kv")) {
                throw new IllegalArgumentException("the sim runtime runs the kv workload only, not " + workload);
            }
            SimRuntimeTest.simKinds(List.of(nemesis.split(","))); // refuses kinds the simulator lacks
            kinds.removeAll(java.util.EnumSet.of(FaultKind.THROTTLE, FaultKind.WAL)); // what "all" means there
        }
        List<String> switches = UnsafeMode.parseList(unsafe).stream().map(UnsafeMode::flag).toList();
        List<String> kindFlags = kinds.stream().map(FaultKind::flag).toList();
        String testName = name != null ? name : workload + "-" + (kindFlags.isEmpty() ? "none" : String.join("-", kindFlags))
                + (switches.isEmpty() ? "" : "-unsafe-" + String.join("-", switches));
        if (!testName.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
            throw new IllegalArgumentException("--name must be letters, digits, '.', '_' or '-', not '" + testName + "'");
        }
        long s = seed != null ? seed : new java.security.SecureRandom().nextLong() >>> 1;
        return new TestConfig(testName, runtime, nodes, workload.toLowerCase(Locale.ROOT), keys, kindFlags,
                nemesisInterval, timeLimit, concurrency, rate, protocol.toLowerCase(Locale.ROOT), s, switches,
                operationTimeout, checkTimeout, resendUnknownWrites, pinClients);
    }
}
