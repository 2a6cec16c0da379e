package titan.lab.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import titan.lab.sim.SeedOutcome;
import titan.lab.sim.SeedRunner;
import titan.lab.sim.SimSwarm;
import titan.lab.store.RunStore;
import titan.raft.UnsafeMode;
import titan.sim.SimOptions;

/**
 * {@code titan-lab sim mutants}: the lab measured against its mutant catalogue (issue 7). Every
 * unsafe mode of {@link UnsafeMode} is a planted bug; for each one and each cluster size the same
 * seeds run with that one mode on, and the table says what share of seeds caught it, the first
 * seed that did, and which checks did. A clean row (no mode on) comes first: it must catch
 * nothing, or the other rows mean nothing. Exit code 0 when every mutant was caught in at least
 * {@code --min-share} of the seeds and within the first {@code --first-within} seeds, and the
 * clean row stayed clean; 1 otherwise (issue 7's targets: 10% and 100).
 */
@Command(name = "mutants", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the simulator against every planted bug (unsafe mode) and prints, per mutant and "
                + "cluster size, the share of seeds that catch it, the first catching seed and the checks that did."})
public final class MutantsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--seeds", paramLabel = "N", defaultValue = "200", description = "Seeds per mutant and size (default: ${DEFAULT-VALUE}).")
    long seeds;

    @Option(names = "--seed-start", paramLabel = "S", defaultValue = "1", description = "First seed (default: ${DEFAULT-VALUE}).")
    long seedStart;

    @Option(names = "--nodes", paramLabel = "N,N", defaultValue = "3,5", split = ",",
            description = "Cluster sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> nodes;

    @Option(names = "--mutants", paramLabel = "MODES", defaultValue = "all",
            description = "Which unsafe modes: all, or a comma-separated list (default: ${DEFAULT-VALUE}).")
    String mutants;

    @Option(names = "--ops", paramLabel = "N", defaultValue = "500", description = "Client operations per run (default: ${DEFAULT-VALUE}).")
    int ops;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "5", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--keys", paramLabel = "N", defaultValue = "4", description = "Distinct keys (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: the number of cores).")
    Integer threads;

    @Option(names = "--no-check", description = "Skip the linearizability check of each history.")
    boolean noCheck;

    @Option(names = "--check-timeout", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "Checker time limit per history (default: ${DEFAULT-VALUE}).")
    Duration checkTimeout;

    @Option(names = "--min-share", paramLabel = "P", defaultValue = "0.10",
            description = "The share of seeds each mutant must be caught in (default: ${DEFAULT-VALUE}).")
    double minShare;

    @Option(names = "--first-within", paramLabel = "N", defaultValue = "100",
            description = "The first catching seed of each mutant must be among the first N seeds (default: ${DEFAULT-VALUE}).")
    long firstWithin;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "results/runs",
            description = "The results store (default: ${DEFAULT-VALUE}).")
    Path out;

    /** One row of the table. */
    record Row(String mutant, int nodes, long seeds, long caught, long firstSeed, String firstCheck,
               Map<String, Long> checks, long undecided) {
        double share() {
            return seeds == 0 ? 0 : (double) caught / seeds;
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        List<UnsafeMode> catalogue = catalogue();
        int threadCount = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (seeds < 1 || threadCount < 1 || firstWithin < 1 || nodes.stream().anyMatch(n -> n < 1 || n > 9)) {
            throw usage("need --seeds >= 1, --threads >= 1, --first-within >= 1 and --nodes between 1 and 9");
        }
        o.printf("titan-lab sim mutants: %d seeds from %d per row; sizes %s; %d ops, %d clients, %d keys; histories %s%n%n",
                seeds, seedStart, nodes, ops, clients, keys, noCheck ? "not checked" : "checked (kv model)");
        o.printf("%-26s %5s %9s %7s %6s  %s%n", "mutant", "nodes", "caught", "share", "first seed (check)",
                "checks that caught it");
        o.flush();
        SeedRunner runner = new SeedRunner(!noCheck, checkTimeout);
        List<Row> rows = new ArrayList<>();
        long start = System.nanoTime();
        List<String> names = new ArrayList<>();
        names.add("(none: clean)");
        catalogue.forEach(m -> names.add(m.flag()));
        for (String name : names) {
            for (int n : nodes) {
                Set<UnsafeMode> modes = name.startsWith("(") ? Set.of() : Set.of(UnsafeMode.fromFlag(name));
                SimOptions template = SimOptions.defaults(seedStart).withNodes(n).withClients(clients).withOps(ops)
                        .withKeys(keys).withUnsafe(modes);
                Row row = measure(runner, threadCount, name, n, template);
                rows.add(row);
                print(o, row);
            }
        }
        double minutes = (System.nanoTime() - start) / 60e9;
        boolean cleanOk = rows.stream().filter(r -> r.mutant().startsWith("(")).allMatch(r -> r.caught() == 0);
        List<Row> missed = rows.stream().filter(r -> !r.mutant().startsWith("(") && r.share() < minShare).toList();
        List<Row> late = rows.stream().filter(r -> !r.mutant().startsWith("(")
                && (r.firstSeed() < 0 || r.firstSeed() >= seedStart + firstWithin)).toList();
        o.printf("%n%d rows in %.1f min; clean rows %s; mutants below %.0f%%: %s; not caught within the first %d seeds: %s%n",
                rows.size(), minutes, cleanOk ? "clean" : "NOT CLEAN", minShare * 100, names(missed), firstWithin,
                names(late));
        Path run = new RunStore(out).newRun("sim-mutants", ZonedDateTime.now());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("test", "sim-mutants");
        json.put("commit", System.getProperty("titan.commit", "unknown"));
        json.put("seedStart", seedStart);
        json.put("seeds", seeds);
        json.put("ops", ops);
        json.put("clients", clients);
        json.put("keys", keys);
        json.put("historiesChecked", !noCheck);
        json.put("minShare", minShare);
        json.put("firstWithin", firstWithin);
        json.put("minutes", minutes);
        json.put("rows", rows);
        Files.writeString(run.resolve("mutants.json"),
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json) + "\n");
        o.printf("report            %s%n", run.resolve("mutants.json"));
        o.flush();
        return cleanOk && missed.isEmpty() && late.isEmpty() ? TitanLab.EXIT_VALID : TitanLab.EXIT_INVALID;
    }

    private static String names(List<Row> rows) {
        return rows.isEmpty() ? "none" : rows.stream().map(r -> r.mutant() + "@" + r.nodes()).collect(Collectors.joining(", "));
    }

    private Row measure(SeedRunner runner, int threadCount, String name, int n, SimOptions template)
            throws InterruptedException, IOException {
        SimSwarm.Summary s = new SimSwarm(runner, threadCount, false).run(template, seedStart, seeds, outcome -> { });
        Map<String, Long> checks = new TreeMap<>();
        long first = -1;
        String firstCheck = null;
        for (SeedOutcome f : s.failures()) {
            checks.merge(f.failureKind(), 1L, Long::sum);
            if (first < 0 || f.seed() < first) {
                first = f.seed();
                firstCheck = f.failureKind();
            }
        }
        return new Row(name, n, s.seedsRun(), s.failures().size(), first, firstCheck, sortByCount(checks),
                s.unknowns().size());
    }

    private static Map<String, Long> sortByCount(Map<String, Long> checks) {
        Map<String, Long> sorted = new LinkedHashMap<>();
        checks.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    private static void print(PrintWriter o, Row r) {
        String checks = r.checks().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
        o.printf("%-26s %5d %4d/%-4d %6.1f%% %6s  %s%s%n", r.mutant(), r.nodes(), r.caught(), r.seeds(),
                r.share() * 100, r.firstSeed() < 0 ? "-" : r.firstSeed() + " (" + r.firstCheck() + ")", checks,
                r.undecided() > 0 ? " (undecided " + r.undecided() + ")" : "");
        o.flush();
    }

    private List<UnsafeMode> catalogue() {
        if (mutants.equals("all")) {
            return Arrays.asList(UnsafeMode.values());
        }
        try {
            return new ArrayList<>(EnumSet.copyOf(UnsafeMode.parseList(mutants)));
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
