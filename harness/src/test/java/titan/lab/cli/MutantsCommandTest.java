package titan.lab.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code titan-lab sim mutants}: the table, the clean row, the exit code and mutants.json. */
class MutantsCommandTest {
    @TempDir
    Path store;

    private final StringWriter out = new StringWriter();

    private int run(String... args) {
        CommandLine line = TitanLab.commandLine();
        line.setOut(new PrintWriter(out));
        line.setErr(new PrintWriter(new StringWriter()));
        String[] all = new String[args.length + 6];
        all[0] = "sim";
        all[1] = "mutants";
        all[2] = "--out";
        all[3] = store.toString();
        all[4] = "--threads";
        all[5] = "2";
        System.arraycopy(args, 0, all, 6, args.length);
        return line.execute(all);
    }

    // A mutant caught on every seed: one clean row and one mutant row per size, exit 0, a report.
    @Test
    void printsOneRowPerMutantAndSizeAfterTheCleanRow() throws IOException {
        int exit = run("--seeds", "3", "--nodes", "3", "--ops", "150", "--mutants", "ack-before-commit",
                "--min-share", "0.3");
        String text = out.toString();
        assertThat(text).contains("(none: clean)").contains("ack-before-commit").contains("clean rows clean");
        assertThat(exit).as(text).isEqualTo(TitanLab.EXIT_VALID);
        Path report = Files.list(store.resolve("sim-mutants")).filter(p -> !p.getFileName().toString().equals("latest"))
                .findFirst().orElseThrow().resolve("mutants.json");
        assertThat(Files.readString(report)).contains("\"mutant\" : \"ack-before-commit\"").contains("\"firstCheck\"");
    }

    // A threshold no mutant can reach fails the command: the table is a gate, not only a report.
    @Test
    void aMutantBelowTheShareExitsOne() {
        int exit = run("--seeds", "2", "--nodes", "3", "--ops", "100", "--mutants", "ack-before-commit",
                "--min-share", "1.01");
        assertThat(exit).isEqualTo(TitanLab.EXIT_INVALID);
        assertThat(out.toString()).contains("mutants below 101%: ack-before-commit@3");
    }

    // A mutant never caught fails the first-seed bound even with no share asked for: without
    // writes nothing can be lost, so ack-before-commit goes unnoticed.
    @Test
    void aMutantNotCaughtWithinTheFirstSeedsExitsOne() {
        int exit = run("--seeds", "1", "--nodes", "3", "--ops", "0", "--mutants", "ack-before-commit",
                "--min-share", "0", "--first-within", "1");
        assertThat(exit).as(out.toString()).isEqualTo(TitanLab.EXIT_INVALID);
        assertThat(out.toString()).contains("mutants below 0%: none")
                .contains("not caught within the first 1 seeds: ack-before-commit@3");
    }

    @Test
    void anUnknownMutantIsABadArgument() {
        assertThat(run("--mutants", "no-such-bug")).isEqualTo(TitanLab.EXIT_USAGE);
    }
}
