package titan.lab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Bad input to {@code titan-lab check} (and {@code sim}'s durations), one row per case: the exit
 * code and the sentence a person gets, with file and line, never a parser's internals or a stack
 * trace. Each row writes its input, runs the command, and compares; the table is also written to
 * {@code target/malformed-inputs.md} for the reader of a change.
 */
class MalformedInputTest {
    private static final String INVOKE = "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"key\":\"k\",\"value\":\"1\",\"time\":10}";
    private static final String OK = "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"key\":\"k\",\"value\":\"1\",\"time\":20}";
    private static final String VALID = INVOKE + "\n" + OK + "\n";
    private static final String STALE = VALID + "{\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k\",\"time\":30}\n"
            + "{\"process\":1,\"type\":\"ok\",\"f\":\"read\",\"key\":\"k\",\"value\":null,\"time\":40}\n";

    /**
     * One case.
     *
     * @param content the file's bytes ({@code null}: no file is written; {@code "-"} in args reads {@code stdin})
     * @param args    the arguments; {@code FILE} stands for the written file
     */
    record Case(String name, byte[] content, String stdin, List<String> args, int exit, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<String> TABLE = new ArrayList<>();

    @TempDir
    static Path folder;

    private static Case file(String name, String content, int exit, String message, String... extra) {
        List<String> args = new ArrayList<>(List.of("check", "FILE"));
        args.addAll(List.of(extra));
        return new Case(name, content.getBytes(StandardCharsets.UTF_8), null, args, exit, message);
    }

    private static Case bytes(String name, byte[] content, int exit, String message) {
        return new Case(name, content, null, List.of("check", "FILE"), exit, message);
    }

    private static Case args(String name, int exit, String message, String... args) {
        return new Case(name, null, null, List.of(args), exit, message);
    }

    static Stream<Case> cases() {
        byte[] bom = ("\uFEFF" + VALID).getBytes(StandardCharsets.UTF_8);
        byte[] latin1 = (INVOKE.replace("\"1\"", "\"caf\u00e9\"") + "\n").getBytes(StandardCharsets.ISO_8859_1);
        String longLine = "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":\"" + "x".repeat(5 << 20) + "\"}\n";
        return Stream.of(
                args("no such file", 254, "missing.jsonl: cannot read: no such file", "check", "MISSING"),
                args("a directory", 254, ": cannot read: is a directory", "check", "DIR"),
                file("empty file", "", 0, "warning: FILE: the history has no operations"),
                file("empty file, --strict", "", 254, "FILE: the history has no operations", "--strict"),
                file("JSON cut short", "{\"process\":0,\"type\":\"invoke\"\n", 254,
                        "FILE:1: malformed JSON: the line ends before the object is closed"),
                file("bare word", "{\"process\":0,\"type\":invoke}\n", 254,
                        "FILE:1: malformed JSON: a bare word at column"),
                file("comment line", "# recorded by hand\n" + VALID, 254,
                        "FILE:1: a comment line (it starts with '#'); JSON Lines has no comments"),
                file("NUL byte", INVOKE + "\n{\"process\":0,\u0000}\n", 254, "FILE:2: a NUL byte at column 14"),
                file("5 MB line", longLine, 254, "FILE:1: the line is 5.2 MB long; one event may be at most 4 MB"),
                bytes("not UTF-8", latin1, 254, "FILE:1: not UTF-8 text (byte 0xe9"),
                file("unknown event type", INVOKE + "\n{\"process\":0,\"type\":\"done\",\"f\":\"write\"}\n", 254,
                        "FILE:2: unknown event type \"done\""),
                file("completion without invoke", OK + "\n", 254,
                        "FILE:1: process 0 completes write (ok) without an open invoke"),
                file("duplicate field", INVOKE.replace("\"time\":10", "\"time\":10,\"time\":11") + "\n" + OK + "\n",
                        0, "warning: FILE:1: field \"time\" given twice; the last value is used"),
                file("duplicate field, --strict", INVOKE.replace("\"time\":10", "\"time\":10,\"time\":11") + "\n" + OK
                        + "\n", 254, "FILE:1: field \"time\" given twice; the last value is used (--strict)", "--strict"),
                file("duplicate index, --strict", INVOKE.replace("{", "{\"index\":0,") + "\n" + OK.replace("{", "{\"index\":0,")
                        + "\n", 254, "FILE:2: \"index\" 0 again (first at line 1)", "--strict"),
                file("time going backward, --strict", INVOKE + "\n" + OK.replace("\"time\":20", "\"time\":5") + "\n", 254,
                        "FILE:2: time goes backward: 5 after 10 at line 1", "--strict"),
                file("negative time, --strict", INVOKE.replace("\"time\":10", "\"time\":-7") + "\n" + OK + "\n", 254,
                        "FILE:1: negative time -7", "--strict"),
                file("process reused after info, --strict", INVOKE + "\n" + OK.replace("\"ok\"", "\"info\"") + "\n"
                        + INVOKE.replace("\"time\":10", "\"time\":30") + "\n", 254,
                        "FILE:3: process 0 invokes again after its info at line 2", "--strict"),
                file("kv op without a key, --strict", VALID.replace(",\"key\":\"k\"", ""), 254,
                        "FILE:1: process 0 write has no \"key\"", "--strict"),
                file("ok value differs from invoke, --strict", INVOKE + "\n" + OK.replace("\"1\"", "\"2\"") + "\n", 254,
                        "a write completes with its own argument (--strict)", "--strict"),
                bytes("byte-order mark", bom, 0, "1 file: 1 valid"),
                new Case("standard input", null, VALID, List.of("check", "-"), 0, "-  valid  ops=1"),
                file("EDN vector never closed", "[{:process 0, :type :invoke, :f :read}\n", 254,
                        "FILE:1: the history's '[' is never closed"),
                file("--timeout overflowing", VALID, 254, "Invalid value for option '--timeout': must be at most 1000h",
                        "--timeout", "99999999999h"),
                file("--timeout without unit", VALID, 254, "Invalid value for option '--timeout': needs a unit: 60s",
                        "--timeout", "60"),
                args("sim --check-timeout overflowing", 254,
                        "Invalid value for option '--check-timeout': must be at most 1000h",
                        "sim", "--check-timeout", "99999999999h"),
                file("--time-axis unknown", VALID, 254, "--time-axis must be order or time, not sideways",
                        "--time-axis", "sideways"),
                new Case("invalid beside unreadable", STALE.getBytes(StandardCharsets.UTF_8), null,
                        List.of("check", "FILE", "MISSING"), 1, "2 files: 0 valid, 1 invalid, 0 unknown, 1 not checked"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachMalformedInputGetsItsExitCodeAndSentence(Case c) throws IOException {
        Path file = folder.resolve(c.name().replaceAll("[^a-zA-Z0-9]+", "-") + (c.name().startsWith("EDN") ? ".edn" : ".jsonl"));
        if (c.content() != null) {
            Files.write(file, c.content());
        }
        Path dir = Files.createDirectories(folder.resolve("a-folder.jsonl"));
        List<String> args = c.args().stream().map(a -> switch (a) {
            case "FILE" -> file.toString();
            case "MISSING" -> folder.resolve("missing.jsonl").toString();
            case "DIR" -> dir.toString();
            default -> a;
        }).toList();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = TitanLab.commandLine();
        line.setOut(new PrintWriter(out));
        line.setErr(new PrintWriter(err));
        CheckCommand check = line.getSubcommands().get("check").getCommand();
        check.stdin = new ByteArrayInputStream(c.stdin() == null ? new byte[0] : c.stdin().getBytes(StandardCharsets.UTF_8));
        int exit = line.execute(args.toArray(String[]::new));
        String said = out + "\n" + err;
        String expected = c.message().replace("FILE", file.toString());
        TABLE.add("| " + c.name() + " | `" + String.join(" ", c.args()) + "` | " + exit + " | "
                + firstLineContaining(said, expected).replace(folder.toString() + "/", "").replace("|", "\\|") + " |");
        assertThat(exit).as(said).isEqualTo(c.exit());
        assertThat(said).contains(expected);
        assertThat(said).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("com.fasterxml")
                .doesNotContain("(code ");
    }

    private static String firstLineContaining(String text, String part) {
        return text.lines().filter(l -> l.contains(part)).findFirst().orElse(text.lines().findFirst().orElse(""));
    }

    // Permission denied needs a file this user cannot read; root reads everything, so the case runs
    // only where the permission holds.
    @Test
    void unreadableFileSaysPermissionDenied() throws IOException {
        Path file = folder.resolve("secret.jsonl");
        Files.writeString(file, VALID);
        file.toFile().setReadable(false, false);
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.isReadable(file), "running as root: every file is readable");
        StringWriter err = new StringWriter();
        CommandLine line = TitanLab.commandLine();
        line.setOut(new PrintWriter(new StringWriter()));
        line.setErr(new PrintWriter(err));
        assertThat(line.execute("check", file.toString())).isEqualTo(254);
        assertThat(err.toString()).contains(file + ": cannot read: permission denied");
    }

    @AfterAll
    static void writeTable() throws IOException {
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            List<String> lines = new ArrayList<>();
            lines.add("| input | command | exit | what the user reads |");
            lines.add("|---|---|---|---|");
            lines.addAll(TABLE);
            Files.write(target.resolve("malformed-inputs.md"), lines);
        }
    }
}
