package titan.lab.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code titan-lab sim}: the summary, the report folder, failing seeds, and the exit codes (docs/sim-failures.md). */
class SimCommandTest {
    @TempDir
    Path store;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine line = TitanLab.commandLine();
        line.setOut(new PrintWriter(out));
        line.setErr(new PrintWriter(err));
        String[] all = Stream.concat(Stream.of("sim", "--out", store.toString(), "--threads", "2"), Stream.of(args))
                .toArray(String[]::new);
        return line.execute(all);
    }

    // Healthy seeds: exit 0, the figures a user reads, and summary.json in a new run folder.
    @Test
    void healthySeedsExitZeroAndWriteASummary() throws IOException {
        assertThat(run("--seeds", "4", "--ops", "150")).isEqualTo(TitanLab.EXIT_VALID);
        assertThat(out.toString()).contains("seeds run         4").contains("violations        0")
                .contains("runs per second").contains("operations");
        Path summary = store.resolve("sim/latest/summary.json");
        assertThat(summary).exists();
        assertThat(Files.readString(summary)).contains("\"verdict\" : \"valid\"").contains("\"seedsRun\" : 4");
    }

    // A broken node (acknowledging before commit) must fail: exit 1, the failing seed's story is
    // printed, and its folder describes one run (the shrunk one) with the original beside it.
    @Test
    void aBrokenNodeExitsOneAndWritesTheFailingSeed() throws IOException {
        int exit = run("--seeds", "3", "--unsafe", "ack-before-commit", "--report-failures", "1",
                "--shrink-runs", "5");
        assertThat(exit).isEqualTo(TitanLab.EXIT_INVALID);
        String text = out.toString();
        assertThat(text).contains("=== seed ").contains("replay the original run: ./titan-lab sim --seeds 1 --seed-start ")
                .contains("replay the shrunk run:   ./titan-lab sim --replay ").contains("UNSAFE: ack-before-commit")
                .doesNotContain("-Dtitan.seed");
        Path run = store.resolve("sim/latest");
        Path seed = seedFolder(run);
        assertThat(seed.resolve("history.jsonl")).exists();
        assertThat(seed.resolve("original-history.jsonl")).exists();
        assertThat(seed.resolve("trace.txt")).exists();
        assertThat(seed.resolve("explanation.html")).exists();
        String test = Files.readString(seed.resolve("test.json"));
        assertThat(test).contains("\"unsafe\" : [ \"ack-before-commit\" ]").contains("\"schedule\" : [")
                .contains("\"original\" : {").doesNotContain("ACK_BEFORE_COMMIT");
        assertThat(Files.readString(seed.resolve("failure.txt"))).contains("shrunk in");
        String summary = Files.readString(run.resolve("summary.json"));
        assertThat(summary).contains("\"verdict\" : \"invalid\"").contains("\"folder\" : \"" + seed.getFileName() + "\"")
                .contains("\"replay\" : \"./titan-lab sim --replay ");
    }

    // The shrunk run replays from its test.json alone: the same failure kind, and the same history
    // byte for byte (the run is deterministic, and the file holds everything that shapes it).
    @Test
    void theShrunkRunReplaysFromItsTestJson() throws IOException {
        assertThat(run("--seeds", "2", "--unsafe", "ack-before-commit", "--report-failures", "1",
                "--shrink-runs", "10")).isEqualTo(TitanLab.EXIT_INVALID);
        Path seed = seedFolder(store.resolve("sim/latest")).toRealPath();
        String kind = new com.fasterxml.jackson.databind.ObjectMapper().readTree(seed.resolve("test.json").toFile())
                .path("failure").path("kind").asText();
        String history = Files.readString(seed.resolve("history.jsonl"));
        out.getBuffer().setLength(0);
        assertThat(run("--replay", seed.resolve("test.json").toString())).isEqualTo(TitanLab.EXIT_INVALID);
        assertThat(out.toString()).contains(": " + kind);
        Path replayed = seedFolder(store.resolve("sim/latest")).toRealPath();
        assertThat(replayed).isNotEqualTo(seed);
        assertThat(Files.readString(replayed.resolve("history.jsonl"))).isEqualTo(history);
    }

    // Every "history.jsonl:N" the folder's story cites is a line of that folder's history.jsonl, and
    // it is the operation the story names there.
    @Test
    void lineReferencesResolveInTheSeedFolder() throws IOException {
        assertThat(run("--seeds", "5", "--unsafe", "no-dedup,stale-reads", "--report-failures", "1",
                "--shrink-runs", "20")).isEqualTo(TitanLab.EXIT_INVALID);
        Path seed = seedFolder(store.resolve("sim/latest"));
        List<String> history = Files.readAllLines(seed.resolve("history.jsonl"));
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("(p(\\d+) (\\w+) (k\\d+)[^\n]*?)\\(history\\.jsonl:(\\d+)")
                .matcher(Files.readString(seed.resolve("failure.txt")));
        int checked = 0;
        while (m.find()) {
            String line = history.get(Integer.parseInt(m.group(5)) - 1);
            assertThat(line).as(m.group(1)).contains("\"process\":" + m.group(2)).contains("\"f\":\"" + m.group(3) + "\"")
                    .contains("\"key\":\"" + m.group(4) + "\"");
            checked++;
        }
        String kind = Files.readString(seed.resolve("failure.txt"));
        if (kind.contains("not-linearizable")) {
            assertThat(checked).isPositive();
        }
    }

    // Without a terminal (CI), progress is plain lines, not a progress bar's carriage returns.
    @Test
    void withoutATerminalProgressIsPlainLines() {
        assertThat(run("--seeds", "2", "--ops", "50")).isEqualTo(TitanLab.EXIT_VALID);
        assertThat(err.toString()).contains("seeds 2 of 2 (100%), 0 failing").doesNotContain("\r");
    }

    private static Path seedFolder(Path run) throws IOException {
        try (Stream<Path> seeds = Files.list(run)) {
            return seeds.filter(p -> p.getFileName().toString().startsWith("seed-")).findFirst().orElseThrow();
        }
    }

    @Test
    void badArgumentsExit254WithAClearMessage() {
        assertThat(run("--seeds", "0")).isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(err.toString()).contains("--seeds must be at least 1");
        assertThat(run("--faults", "meteor")).isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(err.toString()).contains("unknown fault kind 'meteor'");
        assertThat(run("--unsafe", "yolo")).isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(err.toString()).contains("unknown unsafe mode 'yolo'");
        assertThat(run("--nodes", "12")).isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(run("--check-timeout", "99999999999h")).isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(err.toString()).contains("must be at most 1000h").doesNotContain("Exception");
        assertThat(run("--replay", store.resolve("nothing.json").toString())).isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(err.toString()).contains("nothing.json: no such file");
    }
}
