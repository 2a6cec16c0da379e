package titan.lab.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code titan-lab} command line. Exit codes, the same for every command: 0 valid, 1 invalid,
 * 2 unknown, 254 bad arguments, 255 internal error (a mix of files: docs/history-format.md).
 */
@Command(
        name = "titan-lab",
        mixinStandardHelpOptions = true,
        version = "titan-lab 0.1.0",
        description = "Correctness lab and benchmark harness for Titan, a Raft-replicated key-value store.",
        subcommands = {
                CommandLine.HelpCommand.class,
                SimCommand.class,
                CheckCommand.class,
                NodeCommand.class,
                titan.lab.serve.ServeCommand.class,
                titan.lab.gate.GateCommand.class,
                titan.lab.bench.BenchCommand.class,
                titan.lab.jmh.JmhCommand.class,
        })
public final class TitanLab implements Runnable {
    public static final int EXIT_VALID = 0;
    public static final int EXIT_INVALID = 1;
    public static final int EXIT_UNKNOWN = 2;
    public static final int EXIT_USAGE = 254;
    public static final int EXIT_INTERNAL = 255;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /** Builds the command line with the lab's exit-code conventions. */
    public static CommandLine commandLine() {
        CommandLine line = new CommandLine(new TitanLab());
        line.addSubcommand(new titan.lab.test.TestCommand()); // lab tests against real clusters (titan.lab.test)
        line.addSubcommand(new titan.lab.campaign.CampaignCommand()); // matrices of lab tests (titan.lab.campaign)
        line.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            // One line, as every refusal (the "bad flags get a one-line error"): the hint joins it.
            cmd.getErr().println("titan-lab: " + ex.getMessage().strip().replace('\n', ' ') + " (see '"
                    + cmd.getCommandSpec().qualifiedName() + " --help')");
            return EXIT_USAGE;
        });
        line.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            cmd.getErr().println("titan-lab: internal error: " + ex);
            ex.printStackTrace(cmd.getErr());
            return EXIT_INTERNAL;
        });
        return line;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
