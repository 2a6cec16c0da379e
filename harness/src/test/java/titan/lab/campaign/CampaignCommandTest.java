package titan.lab.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import titan.checker.Verdict;
import titan.lab.cli.TitanLab;
import titan.lab.test.TestConfig;

class CampaignCommandTest {
    @TempDir Path dir;

    @Test
    void plansEveryCombinationAndRefusesABadOneBeforeRunning() {
        // Goal: the matrix is the product of its axes, each cell validated by the test command's rules.
        CampaignCommand c = new CampaignCommand();
        new CommandLine(c).parseArgs("--workloads", "register,kv", "--nemeses", "none;partition,kill", "--protocols",
                "http,tcp", "--seeds", "3", "--seed", "10");
        List<TestConfig> plan = c.plan();
        assertThat(plan).hasSize(2 * 2 * 2 * 3);
        assertThat(plan).extracting(TestConfig::seed).containsOnly(10L, 11L, 12L);

        StringWriter err = new StringWriter();
        CommandLine line = TitanLab.commandLine();
        line.getSubcommands().get("campaign").setErr(new PrintWriter(err, true));
        int code = line.execute("campaign", "--workloads", "kv,bank", "--store", dir.toString());
        assertThat(code).isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(err.toString()).contains("unknown workload 'bank'");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void summaryListsEveryRunInBothFormats() throws Exception {
        CampaignCommand c = new CampaignCommand();
        new CommandLine(c).parseArgs("--workloads", "kv", "--nemeses", "none", "--protocols", "tcp");
        TestConfig config = c.plan().get(0);
        Summary.write(dir, List.of(new CampaignCommand.Row(config, Verdict.VALID, "linearizable", dir.resolve("a"), 1200),
                new CampaignCommand.Row(config, Verdict.INVALID, "key k1: <bad>", dir.resolve("b"), 900)));
        assertThat(Files.readString(dir.resolve("summary.md"))).contains("2 tests: 1 valid, 1 invalid, 0 unknown")
                .contains("| invalid | local | kv | none | tcp |");
        assertThat(Files.readString(dir.resolve("summary.html"))).contains("class=\"invalid\"").contains("&lt;bad&gt;")
                .doesNotContain("<bad>");
    }
}
