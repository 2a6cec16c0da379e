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

    @Test
    void presetsArePlannedWithOneSeedPerRunAndRefuseUnknownNames() {
        // Goal: each preset is a fixed list of runs, validated by the test command, seeds counting up.
        CampaignCommand c = new CampaignCommand();
        new CommandLine(c).parseArgs("--preset", "unsafe-table", "--seed", "100");
        List<TestConfig> table = c.plan();
        assertThat(table).hasSize(5 * Presets.PROBES.size());
        assertThat(table).extracting(TestConfig::seed).startsWith(100L, 101L).doesNotHaveDuplicates();
        assertThat(table.stream().filter(t -> t.unsafe().equals(List.of("no-dedup"))))
                .allSatisfy(t -> assertThat(t.resendUnknownWrites()).isEqualTo(3)).hasSize(5);
        assertThat(table.stream().filter(t -> t.unsafe().equals(List.of("stale-reads"))))
                .allSatisfy(t -> assertThat(t.pinClients()).isTrue());

        CampaignCommand counterparts = new CampaignCommand();
        new CommandLine(counterparts).parseArgs("--preset", "unsafe-table-safe", "--switches",
                "stale-reads,read-without-heartbeat,append-ack-before-durable", "--seeds", "2");
        List<TestConfig> safeTable = counterparts.plan();
        assertThat(safeTable).hasSize(4).allSatisfy(t -> assertThat(t.unsafe()).isEmpty());
        assertThat(safeTable).extracting(t -> String.join(",", t.nemesis()))
                .containsExactly("stale-leader", "stale-leader", "power-loss-followers", "power-loss-followers");

        CampaignCommand local = new CampaignCommand();
        new CommandLine(local).parseArgs("--preset", "safe-local");
        List<TestConfig> safe = local.plan();
        assertThat(safe).hasSize(50).allSatisfy(t -> assertThat(t.unsafe()).isEmpty());
        assertThat(safe).extracting(t -> String.join(",", t.nemesis())).contains("kill-all", "wal", "links", "pause-leader", "membership");
        assertThat(safe).extracting(TestConfig::workload).contains("kv", "set", "register");
        assertThat(safe).extracting(t -> String.join(",", t.nemesis()))
                .contains("power-loss-all", "power-loss-voter", "stale-leader", "membership-burst");
        // a kind that comes round twice gets another workload and protocol the second time
        List<TestConfig> partitions = safe.stream().filter(t -> t.nemesis().equals(List.of("partition"))).toList();
        assertThat(partitions).hasSizeGreaterThan(1);
        assertThat(partitions.get(0).workload()).isNotEqualTo(partitions.get(1).workload());
        assertThat(partitions.get(0).protocol()).isNotEqualTo(partitions.get(1).protocol());

        CampaignCommand few = new CampaignCommand();
        new CommandLine(few).parseArgs("--preset", "unsafe-table", "--seeds", "2", "--switches", "no-fsync,no-dedup");
        assertThat(few.plan()).hasSize(4);

        for (String[] bad : List.of(new String[] {"--preset", "everything"},
                new String[] {"--preset", "unsafe-table", "--switches", "go-fast"},
                new String[] {"--preset", "safe-local", "--runs", "0"})) {
            StringWriter err = new StringWriter();
            CommandLine line = TitanLab.commandLine();
            line.getSubcommands().get("campaign").setErr(new PrintWriter(err, true));
            List<String> args = new java.util.ArrayList<>(List.of("campaign", "--store", dir.toString()));
            args.addAll(List.of(bad));
            assertThat(line.execute(args.toArray(String[]::new))).isEqualTo(TitanLab.EXIT_USAGE);
            assertThat(err.toString().strip().lines()).hasSize(1);
        }
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void theUnsafeTableCountsCatchesAndFindsTheCitedOperation() throws Exception {
        // Goal: caught/total per switch, and detection = the completion time of the operation the
        // checker cites (event 2 is p1's invoke; its completion at 3.5 s), medians over caught runs.
        CampaignCommand c = new CampaignCommand();
        new CommandLine(c).parseArgs("--preset", "unsafe-table", "--seeds", "2", "--switches", "stale-reads");
        List<TestConfig> plan = c.plan();
        Path run = Files.createDirectories(dir.resolve("run1"));
        Files.writeString(run.resolve("history.jsonl"), String.join("\n",
                "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"key\":\"k\",\"value\":\"1\",\"time\":1000000000}",
                "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"key\":\"k\",\"value\":\"1\",\"time\":2000000000}",
                "{\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k\",\"value\":null,\"time\":3000000000}",
                "{\"process\":1,\"type\":\"ok\",\"f\":\"read\",\"key\":\"k\",\"value\":null,\"time\":3500000000}") + "\n");
        Path table = UnsafeTable.write(dir, List.of(
                new CampaignCommand.Row(plan.get(0), Verdict.INVALID, "key k: p1 read k nil ok (history, event 2) cannot be"
                        + " linearized", run, 20_000),
                new CampaignCommand.Row(plan.get(1), Verdict.VALID, "linearizable", dir.resolve("run2"), 30_000)),
                Presets.probes(List.of("stale-reads")));
        assertThat(Files.readString(table)).contains("| `stale-reads` | `--workload kv").contains("| 1 / 2 | 3.5 | 25.0 |");
        assertThat(UnsafeTable.median(List.of())).isEqualTo("-");
    }
}
