package titan.lab.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

import titan.client.Endpoint;
import titan.nemesis.Fault;
import titan.nemesis.Plans;

/**
 * The default runtime: every node a child JVM on 127.0.0.1 ({@code titan.node.server.NodeMain} from
 * the lab's own class path), with its data under {@code <nodesDir>/<node>/data} and its output in
 * {@code <nodesDir>/<node>/node.log}. Every directed peer link goes through a {@link LinkProxy}:
 * node {@code a} reaches {@code b} at the proxy of {@code a->b}. Ports are picked free once and kept,
 * so clients and peers find a restarted node where it was.
 *
 * <p>No node outlives the lab: each runs with {@code --exit-on-stdin-eof} while the lab holds its
 * stdin open (the pipe closes when the lab dies, even by SIGKILL), a shutdown hook kills the nodes
 * of a lab that exits, and the pids are recorded in {@code pidFile} so that the next lab reaps the
 * nodes of an earlier one that is gone.
 */
public final class LocalRuntime implements ClusterRuntime {
    /** The node's main class (contract: the node's command line). */
    public static final String NODE_MAIN = "titan.node.server.NodeMain";

    /**
     * @param nodes        how many nodes ({@code n1..nN})
     * @param nodesDir     where each node gets its folder (the run folder's {@code nodes/})
     * @param pidFile      where the lab records its nodes' pids for reaping, or null for none
     * @param unsafe       unsafe switches passed to every node ({@code --unsafe}); empty for none
     * @param clusterId    the node's {@code --cluster-id}
     * @param javaOptions  JVM options of every node, e.g. {@code -Xmx256m}
     * @param classPath    the class path holding NodeMain; the lab's own by default
     * @param mainClass    the node's main class, {@link #NODE_MAIN} (tests start a stand-in)
     * @param readyTimeout how long a node may take to print its ready line
     * @param seed         seeds the proxies' delay jitter and drops
     * @param linkProxies  whether every peer link goes through a {@link LinkProxy} (the default, so
     *                     the nemesis can cut, delay and throttle links); a benchmark cluster leaves
     *                     them out, so that the lab's JVM, which also runs the load generator, does
     *                     not carry every peer byte, and then refuses link faults
     */
    public record Options(int nodes, Path nodesDir, Path pidFile, List<String> unsafe, String clusterId,
                          List<String> javaOptions, String classPath, String mainClass, Duration readyTimeout,
                          long seed, boolean linkProxies) {
        public Options {
            unsafe = List.copyOf(unsafe);
            javaOptions = List.copyOf(javaOptions);
            if (nodes < 1) {
                throw new IllegalArgumentException("a cluster needs at least one node");
            }
        }

        public static Options defaults(int nodes, Path nodesDir, Path pidFile, List<String> unsafe, long seed) {
            return new Options(nodes, nodesDir, pidFile, unsafe, "titan",
                    List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                    System.getProperty("java.class.path"), NODE_MAIN, Duration.ofSeconds(120), seed, true);
        }

        /**
         * A cluster for the load benchmark: direct peer links (no proxies), and nodes compiled by the
         * optimizing JIT with room to batch ({@link #defaults} stops at the quick first tier, which
         * starts nodes fast for tests but leaves the hot path unoptimized).
         */
        public Options forBenchmark() {
            return new Options(nodes, nodesDir, pidFile, unsafe, clusterId, List.of("-Xmx512m", "-XX:+UseSerialGC"),
                    classPath, mainClass, readyTimeout, seed, false);
        }
    }

    private final Options options;
    private final List<String> ids = new ArrayList<>();
    private final Map<String, Ports> ports = new LinkedHashMap<>();
    private final Map<Plans.Link, LinkProxy> proxies = new LinkedHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, NodeState> states = new LinkedHashMap<>();
    private final Map<String, OutputStream> stdins = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final Thread shutdownHook = new Thread(this::killAllQuietly, "local-runtime-shutdown");
    private final PidFile pids;

    private record Ports(int http, int tcp, int peer, int admin) {}

    /** Reaps nodes left by an earlier lab, picks ports, starts the proxies; starts no node. */
    public LocalRuntime(Options options) {
        this.options = options;
        this.pids = options.pidFile() == null ? null : new PidFile(options.pidFile());
        if (pids != null) {
            pids.reapOrphans(options.mainClass());
        }
        // The nodes' ports stay reserved (bound here) until the proxies have their own ephemeral
        // ports, so that no proxy takes a port a node is about to bind.
        List<ServerSocket> reserved = new ArrayList<>();
        try {
            for (int i = 1; i <= options.nodes(); i++) {
                String id = "n" + i;
                ids.add(id);
                ports.put(id, new Ports(reserve(reserved), reserve(reserved), reserve(reserved), reserve(reserved)));
                states.put(id, NodeState.STOPPED);
                Files.createDirectories(nodeDir(id).resolve("data"));
            }
            SplittableRandom seeds = new SplittableRandom(options.seed());
            for (Plans.Link link : options.linkProxies() ? Plans.all(ids) : List.<Plans.Link>of()) {
                InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), ports.get(link.to()).peer());
                proxies.put(link, new LinkProxy(link.toString(), target, seeds.nextLong()));
            }
        } catch (IOException e) {
            proxies.values().forEach(LinkProxy::close);
            throw new RuntimeFailure("cannot set up the local cluster: " + e.getMessage(), e);
        } finally {
            reserved.forEach(LocalRuntime::closeQuietly);
        }
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public List<String> nodes() {
        return List.copyOf(ids);
    }

    private Path nodeDir(String node) {
        return options.nodesDir().resolve(node);
    }

    @Override
    public void startAll() {
        // Launch every JVM first, then wait: the nodes start in parallel.
        List<Long> offsets = new ArrayList<>();
        for (String id : ids) {
            offsets.add(launch(id));
        }
        for (int i = 0; i < ids.size(); i++) {
            awaitReady(ids.get(i), offsets.get(i));
        }
    }

    @Override
    public synchronized void start(String node) {
        awaitReady(node, launch(node));
    }

    /** Starts the JVM of {@code node}; returns the log offset from which its ready line is expected. */
    private synchronized long launch(String node) {
        check(node);
        if (states.get(node) != NodeState.STOPPED) {
            throw new IllegalStateException(node + " is already running");
        }
        Path log = nodeDir(node).resolve("node.log");
        try {
            Files.writeString(log, "=== titan-lab: starting " + node + " at " + Instant.now() + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            long offset = Files.size(log);
            ProcessBuilder builder = new ProcessBuilder(command(node))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            Process process = builder.start();
            processes.put(node, process);
            stdins.put(node, process.getOutputStream()); // held open: the node exits when the lab is gone
            states.put(node, NodeState.RUNNING);
            if (pids != null) {
                pids.add(process.pid());
            }
            return offset;
        } catch (IOException e) {
            throw new RuntimeFailure("cannot start " + node + ": " + e.getMessage(), e);
        }
    }

    private List<String> command(String node) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(options.javaOptions());
        cmd.addAll(List.of("-cp", options.classPath(), options.mainClass()));
        Ports own = ports.get(node);
        List<String> peers = new ArrayList<>();
        for (String other : ids) {
            LinkProxy proxy = proxies.get(new Plans.Link(node, other));
            int port = other.equals(node) || proxy == null ? ports.get(other).peer() : proxy.port();
            peers.add(other + "=127.0.0.1:" + port);
        }
        cmd.addAll(List.of("--id", node, "--cluster-id", options.clusterId(),
                "--data-dir", nodeDir(node).resolve("data").toAbsolutePath().toString(),
                "--peers", String.join(",", peers),
                "--listen-peer", "127.0.0.1:" + own.peer(),
                "--bind-host", "127.0.0.1",
                "--http-port", Integer.toString(own.http()),
                "--tcp-port", Integer.toString(own.tcp()),
                "--admin-port", Integer.toString(own.admin()),
                "--fault-injection",
                "--exit-on-stdin-eof"));
        if (!options.unsafe().isEmpty()) {
            cmd.addAll(List.of("--unsafe", String.join(",", options.unsafe())));
        }
        return cmd;
    }

    /** Polls the node's log for its ready line, with a deadline; fails early when the JVM exits. */
    private void awaitReady(String node, long offset) {
        Path log = nodeDir(node).resolve("node.log");
        String ready = "titan-node " + node + " ready";
        long deadline = System.nanoTime() + options.readyTimeout().toNanos();
        Process process;
        synchronized (this) {
            process = processes.get(node);
        }
        while (true) {
            String text = tail(log, offset);
            if (text.contains(ready)) {
                return;
            }
            if (!process.isAlive()) {
                synchronized (this) {
                    states.put(node, NodeState.STOPPED);
                }
                throw new RuntimeFailure(node + " exited with code " + process.exitValue() + " before it was ready: "
                        + lastLines(text, 5));
            }
            if (System.nanoTime() > deadline) {
                throw new RuntimeFailure(node + " was not ready within " + options.readyTimeout().toSeconds() + " s: "
                        + lastLines(text, 5));
            }
            try {
                process.waitFor(20, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RuntimeFailure("interrupted while waiting for " + node);
            }
        }
    }

    private static String tail(Path log, long offset) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            if (length <= offset) {
                return "";
            }
            byte[] bytes = new byte[(int) Math.min(length - offset, 1 << 20)];
            file.seek(offset);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String lastLines(String text, int count) {
        String[] lines = text.strip().split("\n");
        return String.join(" / ", List.of(lines).subList(Math.max(0, lines.length - count), lines.length));
    }

    @Override
    public synchronized void stop(String node) {
        check(node);
        Process p = processes.get(node);
        if (p == null || states.get(node) == NodeState.STOPPED) {
            return;
        }
        if (states.get(node) == NodeState.PAUSED) {
            signal(p.pid(), "CONT"); // a frozen process handles its SIGTERM only once it runs again
        }
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ended(node, p);
    }

    @Override
    public synchronized void kill(String node) {
        check(node);
        Process p = processes.get(node);
        if (p == null || states.get(node) == NodeState.STOPPED) {
            return;
        }
        p.destroyForcibly(); // SIGKILL: also ends a stopped (SIGSTOP) process
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ended(node, p);
    }

    private void ended(String node, Process p) {
        states.put(node, NodeState.STOPPED);
        closeStdin(node);
        if (pids != null) {
            pids.remove(p.pid());
        }
    }

    @Override
    public synchronized void pause(String node) {
        check(node);
        if (states.get(node) == NodeState.RUNNING) {
            signal(processes.get(node).pid(), "STOP");
            states.put(node, NodeState.PAUSED);
        }
    }

    @Override
    public synchronized void resume(String node) {
        check(node);
        if (states.get(node) == NodeState.PAUSED) {
            signal(processes.get(node).pid(), "CONT");
            states.put(node, NodeState.RUNNING);
        }
    }

    private static void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new RuntimeFailure("kill -" + signal + " " + pid + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new RuntimeFailure("cannot run kill -" + signal + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeFailure("interrupted while signalling " + pid);
        }
    }

    @Override
    public synchronized NodeState state(String node) {
        check(node);
        Process p = processes.get(node);
        if (states.get(node) != NodeState.STOPPED && (p == null || !p.isAlive())) {
            ended(node, p); // it died on its own (e.g. a storage error)
        }
        return states.get(node);
    }

    @Override
    public void cut(Plans.Link link) {
        proxy(link).cut();
    }

    @Override
    public void heal(Plans.Link link) {
        proxy(link).heal();
    }

    @Override
    public void setLinkFaults(Plans.Link link, LinkFaults faults) {
        proxy(link).setFaults(faults);
    }

    @Override
    public void healAllLinks() {
        for (LinkProxy p : proxies.values()) {
            p.setFaults(LinkFaults.HEALTHY);
            p.heal();
        }
    }

    /** The proxy of one link, for tests. */
    public LinkProxy proxy(Plans.Link link) {
        LinkProxy p = proxies.get(link);
        if (p == null && !options.linkProxies()) {
            throw new RuntimeFailure("this cluster was started without link proxies (a benchmark cluster): "
                    + "it cannot fault link " + link, null);
        }
        if (p == null) {
            throw new IllegalArgumentException("no link " + link);
        }
        return p;
    }

    @Override
    public java.net.InetSocketAddress adminAddress(String node) {
        check(node);
        return new java.net.InetSocketAddress("127.0.0.1", ports.get(node).admin());
    }

    @Override
    public void setClockRate(String node, double rate) {
        check(node);
        AdminClock.set(http, node, ports.get(node).admin(), rate);
    }

    @Override
    public String powerLoss(String node, String at, String cut, long seed) {
        check(node);
        return AdminPower.powerLoss(http, this, node, ports.get(node).admin(), at, cut, seed);
    }

    @Override
    public synchronized String damageWal(String node, Fault.WalDamageKind kind, RandomGenerator random) {
        check(node);
        if (state(node) != NodeState.STOPPED) {
            throw new IllegalStateException(node + " must be stopped before its WAL is damaged");
        }
        return WalDamage.damage(nodeDir(node).resolve("data"), kind, random);
    }

    @Override
    public List<Endpoint> endpoints() {
        List<Endpoint> list = new ArrayList<>();
        ports.forEach((id, p) -> list.add(new Endpoint(id, "127.0.0.1", p.http(), p.tcp())));
        return list;
    }

    @Override
    public synchronized OptionalLong pid(String node) {
        check(node);
        Process p = processes.get(node);
        return p != null && p.isAlive() ? OptionalLong.of(p.pid()) : OptionalLong.empty();
    }

    @Override
    public void collectLogs(Path runDir) {
        Path target = runDir.resolve("nodes");
        if (target.toAbsolutePath().normalize().equals(options.nodesDir().toAbsolutePath().normalize())) {
            return; // the logs are written in place
        }
        for (String id : ids) {
            try {
                Files.createDirectories(target.resolve(id));
                Path log = nodeDir(id).resolve("node.log");
                if (Files.exists(log)) {
                    Files.copy(log, target.resolve(id).resolve("node.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw new RuntimeFailure("cannot copy the log of " + id + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void close() {
        killAllQuietly();
        proxies.values().forEach(LinkProxy::close);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook is running or has run
        }
    }

    private synchronized void killAllQuietly() {
        for (String id : ids) {
            try {
                kill(id);
            } catch (RuntimeException e) {
                // best effort: the process may already be gone
            }
        }
    }

    private void closeStdin(String node) {
        OutputStream in = stdins.remove(node);
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // the process is gone
            }
        }
    }

    private void check(String node) {
        if (!ports.containsKey(node)) {
            throw new IllegalArgumentException("no node " + node + " (nodes: " + ids + ")");
        }
    }

    /** Binds a free loopback port and keeps it bound (in {@code reserved}) until set-up ends. */
    /**
     * A free port for a node, below the usual ephemeral range (Linux: 32768-60999) so that no
     * outgoing connection of this machine takes it in the seconds between its release here and the
     * node's bind, or while the node is down between a kill and its restart: in the ephemeral range
     * that happened (a set-up failed with "address already in use" during a campaign on a busy
     * machine). Falls back to an ephemeral port when none of a few random tries is free.
     */
    private static int reserve(List<ServerSocket> reserved) throws IOException {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 50; attempt++) {
            ServerSocket s = new ServerSocket();
            try {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), random.nextInt(20_000, 32_768)), 1);
                reserved.add(s);
                return s.getLocalPort();
            } catch (IOException taken) {
                closeQuietly(s);
            }
        }
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
        reserved.add(s);
        return s.getLocalPort();
    }

    private static void closeQuietly(ServerSocket s) {
        try {
            s.close();
        } catch (IOException e) {
            // it is closed either way
        }
    }
}
