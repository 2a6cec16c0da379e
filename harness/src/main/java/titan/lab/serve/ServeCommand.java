package titan.lab.serve;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import titan.lab.cli.TitanLab;
import titan.lab.store.RunStore;

/**
 * {@code titan-lab serve [--port 8080] [--results results/runs]}: browses the results store in a web
 * page on 127.0.0.1 until stopped (Ctrl-C). Exit code 254 when the port cannot be bound.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Browses all test runs (verdicts, reports, files) in a web page on 127.0.0.1.")
public final class ServeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "Port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--results", paramLabel = "DIR", defaultValue = "results/runs",
            description = "The results store to browse (default: ${DEFAULT-VALUE}).")
    Path results;

    /** Counted down to stop a running server (tests); Ctrl-C ends the JVM instead. */
    final CountDownLatch stop = new CountDownLatch(1);

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (port < 0 || port > 65_535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must be 0 to 65535, not " + port);
        }
        RunBrowser browser;
        try {
            browser = RunBrowser.start(new RunStore(results), port);
        } catch (BindException e) {
            spec.commandLine().getErr().println("titan-lab: cannot listen on 127.0.0.1:" + port + " (" + e.getMessage()
                    + "); pick another with --port");
            return TitanLab.EXIT_USAGE;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(browser::close, "titan-lab-serve-stop"));
        out.println("titan-lab serve: " + browser.url() + " browsing " + results + " (Ctrl-C stops)");
        out.flush();
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            browser.close();
        }
        return TitanLab.EXIT_VALID;
    }
}
