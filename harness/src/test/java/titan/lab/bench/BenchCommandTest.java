package titan.lab.bench;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import titan.lab.cli.TitanLab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code titan-lab bench}: argument checks (254) and the clear refusal of --compare etcd without etcd (254). */
class BenchCommandTest {
    @TempDir
    Path store;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine line = TitanLab.commandLine();
        line.setOut(new PrintWriter(out));
        line.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 3];
        all[0] = "bench";
        all[1] = "--out";
        all[2] = store.toString();
        System.arraycopy(args, 0, all, 3, args.length);
        return line.execute(all);
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertThat(run("--protocol", "grpc")).isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(err.toString()).contains("--protocol takes http, tcp or both");
        assertThat(run("--mix", "mostly")).isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(err.toString()).contains("the mix must be writes, reads or W:R");
        assertThat(run("--rates", "0.5,3")).isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(run("--runtime", "k8s")).isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(run("--duration", "0s")).isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(run("--connections", "0")).isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(run("--http-pipeline", "0")).isEqualTo(TitanLab.EXIT_USAGE);
    }

    // HTTP pipelining is its own setting: HTTP's ladder climbs connections at that depth, TCP's is
    // unchanged, etcd is never pipelined, and the setting names itself "pipelined".
    @Test
    void httpPipeliningIsASeparateLabelledSetting() {
        BenchSettings s = new BenchSettings(java.util.List.of("http", "tcp"), java.time.Duration.ofSeconds(4),
                java.time.Duration.ofSeconds(1), 256, 10, Mix.parse("writes"), java.util.List.of(0.5), 64, 8, 32, "fake",
                3, true, 1, new BenchSettings.Search(true, java.time.Duration.ofSeconds(2), java.time.Duration.ZERO, 0.05),
                java.util.List.of(), java.time.Duration.ZERO, 16);
        assertThat(s.full("http")).isEqualTo(new BenchSettings.Setting(64, 16));
        assertThat(s.full("http").toString()).isEqualTo("64 connections x 16 pipelined");
        assertThat(s.full("etcd")).isEqualTo(new BenchSettings.Setting(64, 1));
        assertThat(s.full("tcp")).isEqualTo(new BenchSettings.Setting(8, 32));
        assertThat(s.ladder("http")).extracting(BenchSettings.Setting::perConnection).containsOnly(16);
        assertThat(s.ladder("http")).extracting(BenchSettings.Setting::connections).containsExactly(8, 16, 32, 64);
        assertThat(s.concurrency("http")).isEqualTo(1024);
    }

    // --compare etcd without an etcd binary is refused in one line before anything starts.
    @Test
    void comparingWithoutEtcdSaysSoAndRunsNothing() {
        assertThat(run("--compare", "etcd", "--etcd", store.resolve("no-such-etcd").toString())).isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(err.toString()).contains("--compare etcd needs an etcd binary").contains("nothing was run")
                .doesNotContain("\tat ");
        assertThat(err.toString().strip().lines().count()).isEqualTo(1);
        assertThat(store.resolve("bench")).doesNotExist();
        assertThat(run("--compare", "zookeeper")).isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(err.toString()).contains("--compare takes etcd");
    }

    @Test
    void mixes() {
        assertThat(Mix.parse("writes").writeFraction()).isEqualTo(1.0);
        assertThat(Mix.parse("reads").hasReads()).isTrue();
        assertThat(Mix.parse("90:10").writeFraction()).isEqualTo(0.9);
        assertThat(Mix.parse("50:50").toString()).isEqualTo("50:50");
        assertThatThrownBy(() -> Mix.parse("0:0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Mix.parse("a:b")).isInstanceOf(IllegalArgumentException.class);
    }
}
