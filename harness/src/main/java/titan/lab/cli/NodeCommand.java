package titan.lab.cli;

import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import titan.node.server.NodeMain;

/** {@code titan-lab node ...}: runs one Titan node by hand; every argument goes to the node (see --help). */
@Command(name = "node", description = "Run one Titan node (flags: titan-lab node --help).")
final class NodeCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new java.util.ArrayList<>();

    @Override
    public Integer call() {
        return NodeMain.run(args.toArray(String[]::new));
    }
}
