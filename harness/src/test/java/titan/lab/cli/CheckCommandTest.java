package titan.lab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code titan-lab check}: one line per file, a summary, and the exit codes of docs/history-format.md. */
class CheckCommandTest {
    private static final String VALID = """
            {"process":0,"type":"invoke","f":"write","key":"k1","value":"3","time":1200,"node":"n2"}
            {"process":0,"type":"ok","f":"write","key":"k1","value":"3","time":5400,"node":"n2"}
            {"process":1,"type":"invoke","f":"read","key":"k1","value":null,"time":6000}
            {"process":1,"type":"ok","f":"read","key":"k1","value":"3","time":7000}
            """;
    private static final String STALE_READ = VALID.replace("\"value\":\"3\",\"time\":7000", "\"value\":null,\"time\":7000");

    @TempDir
    Path folder;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine line = TitanLab.commandLine();
        line.setOut(new PrintWriter(out));
        line.setErr(new PrintWriter(err));
        return line.execute(args);
    }

    private String file(String name, String text) throws IOException {
        Path path = folder.resolve(name);
        Files.writeString(path, text);
        return path.toString();
    }

    // A linearizable history: exit 0 and a verdict line with the counts.
    @Test
    void validHistoryExitsZero() throws IOException {
        String history = file("kv-ok.jsonl", VALID);
        assertThat(run("check", history)).isEqualTo(TitanLab.EXIT_VALID);
        assertThat(out.toString()).contains(history + "  valid  ops=2  partitions=1")
                .contains("1 file: 1 valid, 0 invalid, 0 unknown");
    }

    // A stale read: exit 1, and the line explains which key, which operation, which line.
    @Test
    void invalidHistoryExitsOneAndExplains() throws IOException {
        String good = file("kv-ok.jsonl", VALID);
        String bad = file("kv-stale-read-bad.jsonl", STALE_READ);
        assertThat(run("check", good, bad, "--model", "kv")).isEqualTo(TitanLab.EXIT_INVALID);
        assertThat(out.toString()).contains(bad + "  invalid  ops=2")
                .contains("key k1: p1 read k1 nil ok (" + bad + ":3) cannot be linearized after 1 of 2 operations")
                .contains("2 files: 1 valid, 1 invalid, 0 unknown");
    }

    // Knossos's (cas-register 0) semantics on EDN: a nil read is unknown, so it is legal.
    @Test
    void ednHistoryUsesKnossosSemantics() throws IOException {
        String edn = file("knossos.edn", """
                [{:process 0, :type :invoke, :f :read, :value nil}
                 {:process 0, :type :ok, :f :read, :value 0}
                 {:process 1, :type :invoke, :f :cas, :value [0 1]}
                 {:process 1, :type :ok, :f :cas, :value [0 1]}
                 {:process 2, :type :invoke, :f :read, :value nil}
                 {:process 2, :type :ok, :f :read, :value nil}]
                """);
        assertThat(run("check", edn, "--model", "cas-register", "--initial", "0")).isEqualTo(TitanLab.EXIT_VALID);
        assertThat(run("check", edn, "--model", "cas-register", "--initial", "0", "--nil-read", "absent"))
                .isEqualTo(TitanLab.EXIT_INVALID);
    }

    // A malformed file is named with its line and reason, and gets its own line among the verdicts;
    // it does not hide another file's invalid verdict: exit 1 (the exit code for a mix, as --help says).
    @Test
    void malformedFileBesideAnInvalidOneExitsOne() throws IOException {
        String bad = file("kv-stale-read-bad.jsonl", STALE_READ);
        String broken = file("broken.jsonl", VALID + "{\"process\":2,\"type\":\"done\",\"f\":\"read\"}\n");
        assertThat(run("check", bad, broken)).isEqualTo(TitanLab.EXIT_INVALID);
        assertThat(err.toString()).contains(broken + ":5: unknown event type \"done\"");
        assertThat(out.toString()).contains(bad + "  invalid").contains(broken + "  not checked")
                .contains("2 files: 0 valid, 1 invalid, 0 unknown, 1 not checked");
        assertThat(err.toString()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    // Alone, or beside valid files, a malformed file makes the exit code 254.
    @Test
    void malformedFileBesideAValidOneExits254() throws IOException {
        String good = file("kv-ok.jsonl", VALID);
        String broken = file("broken.jsonl", "{\"process\":0\n");
        assertThat(run("check", good, broken)).isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(out.toString()).contains(good + "  valid");
    }

    // A file that does not exist, an operation the model does not know, and bad options: all 254.
    @Test
    void badArgumentsExit254() throws IOException {
        String history = file("kv-ok.jsonl", VALID);
        assertThat(run("check", folder.resolve("missing.jsonl").toString())).isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(err.toString()).contains("missing.jsonl: cannot read");
        assertThat(run("check", history, "--model", "mutex")).isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(err.toString()).contains(history + ":1: model mutex cannot check p0 write k1 \"3\" ok");
        assertThat(run("check", history, "--model", "graph")).isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(run("check", history, "--timeout", "soon")).isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(run("check")).isEqualTo(TitanLab.EXIT_USAGE);
    }

    // The set workload: exit 1 with lost elements named.
    @Test
    void setModelReportsLostElements() throws IOException {
        String history = file("set-lost-bad.jsonl", """
                {"process":0,"type":"invoke","f":"add","value":1}
                {"process":0,"type":"ok","f":"add","value":1}
                {"process":1,"type":"invoke","f":"add","value":2}
                {"process":1,"type":"ok","f":"add","value":2}
                {"process":0,"type":"invoke","f":"read","value":null}
                {"process":0,"type":"ok","f":"read","value":[1]}
                """);
        assertThat(run("check", history, "--model", "set")).isEqualTo(TitanLab.EXIT_INVALID);
        assertThat(out.toString()).contains("invalid").contains("1 lost ([2])");
    }

    // --html with one history writes exactly that file: the page names the operation that cannot
    // be linearized, and the command says where the page is.
    @Test
    void htmlWritesTheGivenFileForOneHistory() throws IOException {
        String history = file("kv-stale-read-bad.jsonl", STALE_READ);
        Path html = folder.resolve("out.html");
        assertThat(run("check", history, "--html", html.toString())).isEqualTo(TitanLab.EXIT_INVALID);
        assertThat(html).exists();
        assertThat(Files.readString(html)).startsWith("<!DOCTYPE html>")
                .contains("<span class=\"verdict invalid\">INVALID</span>")
                .contains("<code class=\"bad-op\">p1 read k1 nil ok</code>")
                .contains("Timeline of key <code>k1</code>")
                .doesNotContain("http://").doesNotContain("https://");
        assertThat(out.toString()).contains("  html: " + html);
        assertThat(err.toString()).isEmpty();
    }

    // With several histories each gets its own page, numbered by its position among the arguments;
    // a valid history's page is a summary.
    @Test
    void htmlWithSeveralHistoriesWritesNumberedPages() throws IOException {
        String good = file("kv-ok.jsonl", VALID);
        String bad = file("kv-stale-read-bad.jsonl", STALE_READ);
        Path html = folder.resolve("explain.html");
        assertThat(run("check", good, bad, "--html", html.toString())).isEqualTo(TitanLab.EXIT_INVALID);
        Path first = folder.resolve("explain-1.html");
        Path second = folder.resolve("explain-2.html");
        assertThat(html).doesNotExist();
        assertThat(Files.readString(first)).contains("<span class=\"verdict valid\">VALID</span>").contains("kv-ok.jsonl");
        assertThat(Files.readString(second)).contains("<span class=\"verdict invalid\">INVALID</span>")
                .contains("kv-stale-read-bad.jsonl");
        assertThat(out.toString()).contains("  html: " + first).contains("  html: " + second);
    }

    // The naming rule is in --help, so a user can find the pages.
    @Test
    void helpExplainsHowHtmlPagesAreNamed() {
        assertThat(run("check", "--help")).isZero();
        assertThat(out.toString().replaceAll("\\s+", " ")).contains("out.html gives out-1.html,")
                .contains("the history's position among the arguments (from 1)");
    }

    // A page that cannot be written (its folder is missing) is an unusable argument: the verdict is
    // still printed, the error names the page, and the exit code is 254; an invalid verdict still
    // wins (exit 1), as for any mix.
    @Test
    void unwritableHtmlExits254() throws IOException {
        String good = file("kv-ok.jsonl", VALID);
        String bad = file("kv-stale-read-bad.jsonl", STALE_READ);
        Path html = folder.resolve("missing-folder").resolve("out.html");
        assertThat(run("check", good, "--html", html.toString())).isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(out.toString()).contains(good + "  valid  ops=2");
        assertThat(err.toString()).contains("cannot write " + html + ": its folder does not exist")
                .doesNotContain("Exception");
        assertThat(run("check", bad, "--html", html.toString())).isEqualTo(TitanLab.EXIT_INVALID);
        assertThat(out.toString()).contains(bad + "  invalid  ops=2");
    }

    // The set checker has no timeline; --html says so and writes nothing.
    @Test
    void htmlIsNotWrittenForTheSetModel() throws IOException {
        String history = file("set-ok.jsonl", """
                {"process":0,"type":"invoke","f":"add","value":1}
                {"process":0,"type":"ok","f":"add","value":1}
                {"process":0,"type":"invoke","f":"read","value":null}
                {"process":0,"type":"ok","f":"read","value":[1]}
                """);
        Path html = folder.resolve("out.html");
        assertThat(run("check", history, "--model", "set", "--html", html.toString())).isEqualTo(TitanLab.EXIT_VALID);
        assertThat(err.toString()).contains("there is no page for --model set");
        assertThat(html).doesNotExist();
    }

    // A one-millisecond deadline on a history that needs a long search: exit 2.
    @Test
    void deadlineExitsTwo() throws IOException {
        StringBuilder text = new StringBuilder();
        // 24 concurrent writes, then a read of a value none wrote: before it can say invalid the
        // search must visit every subset of the writes (2^24 of them, times the last value), which
        // takes far longer than a millisecond on any machine.
        for (int p = 0; p < 24; p++) {
            text.append("{\"process\":").append(p).append(",\"type\":\"invoke\",\"f\":\"write\",\"value\":\"").append(p).append("\"}\n");
        }
        for (int p = 0; p < 24; p++) {
            text.append("{\"process\":").append(p).append(",\"type\":\"ok\",\"f\":\"write\",\"value\":\"").append(p).append("\"}\n");
        }
        text.append("{\"process\":99,\"type\":\"invoke\",\"f\":\"read\",\"value\":null}\n");
        text.append("{\"process\":99,\"type\":\"ok\",\"f\":\"read\",\"value\":\"x\"}\n");
        String history = file("slow.jsonl", text.toString());
        assertThat(run("check", history, "--model", "register", "--timeout", "1ms")).isEqualTo(TitanLab.EXIT_UNKNOWN);
        assertThat(out.toString()).contains("  unknown  ").contains("deadline of 1 ms passed")
                .contains("1 file: 0 valid, 0 invalid, 1 unknown");
    }
}
