package titan.lab.gate;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import titan.lab.cli.TitanLab;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code titan-lab gate} on real file formats: JMH's JSON, bench.json, the simulator's summary.json; exit codes. */
class GateCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine line = TitanLab.commandLine();
        line.setOut(new PrintWriter(out));
        line.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 1];
        all[0] = "gate";
        System.arraycopy(args, 0, all, 1, args.length);
        return line.execute(all);
    }

    private static String jmh(double score, double... iterations) {
        StringBuilder raw = new StringBuilder();
        for (double v : iterations) {
            raw.append(raw.length() == 0 ? "" : ",").append(v);
        }
        return """
                [{"benchmark":"titan.node.storage.FileLogStoreBenchmark.appendAndSync","mode":"thrpt",
                  "params":{"entryBytes":"256","batch":"100"},
                  "primaryMetric":{"score":%s,"scoreError":"NaN","scoreUnit":"ops/s","rawData":[[%s]]},
                  "secondaryMetrics":{"entries":{"score":%s,"scoreError":"NaN","scoreUnit":"ops/s","rawData":[[%s]]}}}]
                """.formatted(score, raw, score * 100, raw.toString().isEmpty() ? "" : scaled(iterations));
    }

    private static String scaled(double[] values) {
        StringBuilder b = new StringBuilder();
        for (double v : values) {
            b.append(b.length() == 0 ? "" : ",").append(v * 100);
        }
        return b.toString();
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    // The same JMH result passes with a table naming the figure with its parameters; a run at half
    // the speed with tight samples fails with exit 1 and says REGRESSION.
    @Test
    void jmhResultsPassAndFail() throws IOException {
        Path base = write("base.json", jmh(1000, 990, 1000, 1010));
        Path same = write("run1/jmh.json", jmh(1005, 995, 1005, 1015));
        Path slow = write("run2/jmh.json", jmh(500, 495, 500, 505));
        assertThat(run("--baseline", base.toString(), "--run", same.getParent().toString())).isEqualTo(TitanLab.EXIT_VALID);
        assertThat(out.toString()).contains("FileLogStoreBenchmark.appendAndSync{batch=100,entryBytes=256}")
                .contains("appendAndSync{batch=100,entryBytes=256}:entries").contains("PASS");
        assertThat(run("--baseline", base.toString(), "--run", slow.toString())).isEqualTo(TitanLab.EXIT_INVALID);
        assertThat(out.toString()).contains("REGRESSION").contains("-50.0%").contains("FAIL");
    }

    // bench.json figures are objects with value and unit; the ratio says which way is better.
    @Test
    void benchFiguresIncludingARatio() throws IOException {
        String template = """
                {"test":"bench","protocols":{"tcp":{"maxThroughput":{"value":%s,"unit":"ops/s"}}},
                 "ratios":{"tcpToHttpThroughput":{"value":%s,"unit":"ratio","better":"higher"}}}
                """;
        Path base = write("b.json", template.formatted(1000, 1.8));
        Path worse = write("r/bench.json", template.formatted(1000, 1.2));
        assertThat(run("--baseline", base.toString(), "--run", worse.toString(), "--only", "^ratios\\."))
                .isEqualTo(TitanLab.EXIT_INVALID);
        assertThat(out.toString()).contains("ratios.tcpToHttpThroughput").doesNotContain("protocols.tcp.maxThroughput");
    }

    // A simulator summary whose verdict went from valid to invalid fails, whatever its speed.
    @Test
    void simVerdictGotWorse() throws IOException {
        Path base = write("s1.json", "{\"test\":\"sim\",\"verdict\":\"valid\",\"runsPerSecond\":100.0}");
        Path bad = write("s2.json", "{\"test\":\"sim\",\"verdict\":\"invalid\",\"runsPerSecond\":150.0}");
        assertThat(run("--baseline", base.toString(), "--run", bad.toString())).isEqualTo(TitanLab.EXIT_INVALID);
        assertThat(out.toString()).contains("the correctness verdict got worse: valid -> invalid");
    }

    // Bad input is a usage error (254) with a clear message, never a stack trace.
    @Test
    void badInputIsAUsageError() throws IOException {
        Path base = write("b.json", jmh(1000, 1000, 1000));
        assertThat(run("--baseline", dir.resolve("nope.json").toString(), "--run", base.toString()))
                .isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(err.toString()).contains("no such result file");
        Path garbage = write("g.json", "{not json");
        assertThat(run("--baseline", base.toString(), "--run", garbage.toString())).isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(err.toString()).contains("is not JSON");
        Path emptyDir = Files.createDirectories(dir.resolve("empty"));
        assertThat(run("--baseline", base.toString(), "--run", emptyDir.toString())).isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(err.toString()).contains("holds none of");
        Path bench = write("bench.json", "{\"test\":\"bench\",\"x\":{\"value\":1,\"unit\":\"ops/s\"}}");
        assertThat(run("--baseline", base.toString(), "--run", bench.toString())).isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(err.toString()).contains("the baseline is a jmh result but the run is a bench result");
        assertThat(run("--baseline", base.toString(), "--run", base.toString(), "--only", "([")).isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(run("--baseline", base.toString(), "--run", base.toString(), "--threshold", "-1")).isEqualTo(TitanLab.EXIT_USAGE);
    }

    private static String storeRun(double walEntries, double deviceEntries) {
        return """
                [{"benchmark":"b.Store.appendAndSync","params":{"batch":"100"},
                  "primaryMetric":{"score":%s,"scoreError":"NaN","scoreUnit":"ops/s","rawData":[[%s,%s,%s]]}},
                 {"benchmark":"b.Store.baselineWriteAndForce","params":{"batch":"100"},
                  "primaryMetric":{"score":%s,"scoreError":"NaN","scoreUnit":"ops/s","rawData":[[%s,%s,%s]]}}]
                """.formatted(walEntries, walEntries * 0.98, walEntries, walEntries * 1.02,
                deviceEntries, deviceEntries * 0.98, deviceEntries, deviceEntries * 1.02);
    }

    // A saved baseline with a ratio of two figures of one run: a run on a machine twice as slow
    // (both figures halve) passes, because the ratio holds; a run whose log store lost its group
    // commit (the WAL at 1% of the device) fails on the ratio, though the device figure is unchanged.
    @Test
    void savedBaselineWithARatioMeasuredInOneRun() throws IOException {
        Path first = write("first/jmh.json", storeRun(14_000, 13_000));
        Path saved = dir.resolve("baselines/store.json");
        String ratio = "walPerDevice=b.Store.appendAndSync{batch=100}/b.Store.baselineWriteAndForce{batch=100}";
        assertThat(run("--run", first.toString(), "--save-baseline", saved.toString(), "--only", "^$",
                "--ratio", ratio, "--machine", "test machine")).isEqualTo(TitanLab.EXIT_VALID);
        String json = Files.readString(saved);
        assertThat(json).contains("\"baselineOf\" : \"jmh\"").contains("\"machine\" : \"test machine\"")
                .contains("\"walPerDevice\"").contains("\"better\" : \"higher\"");

        Path slowMachine = write("slow/jmh.json", storeRun(7_000, 6_500));
        assertThat(run("--baseline", saved.toString(), "--run", slowMachine.toString())).isEqualTo(TitanLab.EXIT_VALID);
        Path noGroupCommit = write("bad/jmh.json", storeRun(140, 13_000));
        assertThat(run("--baseline", saved.toString(), "--run", noGroupCommit.toString())).isEqualTo(TitanLab.EXIT_INVALID);
        assertThat(out.toString()).contains("walPerDevice").contains("REGRESSION");
        // A run without the figures a ratio needs: the ratio is missing, and the gate fails.
        Path other = write("other/jmh.json", jmh(1000, 1000, 1000));
        assertThat(run("--baseline", saved.toString(), "--run", other.toString())).isEqualTo(TitanLab.EXIT_INVALID);
        assertThat(out.toString()).contains("MISSING");
    }

    @Test
    void badRatiosAreUsageErrors() throws IOException {
        Path first = write("first/jmh.json", storeRun(14_000, 13_000));
        Path saved = dir.resolve("b.json");
        assertThat(run("--run", first.toString(), "--save-baseline", saved.toString(), "--ratio", "nonsense"))
                .isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(err.toString()).contains("--ratio must look like NAME=NUMERATOR/DENOMINATOR");
        assertThat(run("--run", first.toString(), "--save-baseline", saved.toString(), "--ratio", "r=x/y"))
                .isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(err.toString()).contains("the run has no figure x");
        assertThat(run("--run", first.toString())).isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(err.toString()).contains("--baseline is required");
    }
}
