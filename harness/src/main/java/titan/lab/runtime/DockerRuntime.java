package titan.lab.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

import titan.client.Endpoint;
import titan.nemesis.Fault;
import titan.nemesis.Plans;

/**
 * Nodes as Docker containers (docker-java), one per node, on a bridge network the lab creates with a
 * fixed address per node ({@code <subnet>.11} for n1, {@code .12} for n2, ...). Peers talk over that
 * network; the lab reaches each node only through its ports published on 127.0.0.1 (picked free once
 * and kept, so clients find a restarted node where it was).
 *
 * <p>The image is made offline: {@link BaseImage} loads an almost empty root file system as a one-layer image, and each
 * container bind-mounts the host's {@code /usr} (the Java runtime and the tools the lab execs:
 * {@code sh}, {@code timeout}, {@code iptables}) and the lab's class path read-only, and the node's
 * data folder {@code <nodesDir>/<node>/data} read-write (so {@link #damageWal} works as for the local
 * runtime). An init ({@code --init}) is PID 1 so SIGTERM reaches the JVM.
 *
 * <p>Faults: kill = SIGKILL, pause = the freezer ({@code docker pause}), restart keeps the container
 * (and its address) and the data. A cut link {@code a->b} is an iptables rule in {@code b}'s
 * container (NET_ADMIN) dropping what {@code a} sends to {@code b}'s peer port; the rules live in the
 * container's network namespace and are lost when it restarts, so the lab keeps the set of cut links
 * and writes a node's rules again whenever it starts or resumes. Every exec is wrapped in
 * {@code timeout}: an exec cannot be cancelled from the client. Link delays and throttling need
 * {@code tc netem}, which these machines lack: {@link #setLinkFaults} refuses them.
 *
 * <p>Cleanup: containers and the network carry the label {@value #LABEL} = the owning lab's pid and
 * start time; {@link #close} removes them, and a new runtime first removes those of labs that are gone.
 */
public final class DockerRuntime implements ClusterRuntime {
    /** Label on everything the lab creates: {@code <pid>@<start epoch ms>} of the owning JVM. */
    public static final String LABEL = "dev.titanlab.owner";

    static final int HTTP_PORT = 8080;
    static final int TCP_PORT = 9090;
    static final int PEER_PORT = 7000;
    static final int ADMIN_PORT = 7070;
    private static final int FIRST_HOST = 11;
    private static final int EXEC_TIMEOUT_SECONDS = 10;

    /**
     * @param nodes        how many nodes ({@code n1..nN})
     * @param nodesDir     where each node gets its folder (the run folder's {@code nodes/})
     * @param unsafe       unsafe switches passed to every node
     * @param clusterId    the node's {@code --cluster-id}
     * @param javaOptions  JVM options of every node
     * @param classPath    the class path holding NodeMain (bind-mounted read-only at the same paths)
     * @param mainClass    the node's main class
     * @param readyTimeout how long a node may take to answer {@code /v1/status} after its start
     * @param subnet       the network's {@code a.b.c.0/24}; null picks a free one in 172.28.0.0/16
     */
    public record Options(int nodes, Path nodesDir, List<String> unsafe, String clusterId, List<String> javaOptions,
                          String classPath, String mainClass, Duration readyTimeout, String subnet) {
        public Options {
            unsafe = List.copyOf(unsafe);
            javaOptions = List.copyOf(javaOptions);
            if (nodes < 1 || nodes > 200) {
                throw new IllegalArgumentException("a docker cluster has 1 to 200 nodes, not " + nodes);
            }
            if (subnet != null && !subnet.matches("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.0/24")) {
                throw new IllegalArgumentException("the docker subnet must be a.b.c.0/24, not " + subnet);
            }
        }

        public static Options defaults(int nodes, Path nodesDir, List<String> unsafe) {
            return new Options(nodes, nodesDir, unsafe, "titan",
                    List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                    System.getProperty("java.class.path"), LocalRuntime.NODE_MAIN, Duration.ofSeconds(120), null);
        }
    }

    private record Node(String id, String ip, int http, int tcp, int admin) {}

    static {
        // docker-java's HTTP client logs each retried connection at INFO: the lab reports failures itself.
        if (org.slf4j.LoggerFactory.getLogger("com.github.dockerjava") instanceof ch.qos.logback.classic.Logger logger) {
            logger.setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }

    private final Options options;
    private final DockerClient docker;
    private final String owner = ownerLabel(ProcessHandle.current());
    private final String prefix;
    private final String networkId;
    private final String subnetPrefix; // "a.b.c."
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, String> containers = new LinkedHashMap<>();
    private final Map<String, NodeState> states = new LinkedHashMap<>();
    private final Set<Plans.Link> cuts = new LinkedHashSet<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final Thread shutdownHook = new Thread(this::removeAllQuietly, "docker-runtime-shutdown");
    private boolean closed;

    /**
     * Connects to the engine, removes what earlier labs left, makes the image, the network and one
     * (created, not started) container per node.
     *
     * @throws RuntimeFailure when no engine answers ({@link #engineProblem()}) or Docker refuses
     */
    public DockerRuntime(Options options) {
        this.options = options;
        this.docker = connect(Duration.ofSeconds(60));
        engineProblem(docker).ifPresent(problem -> {
            closeClient(docker);
            throw new RuntimeFailure(problem);
        });
        this.prefix = "titan-lab-" + ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
        String net = null;
        try {
            removeStale(docker);
            String image = BaseImage.ensure(docker);
            String subnet = options.subnet() != null ? options.subnet() : freeSubnet();
            this.subnetPrefix = subnet.substring(0, subnet.length() - "0/24".length());
            net = docker.createNetworkCmd().withName(prefix).withDriver("bridge").withCheckDuplicate(true)
                    .withLabels(Map.of(LABEL, owner))
                    .withIpam(new Network.Ipam().withConfig(new Network.Ipam.Config().withSubnet(subnet)
                            .withGateway(subnetPrefix + "1")))
                    .exec().getId();
            this.networkId = net;
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            for (int i = 1; i <= options.nodes(); i++) {
                String id = "n" + i;
                nodes.put(id, new Node(id, subnetPrefix + (FIRST_HOST + i - 1), freePort(), freePort(), freePort()));
                states.put(id, NodeState.STOPPED);
                Files.createDirectories(dataDir(id));
            }
            for (Node node : nodes.values()) {
                containers.put(node.id(), create(node, image));
            }
        } catch (IOException | DockerException | IllegalStateException e) {
            removeAllQuietly();
            closeClient(docker);
            throw new RuntimeFailure("cannot set up the docker cluster: " + oneLine(e), e);
        }
    }

    /** A client of the engine named by DOCKER_HOST (default: the local socket). */
    static DockerClient connect(Duration responseTimeout) {
        return connect(DefaultDockerClientConfig.createDefaultConfigBuilder().build(), responseTimeout);
    }

    private static DockerClient connect(DefaultDockerClientConfig config, Duration responseTimeout) {
        ZerodepDockerHttpClient client = new ZerodepDockerHttpClient.Builder().dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig()).maxConnections(32).connectionTimeout(Duration.ofSeconds(2))
                .responseTimeout(responseTimeout).build();
        return DockerClientImpl.getInstance(config, client);
    }

    /** Why the Docker runtime cannot run here, in one line; empty when an engine answers. */
    public static Optional<String> engineProblem() {
        return engineProblem(DefaultDockerClientConfig.createDefaultConfigBuilder());
    }

    /** {@link #engineProblem()} for the engine at {@code dockerHost}, e.g. {@code unix:///var/run/docker.sock}. */
    static Optional<String> engineProblem(String dockerHost) {
        return engineProblem(DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost));
    }

    private static Optional<String> engineProblem(DefaultDockerClientConfig.Builder builder) {
        DockerClient client;
        try {
            client = connect(builder.build(), Duration.ofSeconds(3));
        } catch (RuntimeException e) {
            return Optional.of("no Docker engine: " + oneLine(e));
        }
        try {
            return engineProblem(client);
        } finally {
            closeClient(client);
        }
    }

    private static Optional<String> engineProblem(DockerClient client) {
        try {
            client.pingCmd().exec();
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("no Docker engine answers (install docker.io and start dockerd; DOCKER_HOST names"
                    + " another engine): " + oneLine(e));
        }
    }

    private Path dataDir(String node) {
        return options.nodesDir().resolve(node).resolve("data").toAbsolutePath();
    }

    private String create(Node node, String image) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(options.javaOptions());
        // Absolute, as mounted: the container's working directory is /data, not the lab's (a lab
        // started as "java -jar results/.../lab.jar" had every container exit at once, class not found).
        cmd.addAll(List.of("-cp", absoluteClassPath(options.classPath()), options.mainClass()));
        List<String> peers = new ArrayList<>();
        for (Node n : nodes.values()) {
            peers.add(n.id() + "=" + n.ip() + ":" + PEER_PORT);
        }
        cmd.addAll(List.of("--id", node.id(), "--cluster-id", options.clusterId(), "--data-dir", "/data",
                "--peers", String.join(",", peers), "--listen-peer", node.ip() + ":" + PEER_PORT,
                "--bind-host", "0.0.0.0", "--http-port", Integer.toString(HTTP_PORT),
                "--tcp-port", Integer.toString(TCP_PORT), "--admin-port", Integer.toString(ADMIN_PORT),
                "--fault-injection"));
        if (!options.unsafe().isEmpty()) {
            cmd.addAll(List.of("--unsafe", String.join(",", options.unsafe())));
        }
        Ports ports = new Ports();
        ports.bind(ExposedPort.tcp(HTTP_PORT), Ports.Binding.bindIpAndPort("127.0.0.1", node.http()));
        ports.bind(ExposedPort.tcp(TCP_PORT), Ports.Binding.bindIpAndPort("127.0.0.1", node.tcp()));
        ports.bind(ExposedPort.tcp(ADMIN_PORT), Ports.Binding.bindIpAndPort("127.0.0.1", node.admin()));
        List<Mount> mounts = new ArrayList<>(BaseImage.runtimeMounts());
        for (String entry : classPathEntries(options.classPath())) {
            mounts.add(new Mount().withType(MountType.BIND).withSource(entry).withTarget(entry).withReadOnly(true));
        }
        mounts.add(new Mount().withType(MountType.BIND).withSource(dataDir(node.id()).toString()).withTarget("/data"));
        HostConfig host = HostConfig.newHostConfig().withNetworkMode(prefix).withInit(true)
                .withCapAdd(Capability.NET_ADMIN).withMounts(mounts).withPortBindings(ports);
        return docker.createContainerCmd(image).withName(prefix + "-" + node.id()).withHostName(node.id())
                .withCmd(cmd).withLabels(Map.of(LABEL, owner, "dev.titanlab.node", node.id()))
                .withExposedPorts(ExposedPort.tcp(HTTP_PORT), ExposedPort.tcp(TCP_PORT), ExposedPort.tcp(ADMIN_PORT))
                .withIpv4Address(node.ip()).withUser(dataOwner(node.id())).withWorkingDir("/data")
                .withHostConfig(host).exec().getId();
    }

    /** The class path's existing entries, absolute; the container sees each at the same path. */
    /** {@code classPath} with every entry absolute, in order. */
    static String absoluteClassPath(String classPath) {
        List<String> entries = new ArrayList<>();
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            if (!entry.isBlank()) {
                entries.add(Path.of(entry).toAbsolutePath().normalize().toString());
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    static List<String> classPathEntries(String classPath) {
        Set<String> seen = new LinkedHashSet<>();
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            if (!entry.isBlank()) {
                Path p = Path.of(entry).toAbsolutePath().normalize();
                if (Files.exists(p) && !p.startsWith("/usr")) {
                    seen.add(p.toString());
                }
            }
        }
        return List.copyOf(seen);
    }

    /** The node runs as the owner of its data folder, so the lab can read, damage and delete its files. */
    private String dataOwner(String node) {
        try {
            Object uid = Files.getAttribute(dataDir(node), "unix:uid", LinkOption.NOFOLLOW_LINKS);
            Object gid = Files.getAttribute(dataDir(node), "unix:gid", LinkOption.NOFOLLOW_LINKS);
            return uid + ":" + gid;
        } catch (IOException | UnsupportedOperationException e) {
            return "0:0";
        }
    }

    @Override
    public String name() {
        return "docker";
    }

    @Override
    public List<String> nodes() {
        return List.copyOf(nodes.keySet());
    }

    /** A node's address on the lab's network, for tests. */
    public String address(String node) {
        check(node);
        return nodes.get(node).ip();
    }

    @Override
    public void startAll() {
        for (String id : nodes.keySet()) {
            launch(id);
        }
        for (String id : nodes.keySet()) {
            awaitReady(id);
        }
    }

    @Override
    public synchronized void start(String node) {
        launch(node);
        awaitReady(node);
    }

    private synchronized void launch(String node) {
        check(node);
        if (state(node) != NodeState.STOPPED) {
            throw new IllegalStateException(node + " is already running");
        }
        try {
            docker.startContainerCmd(containers.get(node)).exec();
        } catch (DockerException e) {
            throw new RuntimeFailure("cannot start " + node + ": " + oneLine(e), e);
        }
        states.put(node, NodeState.RUNNING);
        applyRules(node); // iptables rules died with the container's last run
    }

    /** Polls the node's status endpoint through its published port; fails early when the container exits. */
    private void awaitReady(String node) {
        Node n = nodes.get(node);
        ClusterProbe probe = new ClusterProbe(List.of());
        Endpoint endpoint = new Endpoint(node, "127.0.0.1", n.http(), n.tcp());
        long deadline = System.nanoTime() + options.readyTimeout().toNanos();
        while (true) {
            if (probe.status(endpoint).isPresent()) {
                return;
            }
            InspectContainerResponse.ContainerState s = inspect(node).getState();
            if (!Boolean.TRUE.equals(s.getRunning())) {
                synchronized (this) {
                    states.put(node, NodeState.STOPPED);
                }
                throw new RuntimeFailure(node + " exited with code " + s.getExitCodeLong() + " before it was ready: "
                        + lastLines(logs(node), 5));
            }
            if (System.nanoTime() > deadline) {
                throw new RuntimeFailure(node + " was not ready within " + options.readyTimeout().toSeconds() + " s: "
                        + lastLines(logs(node), 5));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RuntimeFailure("interrupted while waiting for " + node);
            }
        }
    }

    private InspectContainerResponse inspect(String node) {
        try {
            return docker.inspectContainerCmd(containers.get(node)).exec();
        } catch (DockerException e) {
            throw new RuntimeFailure("cannot inspect " + node + ": " + oneLine(e), e);
        }
    }

    @Override
    public synchronized void stop(String node) {
        check(node);
        if (state(node) == NodeState.STOPPED) {
            return;
        }
        try {
            if (states.get(node) == NodeState.PAUSED) {
                docker.unpauseContainerCmd(containers.get(node)).exec();
            }
            docker.stopContainerCmd(containers.get(node)).withTimeout(10).exec();
        } catch (DockerException e) {
            throw new RuntimeFailure("cannot stop " + node + ": " + oneLine(e), e);
        }
        awaitExit(node);
    }

    @Override
    public synchronized void kill(String node) {
        check(node);
        if (state(node) == NodeState.STOPPED) {
            return;
        }
        try {
            if (states.get(node) == NodeState.PAUSED) {
                docker.unpauseContainerCmd(containers.get(node)).exec(); // the engine kills no paused container
            }
            docker.killContainerCmd(containers.get(node)).withSignal("KILL").exec();
        } catch (DockerException e) {
            if (!isNotRunning(e)) {
                throw new RuntimeFailure("cannot kill " + node + ": " + oneLine(e), e);
            }
        }
        awaitExit(node);
    }

    private static boolean isNotRunning(DockerException e) {
        return e.getHttpStatus() == 409 && String.valueOf(e.getMessage()).contains("not running");
    }

    private void awaitExit(String node) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (Boolean.TRUE.equals(inspect(node).getState().getRunning())) {
            if (System.nanoTime() > deadline) {
                throw new RuntimeFailure(node + " did not exit within 20 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RuntimeFailure("interrupted while waiting for " + node + " to exit");
            }
        }
        states.put(node, NodeState.STOPPED);
    }

    @Override
    public synchronized void pause(String node) {
        check(node);
        if (state(node) == NodeState.RUNNING) {
            try {
                docker.pauseContainerCmd(containers.get(node)).exec();
            } catch (DockerException e) {
                throw new RuntimeFailure("cannot pause " + node + ": " + oneLine(e), e);
            }
            states.put(node, NodeState.PAUSED);
        }
    }

    @Override
    public synchronized void resume(String node) {
        check(node);
        if (state(node) == NodeState.PAUSED) {
            try {
                docker.unpauseContainerCmd(containers.get(node)).exec();
            } catch (DockerException e) {
                throw new RuntimeFailure("cannot resume " + node + ": " + oneLine(e), e);
            }
            states.put(node, NodeState.RUNNING);
            applyRules(node); // cuts made while it was frozen (an exec into a paused container fails)
        }
    }

    @Override
    public synchronized NodeState state(String node) {
        check(node);
        if (states.get(node) != NodeState.STOPPED) {
            InspectContainerResponse.ContainerState s = inspect(node).getState();
            if (!Boolean.TRUE.equals(s.getRunning())) {
                states.put(node, NodeState.STOPPED); // it died on its own
            }
        }
        return states.get(node);
    }

    @Override
    public synchronized void cut(Plans.Link link) {
        checkLink(link);
        if (cuts.add(link)) {
            applyRules(link.to());
        }
    }

    @Override
    public synchronized void heal(Plans.Link link) {
        checkLink(link);
        if (cuts.remove(link)) {
            applyRules(link.to());
        }
    }

    @Override
    public synchronized void setLinkFaults(Plans.Link link, LinkFaults faults) {
        checkLink(link);
        if (!faults.equals(LinkFaults.HEALTHY)) {
            throw new RuntimeFailure("the docker runtime cannot make links slow, flaky or throttled (no tc netem here);"
                    + " use the local runtime for those faults");
        }
    }

    @Override
    public synchronized void healAllLinks() {
        Set<String> touched = new HashSet<>();
        for (Plans.Link link : cuts) {
            touched.add(link.to());
        }
        cuts.clear();
        for (String node : touched) {
            applyRules(node);
        }
    }

    /**
     * Writes {@code node}'s INPUT chain from the set of cut links into it: one DROP rule for each peer
     * whose link to {@code node} is cut, matching what that peer sends to the peer port (so the
     * replies on {@code node}'s own connections to the peer still arrive: each direction is its own
     * link, as with the local runtime's proxies). A stopped or paused node gets its rules when it
     * starts or resumes.
     */
    private void applyRules(String node) {
        if (states.get(node) != NodeState.RUNNING) {
            return;
        }
        StringBuilder script = new StringBuilder("iptables -w 5 -F INPUT");
        for (Plans.Link link : cuts) {
            if (link.to().equals(node)) {
                script.append(" && iptables -w 5 -A INPUT -s ").append(nodes.get(link.from()).ip())
                        .append(" -p tcp --dport ").append(PEER_PORT).append(" -j DROP");
            }
        }
        exec(node, "PATH=/usr/sbin:/usr/bin; " + script);
    }

    /** Runs a shell command as root in {@code node}'s container, bounded by {@code timeout}; returns its output. */
    String exec(String node, String script) {
        String id = containers.get(node);
        try {
            String execId = docker.execCreateCmd(id).withUser("0").withAttachStdout(true).withAttachStderr(true)
                    .withCmd("/usr/bin/timeout", "-s", "KILL", Integer.toString(EXEC_TIMEOUT_SECONDS), "/bin/sh", "-c",
                            script).exec().getId();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ResultCallback.Adapter<Frame> callback = docker.execStartCmd(execId).exec(collect(out));
            if (!callback.awaitCompletion(EXEC_TIMEOUT_SECONDS + 5, TimeUnit.SECONDS)) {
                callback.close();
                throw new RuntimeFailure("exec in " + node + " did not finish: " + script);
            }
            Long code = docker.inspectExecCmd(execId).exec().getExitCodeLong();
            String text = out.toString(StandardCharsets.UTF_8).strip();
            if (code == null || code != 0) {
                throw new RuntimeFailure("exec in " + node + " failed (exit " + code + "): " + script + ": "
                        + lastLines(text, 3));
            }
            return text;
        } catch (DockerException e) {
            throw new RuntimeFailure("cannot exec in " + node + ": " + oneLine(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeFailure("interrupted during an exec in " + node);
        } catch (IOException e) {
            throw new RuntimeFailure("exec in " + node + ": " + e.getMessage(), e);
        }
    }

    private static ResultCallback.Adapter<Frame> collect(OutputStream out) {
        return new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
                try {
                    out.write(frame.getPayload());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    @Override
    public java.net.InetSocketAddress adminAddress(String node) {
        check(node);
        return new java.net.InetSocketAddress("127.0.0.1", nodes.get(node).admin());
    }

    @Override
    public void setClockRate(String node, double rate) {
        check(node);
        AdminClock.set(http, node, nodes.get(node).admin(), rate);
    }

    @Override
    public String powerLoss(String node, String at, String cut, long seed) {
        check(node);
        return AdminPower.powerLoss(http, this, node, nodes.get(node).admin(), at, cut, seed);
    }

    @Override
    public synchronized String damageWal(String node, Fault.WalDamageKind kind, RandomGenerator random) {
        check(node);
        if (state(node) != NodeState.STOPPED) {
            throw new IllegalStateException(node + " must be stopped before its WAL is damaged");
        }
        return WalDamage.damage(dataDir(node), kind, random);
    }

    @Override
    public List<Endpoint> endpoints() {
        List<Endpoint> list = new ArrayList<>();
        for (Node n : nodes.values()) {
            list.add(new Endpoint(n.id(), "127.0.0.1", n.http(), n.tcp()));
        }
        return list;
    }

    @Override
    public OptionalLong pid(String node) {
        check(node);
        return OptionalLong.empty(); // the JVM lives in the container's process namespace
    }

    /** Copies each container's output (stdout and stderr, every run since it was created) via the Docker API. */
    @Override
    public synchronized void collectLogs(Path runDir) {
        for (String id : nodes.keySet()) {
            try {
                Path dir = runDir.resolve("nodes").resolve(id);
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("node.log"), logs(id), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new RuntimeFailure("cannot write the log of " + id + ": " + e.getMessage(), e);
            }
        }
    }

    private String logs(String node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ResultCallback.Adapter<Frame> callback = docker.logContainerCmd(containers.get(node)).withStdOut(true)
                    .withStdErr(true).withFollowStream(false).exec(collect(out));
            if (!callback.awaitCompletion(30, TimeUnit.SECONDS)) {
                callback.close();
            }
        } catch (DockerException e) {
            throw new RuntimeFailure("cannot read the log of " + node + ": " + oneLine(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // closing an unfinished stream: keep what arrived
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Removes the containers (killing the nodes) and the network. Never throws. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        removeAllQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook is running or has run
        }
        closeClient(docker);
    }

    private void removeAllQuietly() {
        for (String id : containers.values()) {
            try {
                docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
            } catch (RuntimeException e) {
                // already gone
            }
        }
        if (networkId != null) {
            try {
                docker.removeNetworkCmd(networkId).exec();
            } catch (RuntimeException e) {
                // already gone
            }
        }
    }

    /** Removes containers and networks labelled by labs whose JVM is gone. */
    static void removeStale(DockerClient docker) {
        for (Container c : docker.listContainersCmd().withShowAll(true).withLabelFilter(List.of(LABEL)).exec()) {
            if (isStale(c.getLabels().get(LABEL))) {
                try {
                    docker.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
                } catch (NotFoundException e) {
                    // removed meanwhile
                }
            }
        }
        for (Network n : docker.listNetworksCmd().exec()) {
            if (n.getLabels() != null && n.getLabels().containsKey(LABEL) && isStale(n.getLabels().get(LABEL))) {
                try {
                    docker.removeNetworkCmd(n.getId()).exec();
                } catch (NotFoundException e) {
                    // removed meanwhile
                }
            }
        }
    }

    static String ownerLabel(ProcessHandle process) {
        long started = process.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
        return process.pid() + "@" + started;
    }

    /** True when the owner named by {@code label} is not a live process (a reused pid has another start time). */
    static boolean isStale(String label) {
        if (label == null || !label.matches("\\d+@\\d+")) {
            return true;
        }
        long pid = Long.parseLong(label.substring(0, label.indexOf('@')));
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(DockerRuntime::ownerLabel)
                .map(live -> !live.equals(label)).orElse(true);
    }

    /** The first 172.28.x.0/24 (x from 200 on) that overlaps no Docker network's IPv4 subnet. */
    private String freeSubnet() {
        List<String> used = new ArrayList<>();
        for (Network n : docker.listNetworksCmd().exec()) {
            if (n.getIpam() != null && n.getIpam().getConfig() != null) {
                n.getIpam().getConfig().forEach(c -> used.add(c.getSubnet()));
            }
        }
        return freeSubnet(used);
    }

    static String freeSubnet(List<String> used) {
        for (int x = 200; x < 456; x++) {
            String candidate = "172.28." + (x % 256) + ".0/24";
            if (used.stream().noneMatch(u -> overlaps(u, candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("every 172.28.x.0/24 overlaps a Docker network");
    }

    /** Whether two IPv4 CIDR blocks share an address; anything else (IPv6, null) overlaps nothing. */
    static boolean overlaps(String a, String b) {
        long[] x = cidr(a);
        long[] y = cidr(b);
        return x != null && y != null && x[0] <= y[1] && y[0] <= x[1];
    }

    private static long[] cidr(String block) {
        if (block == null || !block.matches("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}")) {
            return null;
        }
        String[] parts = block.split("[./]");
        long address = 0;
        for (int i = 0; i < 4; i++) {
            address = address << 8 | Integer.parseInt(parts[i]);
        }
        int bits = Integer.parseInt(parts[4]);
        long size = 1L << (32 - Math.min(32, bits));
        long first = address & ~(size - 1) & 0xffffffffL;
        return new long[] {first, first + size - 1};
    }

    private void check(String node) {
        if (!nodes.containsKey(node)) {
            throw new IllegalArgumentException("no node " + node + " (nodes: " + nodes.keySet() + ")");
        }
    }

    private void checkLink(Plans.Link link) {
        check(link.from());
        check(link.to());
    }

    private static String lastLines(String text, int count) {
        String[] lines = text.strip().split("\n");
        return String.join(" / ", List.of(lines).subList(Math.max(0, lines.length - count), lines.length));
    }

    static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) {
            message += " (" + root.getMessage() + ")";
        }
        return message.strip().replaceAll("\\s+", " ");
    }

    private static void closeClient(DockerClient client) {
        try {
            client.close();
        } catch (IOException | RuntimeException e) {
            // nothing to do
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
