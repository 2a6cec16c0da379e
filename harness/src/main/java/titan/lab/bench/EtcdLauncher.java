package titan.lab.bench;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import titan.client.Endpoint;

/**
 * A 3-member etcd cluster on loopback for {@code --compare etcd}: the {@code etcd} binary found on
 * the PATH, each member a child process with its own data folder under {@code dir} (etcd's
 * default: every write fsynced before it is acknowledged), client and peer ports picked free on
 * 127.0.0.1. {@link #start} returns once a leader is elected and a put has succeeded, within
 * {@link #START_TIMEOUT}; the cluster's {@code endpoints()} list the leader first (the benchmark's
 * clients talk to it, as Titan's find their leader). {@code close()} kills every member (SIGTERM,
 * then SIGKILL after 5 s) and is also run by a shutdown hook, so no member outlives the lab.
 * The data folders stay in the run folder with each member's log.
 */
final class EtcdLauncher implements ClusterLauncher {
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path binary;
    private final Path dir;

    EtcdLauncher(Path binary, Path dir) {
        this.binary = binary;
        this.dir = dir;
    }

    /** The {@code etcd} executable on the PATH, if there is one. */
    static Optional<Path> binaryOnPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String d : path.split(File.pathSeparator)) {
            Path candidate = Path.of(d.isEmpty() ? "." : d, "etcd");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private record Member(String name, int clientPort, int peerPort) {
        String clientUrl() {
            return "http://127.0.0.1:" + clientPort;
        }

        String peerUrl() {
            return "http://127.0.0.1:" + peerPort;
        }
    }

    @Override
    public Cluster start(Spec spec) throws Exception {
        if (!spec.fsync()) {
            throw new IllegalArgumentException("etcd 3.4 cannot run without fsync; compare with fsync on");
        }
        Files.createDirectories(dir);
        List<Member> members = new ArrayList<>();
        for (int i = 1; i <= spec.nodes(); i++) {
            members.add(new Member("m" + i, freePort(), freePort()));
        }
        StringJoiner initial = new StringJoiner(",");
        members.forEach(m -> initial.add(m.name() + "=" + m.peerUrl()));
        Map<String, Process> processes = new LinkedHashMap<>();
        Thread hook = new Thread(() -> processes.values().forEach(Process::destroyForcibly), "etcd-bench-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Runnable stop = () -> {
            processes.values().forEach(Process::destroy);
            for (Process p : processes.values()) {
                try {
                    if (!p.waitFor(5, TimeUnit.SECONDS)) {
                        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        };
        try {
            for (Member m : members) {
                List<String> command = List.of(binary.toString(), "--name", m.name(),
                        "--data-dir", dir.resolve(m.name()).toString(),
                        "--listen-client-urls", m.clientUrl(), "--advertise-client-urls", m.clientUrl(),
                        "--listen-peer-urls", m.peerUrl(), "--initial-advertise-peer-urls", m.peerUrl(),
                        "--initial-cluster", initial.toString(), "--initial-cluster-state", "new",
                        "--initial-cluster-token", "titan-bench-" + ProcessHandle.current().pid(),
                        "--logger", "zap", "--log-level", "warn");
                Path log = dir.resolve(m.name() + ".log");
                processes.put(m.name(), new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start());
            }
            List<Endpoint> endpoints = awaitLeader(members, processes);
            return new Cluster() {
                @Override
                public List<Endpoint> endpoints() {
                    return endpoints;
                }

                @Override
                public Map<String, Long> pids() {
                    Map<String, Long> pids = new LinkedHashMap<>();
                    processes.forEach((name, p) -> pids.put(name, p.pid()));
                    return pids;
                }

                @Override
                public void close() {
                    stop.run();
                }
            };
        } catch (Exception | Error e) {
            stop.run();
            throw e;
        }
    }

    /** Polls each member's status until one is the leader and a put through it succeeds; leader first. */
    private List<Endpoint> awaitLeader(List<Member> members, Map<String, Process> processes) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        ObjectMapper json = new ObjectMapper();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            for (Map.Entry<String, Process> p : processes.entrySet()) {
                if (!p.getValue().isAlive()) {
                    throw new IllegalStateException("etcd member " + p.getKey() + " exited with "
                            + p.getValue().exitValue() + "; see " + dir.resolve(p.getKey() + ".log"));
                }
            }
            for (Member m : members) {
                try {
                    JsonNode status = json.readTree(post(http, m, "/v3/maintenance/status", "{}"));
                    String self = status.path("header").path("member_id").asText();
                    String leader = status.path("leader").asText("0");
                    if (!leader.equals("0") && leader.equals(self)) {
                        post(http, m, "/v3/kv/put", "{\"key\":\"Ym9vdA==\",\"value\":\"b2s=\"}"); // boot=ok
                        List<Endpoint> endpoints = new ArrayList<>();
                        endpoints.add(endpoint(m));
                        members.stream().filter(o -> o != m).forEach(o -> endpoints.add(endpoint(o)));
                        return List.copyOf(endpoints);
                    }
                } catch (IOException e) {
                    last = m.name() + ": " + e.getMessage();
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("etcd elected no leader within " + START_TIMEOUT.toSeconds() + " s (" + last
                + "); see the member logs in " + dir);
    }

    private static String post(HttpClient http, Member m, String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(m.clientUrl() + path))
                .timeout(Duration.ofSeconds(2)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /** An endpoint for the benchmark's clients: the gateway is the client port (the TCP port field holds the peer port). */
    private static Endpoint endpoint(Member m) {
        return new Endpoint(m.name(), "127.0.0.1", m.clientPort(), m.peerPort());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
