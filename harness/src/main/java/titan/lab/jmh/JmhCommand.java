package titan.lab.jmh;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import titan.lab.cli.TitanLab;
import titan.lab.gate.Figure;
import titan.lab.gate.FigureReader;
import titan.lab.gate.RunFigures;
import titan.lab.store.RunStore;

/**
 * {@code titan-lab jmh}: runs the JMH benchmarks of {@code jmh-bench} as a child process and keeps
 * JMH's JSON ({@code jmh.json}), its console output ({@code jmh.log}) and a short {@code summary.txt}
 * in {@code results/runs/jmh/<timestamp>/}, ready for {@code titan-lab gate}.
 *
 * <p>The benchmark jar is found at {@code --jar}, else at {@code jmh-bench/target/benchmarks.jar}
 * under the working directory, else beside the lab's own jar
 * ({@code harness/target/titan-lab.jar} -> {@code jmh-bench/target/benchmarks.jar}). It is not built
 * by the lab: {@code ./mvnw -B -pl jmh-bench -am package -DskipTests} builds it.
 */
@Command(name = "jmh", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the JMH micro-benchmarks (jmh-bench) and writes JMH's JSON to results/runs/jmh/<timestamp>/jmh.json.",
                "Options it does not know are passed to JMH, e.g. -p batch=1,1000 or -prof gc."})
public final class JmhCommand implements Callable<Integer> {
    static final String JAR_IN_REPOSITORY = "jmh-bench/target/benchmarks.jar";
    static final String BUILD_HINT = "./mvnw -B -pl jmh-bench -am package -DskipTests";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "REGEX",
            description = "Benchmarks to run, a JMH regular expression (default: all of them).")
    String regex;

    @Option(names = "--quick", description = "One fork, 1 warm-up and 3 measured iterations of 1 s each: a smoke run, "
            + "noisy, for CI gates with a wide threshold.")
    boolean quick;

    @Option(names = "--jar", paramLabel = "FILE", description = "The benchmark jar (default: found as described in the help).")
    Path jar;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "results/runs", description = "The results store (default: ${DEFAULT-VALUE}).")
    Path out;

    @CommandLine.Unmatched
    List<String> jmhArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<Path> found = findJar();
        if (found.isEmpty()) {
            err.printf("titan-lab jmh: no benchmark jar at %s; build it with%n  %s%nor name one with --jar%n",
                    jar != null ? jar : JAR_IN_REPOSITORY, BUILD_HINT);
            err.flush();
            return TitanLab.EXIT_USAGE;
        }
        Path run = new RunStore(out).newRun("jmh", ZonedDateTime.now());
        Path json = run.resolve("jmh.json");
        List<String> command = command(found.get(), json);
        o.printf("titan-lab jmh: %s%n", String.join(" ", command));
        o.flush();
        int exit = runChild(command, run.resolve("jmh.log"), o);
        if (exit != 0 || !Files.isRegularFile(json) || Files.size(json) == 0) {
            boolean noMatch = Files.readString(run.resolve("jmh.log")).contains("No matching benchmarks");
            err.printf("titan-lab jmh: %s (exit %d); its output is in %s%n", noMatch ? "no benchmark matches "
                    + (regex == null ? "" : "'" + regex + "'") + " (list them with: java -jar " + found.get() + " -l)"
                    : "JMH failed", exit, run.resolve("jmh.log"));
            err.flush();
            return noMatch ? TitanLab.EXIT_USAGE : TitanLab.EXIT_INTERNAL;
        }
        String summary = summary(FigureReader.read(json));
        Files.writeString(run.resolve("summary.txt"), summary);
        o.printf("%n%s%njmh.json     %s%n", summary, json);
        o.flush();
        return TitanLab.EXIT_VALID;
    }

    List<String> command(Path benchmarks, Path json) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.add("-jar");
        command.add(benchmarks.toString());
        if (regex != null) {
            command.add(regex);
        }
        command.addAll(List.of("-foe", "true")); // a benchmark that throws fails the run instead of vanishing from it
        if (quick) {
            command.addAll(List.of("-f", "1", "-wi", "1", "-w", "1s", "-i", "3", "-r", "1s"));
        }
        command.addAll(jmhArgs);
        command.addAll(List.of("-rf", "json", "-rff", json.toString()));
        return command;
    }

    private Optional<Path> findJar() {
        if (jar != null) {
            return Files.isRegularFile(jar) ? Optional.of(jar) : Optional.empty();
        }
        Path here = Path.of(JAR_IN_REPOSITORY);
        if (Files.isRegularFile(here)) {
            return Optional.of(here);
        }
        try {
            Path self = Path.of(JmhCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // harness/target/titan-lab.jar (or harness/target/classes) -> the repository root
            Path root = self.getParent() != null && self.getParent().getParent() != null
                    ? self.getParent().getParent().getParent() : null;
            if (root != null && Files.isRegularFile(root.resolve(JAR_IN_REPOSITORY))) {
                return Optional.of(root.resolve(JAR_IN_REPOSITORY));
            }
        } catch (URISyntaxException | RuntimeException e) {
            // no code source to start from: only the working directory was searched
        }
        return Optional.empty();
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Runs JMH, copying its output to the console and to {@code log}; returns its exit code. */
    private static int runChild(List<String> command, Path log, PrintWriter console) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             BufferedWriter file = Files.newBufferedWriter(log)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                console.println(line);
                console.flush();
                file.write(line);
                file.newLine();
            }
        } finally {
            if (process.isAlive()) {
                process.destroy();
            }
        }
        return process.waitFor();
    }

    /** One line per figure: score, error and unit, as JMH's own table shows them, names in full. */
    static String summary(RunFigures figures) {
        StringBuilder b = new StringBuilder();
        int width = figures.figures().keySet().stream().mapToInt(String::length).max().orElse(10);
        for (Figure f : figures.figures().values()) {
            b.append(String.format(Locale.ROOT, "%-" + width + "s  %14.3f %s %-12s %s%n", f.name(), f.value(),
                    Double.isNaN(f.error()) ? " " : "±", Double.isNaN(f.error()) ? "" : String.format(Locale.ROOT, "%.3f", f.error()),
                    f.unit()));
        }
        return b.toString();
    }
}
