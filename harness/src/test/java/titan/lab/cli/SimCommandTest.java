package titan.lab.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code titan-lab sim}: the summary, the report folder, failing seeds, and DESIGN.md's exit codes. */
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
    // printed, and its folder holds the history, the trace and how to replay it.
    @Test
    void aBrokenNodeExitsOneAndWritesTheFailingSeed() throws IOException {
        int exit = run("--seeds", "3", "--unsafe", "ack-before-commit", "--report-failures", "1",
                "--shrink-runs", "5");
        assertThat(exit).isEqualTo(TitanLab.EXIT_INVALID);
        String text = out.toString();
        assertThat(text).contains("=== seed ").contains("replay: ./titan-lab sim --seeds 1 --seed-start ")
                .contains("UNSAFE: ack-before-commit");
        Path run = store.resolve("sim/latest");
        try (Stream<Path> seeds = Files.list(run)) {
            Path seed = seeds.filter(p -> p.getFileName().toString().startsWith("seed-")).findFirst().orElseThrow();
            assertThat(seed.resolve("history.jsonl")).exists();
            assertThat(seed.resolve("trace.txt")).exists();
            assertThat(Files.readString(seed.resolve("test.json"))).contains("\"unsafe\" : [ \"ACK_BEFORE_COMMIT\" ]");
            assertThat(Files.readString(seed.resolve("failure.txt"))).contains("shrunk in");
        }
        assertThat(Files.readString(run.resolve("summary.json"))).contains("\"verdict\" : \"invalid\"");
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
    }
}
