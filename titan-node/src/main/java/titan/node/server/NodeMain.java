package titan.node.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import titan.raft.UnsafeMode;
import titan.node.storage.CorruptLogException;
import titan.node.storage.StorageException;
import titan.raft.NodeId;

/**
 * {@code titan-node}: runs one Titan server until SIGTERM (graceful) or SIGKILL. On start it prints
 * one line that tools wait for:
 * <pre>
 *   titan-node n1 ready http=127.0.0.1:8001 tcp=127.0.0.1:9001 peer=127.0.0.1:7001 pid=4242
 * </pre>
 * Exit codes: 0 clean stop, 254 bad flags or configuration (one line on stderr), 255 internal or
 * storage error.
 */
@Command(name = "titan-node", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs one Titan node (a Raft-replicated key-value server).")
public final class NodeMain implements Callable<Integer> {
    public static final int EXIT_BAD_CONFIG = 254;
    public static final int EXIT_INTERNAL = 255;

    @Option(names = "--id", required = true, description = "this node's id, e.g. n1")
    String id;

    @Option(names = "--cluster-id", defaultValue = "titan", description = "the cluster's name (default: ${DEFAULT-VALUE})")
    String clusterId;

    @Option(names = "--data-dir", required = true, description = "the node's data directory (created if missing)")
    Path dataDir;

    @Option(names = "--peers", required = true, split = ",",
            description = "every member as id=host:port, this node included: how THIS node reaches each peer")
    String[] peers;

    @Option(names = "--listen-peer", description = "host:port to accept peer connections on (default: own --peers entry)")
    String listenPeer;

    @Option(names = "--bind-host", defaultValue = "127.0.0.1", description = "client ports' host (default: ${DEFAULT-VALUE})")
    String bindHost;

    @Option(names = "--http-port", defaultValue = "0", description = "HTTP/JSON port; 0 picks a free one")
    int httpPort;

    @Option(names = "--tcp-port", defaultValue = "0", description = "binary TCP port; 0 picks a free one")
    int tcpPort;

    @Option(names = "--admin-port", description = "enable the fault-injection admin endpoint on this port (0: any)")
    Integer adminPort;

    @Option(names = "--unsafe", defaultValue = "", description = "unsafe switches, comma-separated (for the lab only): "
            + "stale-reads, ack-before-commit, no-dedup, no-fsync, vote-without-log-check, commit-previous-term, "
            + "hard-state-first")
    String unsafe;

    @Option(names = "--tick-ms", defaultValue = "10", description = "one Raft tick in milliseconds (default: ${DEFAULT-VALUE})")
    int tickMillis;

    @Option(names = "--election-ticks", defaultValue = "30", description = "minimum election timeout in ticks (default: ${DEFAULT-VALUE})")
    int electionTicks;

    @Option(names = "--heartbeat-ticks", defaultValue = "3", description = "heartbeat interval in ticks (default: ${DEFAULT-VALUE})")
    int heartbeatTicks;

    @Option(names = "--snapshot-every", defaultValue = "100000",
            description = "compact the log after this many applied entries (default: ${DEFAULT-VALUE})")
    long snapshotEvery;

    @Option(names = "--io-threads", defaultValue = "2", description = "Netty threads for the client ports (default: ${DEFAULT-VALUE})")
    int ioThreads;

    @Option(names = "--fault-injection", description = "let the admin endpoint cut this node's power (lose its unsynced"
            + " WAL tail and halt): for the lab only")
    boolean faultInjection;

    @Option(names = "--exit-on-stdin-eof", description = "exit when standard input closes (a lab's child process)")
    boolean exitOnStdinEof;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the node; returns only on a start-up failure or after a clean stop. */
    public static int run(String[] args) {
        CommandLine cli = new CommandLine(new NodeMain());
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("titan-node: " + e.getMessage() + " (see --help)");
            return EXIT_BAD_CONFIG;
        });
        cli.setExecutionExceptionHandler((e, c, p) -> {
            c.getErr().println("titan-node: internal error: " + e);
            e.printStackTrace(c.getErr());
            return EXIT_INTERNAL;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        PrintWriter err = new PrintWriter(System.err, true);
        NodeConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException | BadConfigException e) {
            err.println("titan-node: " + e.getMessage());
            return EXIT_BAD_CONFIG;
        }
        // Logback reads this when it starts: every log line names the node (see logback.xml).
        System.setProperty("titan.node", config.id().toString());
        CountDownLatch stop = new CountDownLatch(1);
        TitanNode node;
        try {
            node = TitanNode.start(config, NodeFactories.peers(), NodeFactories.clientApis(ioThreads), failure -> {
                System.err.println("titan-node " + config.id() + ": stopping on a fatal error: " + failure);
                Runtime.getRuntime().halt(EXIT_INTERNAL); // a storage error stops the node, loudly (no retry)
            });
        } catch (BadConfigException e) {
            err.println("titan-node: " + e.getMessage());
            return EXIT_BAD_CONFIG;
        } catch (CorruptLogException e) {
            err.println("titan-node: the WAL is corrupt, refusing to start: " + e.getMessage());
            return EXIT_INTERNAL;
        } catch (StorageException | IOException | java.io.UncheckedIOException e) {
            if (addressInUse(rootCause(e))) {
                err.println("titan-node: cannot bind a port: " + e.getMessage());
                return EXIT_BAD_CONFIG;
            }
            err.println("titan-node: cannot start: " + e.getMessage());
            return EXIT_INTERNAL;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stop.countDown();
            System.out.flush();
            System.err.flush();
            // A stop we completed is a clean stop: exit 0, not the JVM's 143 for SIGTERM.
            Runtime.getRuntime().halt(0);
        }, "titan-shutdown"));
        if (exitOnStdinEof) {
            Thread watcher = new Thread(() -> {
                try {
                    InputStream in = System.in;
                    while (in.read() >= 0) {
                        // the parent keeps the pipe open and writes nothing
                    }
                } catch (IOException ignored) {
                    // a broken pipe is an EOF too
                }
                System.exit(0);
            }, "titan-stdin-watch");
            watcher.setDaemon(true);
            watcher.start();
        }
        System.out.println("titan-node " + config.id() + " ready http=" + bindHost + ":" + node.httpPort()
                + " tcp=" + bindHost + ":" + node.tcpPort() + " peer=" + config.peerListenAddress().getHostString()
                + ":" + node.peerPort() + (node.adminPort() > 0 ? " admin=" + bindHost + ":" + node.adminPort() : "")
                + " pid=" + ProcessHandle.current().pid());
        System.out.flush();
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    NodeConfig config() {
        NodeId self = NodeId.parse(id);
        SortedMap<NodeId, InetSocketAddress> peerMap = new TreeMap<>();
        for (String p : peers) {
            int eq = p.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("--peers entry '" + p + "' is not id=host:port");
            }
            NodeId peer = NodeId.parse(p.substring(0, eq).trim());
            if (peerMap.put(peer, address(p.substring(eq + 1).trim(), "--peers " + peer)) != null) {
                throw new IllegalArgumentException("--peers names " + peer + " twice");
            }
        }
        Set<UnsafeMode> switches = UnsafeMode.parseList(unsafe);
        for (int port : new int[] {httpPort, tcpPort, adminPort == null ? 0 : adminPort}) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
        }
        return new NodeConfig(self, clusterId, dataDir, peerMap, listenPeer == null ? null : address(listenPeer,
                "--listen-peer"), bindHost, httpPort, tcpPort, adminPort, switches, tickMillis, electionTicks,
                heartbeatTicks, snapshotEvery, exitOnStdinEof, faultInjection);
    }

    private static InetSocketAddress address(String hostPort, String flag) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(flag + ": '" + hostPort + "' is not host:port");
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": '" + hostPort + "' has no numeric port");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(flag + ": port " + port + " out of range");
        }
        return InetSocketAddress.createUnresolved(hostPort.substring(0, colon), port);
    }

    /** NIO reports a busy port as a BindException, the native epoll transport as -EADDRINUSE (98 on Linux). */
    private static boolean addressInUse(Throwable root) {
        return root instanceof BindException
                || root instanceof io.netty.channel.unix.Errors.NativeIoException n && n.expectedErr() == -98;
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
