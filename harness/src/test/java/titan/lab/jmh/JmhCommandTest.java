package titan.lab.jmh;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import titan.lab.cli.TitanLab;
import titan.lab.gate.FigureReader;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code titan-lab jmh}: the JMH command line it builds, the missing-jar message, the summary. */
class JmhCommandTest {
    @TempDir
    Path dir;

    @Test
    void aMissingJarIsAClearErrorWithTheBuildCommand() {
        StringWriter err = new StringWriter();
        CommandLine line = TitanLab.commandLine();
        line.setOut(new PrintWriter(new StringWriter()));
        line.setErr(new PrintWriter(err));
        int exit = line.execute("jmh", "--jar", dir.resolve("none.jar").toString(), "--out", dir.toString());
        assertThat(exit).isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(err.toString()).contains("no benchmark jar at").contains(JmhCommand.BUILD_HINT);
        assertThat(dir.resolve("jmh")).doesNotExist();
    }

    // --quick shortens the run; options the lab does not know go to JMH; JSON always goes to the run folder.
    @Test
    void buildsTheJmhCommandLine() {
        JmhCommand command = new JmhCommand();
        new CommandLine(command).parseArgs("FileLogStore", "--quick", "-p", "batch=1,1000");
        String line = String.join(" ", command.command(Path.of("b.jar"), Path.of("run/jmh.json")));
        assertThat(line).contains("-jar b.jar FileLogStore -foe true -f 1 -wi 1 -w 1s -i 3 -r 1s -p batch=1,1000 -rf json -rff run/jmh.json");
    }

    @Test
    void summarisesScoresWithErrorsAndUnits() throws Exception {
        Path json = Files.writeString(dir.resolve("jmh.json"), """
                [{"benchmark":"titan.node.kv.KvStateMachineBenchmark.apply","params":{"op":"put"},
                  "primaryMetric":{"score":539647.5,"scoreError":1234.5,"scoreUnit":"ops/s","rawData":[[1,2,3]]}}]
                """);
        String summary = JmhCommand.summary(FigureReader.read(json));
        assertThat(summary).contains("titan.node.kv.KvStateMachineBenchmark.apply{op=put}").contains("539647.500")
                .contains("± 1234.500").contains("ops/s");
    }
}
