package titan.node.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import titan.client.Endpoint;

/**
 * A cluster of real Titan node processes on loopback for tests: each node is a child JVM running
 * {@link NodeMain} with this JVM's class path, logging into {@code dir/<node>.log}, and dying with
 * its parent (its stdin is a pipe and it runs with {@code --exit-on-stdin-eof}).
 */
final class NodeProcesses implements AutoCloseable {
    private final Path dir;
    private final int size;
    private final List<String> extraFlags;
    private final Map<String, int[]> ports = new TreeMap<>(); // node -> {peer, http, tcp}
    private final Map<String, Process> processes = new TreeMap<>();

    NodeProcesses(Path dir, int size, List<String> extraFlags) throws IOException {
        this.dir = dir;
        this.size = size;
        this.extraFlags = List.copyOf(extraFlags);
        for (int i = 1; i <= size; i++) {
            ports.put("n" + i, new int[] {freePort(), freePort(), freePort()});
        }
    }

    List<String> nodes() {
        return List.copyOf(ports.keySet());
    }

    List<Endpoint> endpoints() {
        return ports.entrySet().stream()
                .map(e -> new Endpoint(e.getKey(), "127.0.0.1", e.getValue()[1], e.getValue()[2])).toList();
    }

    List<Integer> peerPorts() {
        return ports.values().stream().map(p -> p[0]).toList();
    }

    int httpPort(String node) {
        return ports.get(node)[1];
    }

    /** Starts {@code node} and waits for its ready line. */
    void start(String node) throws Exception {
        String peers = ports.entrySet().stream().map(e -> e.getKey() + "=127.0.0.1:" + e.getValue()[0])
                .collect(Collectors.joining(","));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                NodeMain.class.getName(), "--id", node, "--data-dir", dir.resolve(node).toString(), "--peers", peers,
                "--http-port", Integer.toString(ports.get(node)[1]), "--tcp-port", Integer.toString(ports.get(node)[2]),
                "--exit-on-stdin-eof"));
        command.addAll(extraFlags);
        Path log = dir.resolve(node + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        processes.put(node, process);
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    Files.writeString(log, line + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                            java.nio.file.StandardOpenOption.APPEND);
                    if (line.startsWith("titan-node " + node + " ready")) {
                        ready.complete(null);
                    }
                }
            } catch (IOException ignored) {
                // the process died
            }
            ready.completeExceptionally(new IllegalStateException(node + " exited before it was ready; see " + log));
        }, "log-" + node);
        pump.setDaemon(true);
        pump.start();
        ready.get(60, TimeUnit.SECONDS);
    }

    void startAll() throws Exception {
        for (String node : nodes()) {
            start(node);
        }
    }

    /** SIGKILL: no shutdown hook runs, unsynced writes are the OS's business. */
    void kill(String node) throws InterruptedException {
        Process p = processes.remove(node);
        if (p != null) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM: a graceful stop; returns the exit code. */
    int terminate(String node) throws InterruptedException {
        Process p = processes.remove(node);
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(node + " did not stop within 30 s of SIGTERM");
        }
        return p.exitValue();
    }

    boolean isRunning(String node) {
        Process p = processes.get(node);
        return p != null && p.isAlive();
    }

    String log(String node) throws IOException {
        Path log = dir.resolve(node + ".log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws InterruptedException {
        for (String node : List.copyOf(processes.keySet())) {
            kill(node);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    static Duration deadline() {
        return Duration.ofSeconds(60);
    }
}
