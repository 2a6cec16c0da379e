package titan.lab.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import titan.lab.cli.TitanLab;

/** Options that cannot work are refused with one line and exit code 254, before anything starts. */
class TestCommandTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--workload bank                                   | unknown workload 'bank'",
        "--nodes 1 --nemesis partition                     | needs at least 2 nodes",
        "--nemesis meteor                                  | unknown nemesis 'meteor'",
        "--nemesis kill --nemesis-interval 40s --time-limit 60s | at most half the time limit",
        "--protocol grpc                                   | unknown protocol 'grpc'",
        "--unsafe go-fast                                  | unknown unsafe mode 'go-fast'",
        "--runtime cloud                                   | unknown runtime 'cloud'",
        "--nodes 0                                         | --nodes must be 1 to 9",
        "--concurrency 0                                   | --concurrency must be 1 to 1000",
        "--time-limit soon                                 | must look like 500ms",
        "--name ../escape                                  | --name must be",
        "--runtime docker --nemesis links                  | nemesis 'links' needs --runtime local",
        "--runtime docker --nemesis partition,throttle     | nemesis 'throttle' needs --runtime local",
        "--runtime docker --nemesis kill,slow              | nemesis 'slow' needs --runtime local",
        "--runtime docker --nemesis all,links              | nemesis 'links' needs --runtime local",
        "--runtime docker --workload bank                  | unknown workload 'bank'",
        "--runtime docker --nodes 1 --nemesis isolate-leader | needs at least 2 nodes",
        "--nodes 2 --nemesis kill,partition,pause,links,throttle,clock --nemesis-interval 1s --time-limit 1s | at most half the time limit",
        "--resend-unknown-writes 11                        | --resend-unknown-writes must be 0 to 10",
        "--pin-clients --nodes x                           | Invalid value for option '--nodes'",
    })
    void refusesWithOneLineAndExit254(String args, String message) {
        StringWriter err = new StringWriter();
        CommandLine line = TitanLab.commandLine();
        line.setErr(new PrintWriter(err, true));
        line.getSubcommands().get("test").setErr(new PrintWriter(err, true));
        int code = line.execute(("test " + args.trim()).split("\\s+"));
        assertThat(code).isEqualTo(TitanLab.EXIT_USAGE);
        assertThat(err.toString()).contains(message);
        assertThat(err.toString().strip().lines()).as("one line: %s", err).hasSize(1);
    }
}
