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
