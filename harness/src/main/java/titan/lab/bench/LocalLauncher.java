package titan.lab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import titan.client.Endpoint;
import titan.lab.runtime.ClusterProbe;
import titan.lab.runtime.ClusterRuntime;
import titan.lab.runtime.DockerRuntime;
import titan.lab.runtime.LocalRuntime;

/**
 * The benchmark's cluster on one of the lab's runtimes, data in a temporary directory that is
 * deleted afterwards. {@code fsync=false} starts the nodes with the unsafe {@code no-fsync} switch
 * (for a side-by-side figure only).
 * <ul>
 *   <li>{@link #local()}: child node processes on loopback. Peer traffic passes through the
 *       runtime's link proxies, as in every lab test; they cost the lab's JVM some CPU.</li>
 *   <li>{@link #docker()}: one container per node, clients through the ports published on
 *       127.0.0.1. The nodes' processes live in the containers' namespaces, so there is no pid to
 *       read CPU from: the CPU columns stay empty.</li>
 * </ul>
 */
final class LocalLauncher implements ClusterLauncher {
    private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(120);

    /** Makes the runtime for a spec in a folder; started by the launcher. */
    interface RuntimeMaker {
        ClusterRuntime make(Spec spec, Path dir, List<String> unsafe);
    }

    private final RuntimeMaker maker;

    private LocalLauncher(RuntimeMaker maker) {
        this.maker = maker;
    }

    static LocalLauncher local() {
        return new LocalLauncher((spec, dir, unsafe) -> new LocalRuntime(LocalRuntime.Options.defaults(spec.nodes(),
                dir.resolve("nodes"), dir.resolve("nodes.pid"), unsafe, 1).forBenchmark()));
    }

    static LocalLauncher docker() {
        return new LocalLauncher((spec, dir, unsafe) -> new DockerRuntime(DockerRuntime.Options.defaults(spec.nodes(),
                dir.resolve("nodes"), unsafe)));
    }

    @Override
    public Cluster start(Spec spec) throws Exception {
        Path dir = Files.createTempDirectory("titan-bench");
        ClusterRuntime runtime;
        try {
            runtime = maker.make(spec, dir, spec.fsync() ? List.of() : List.of("no-fsync"));
        } catch (RuntimeException | Error e) {
            deleteQuietly(dir);
            throw e;
        }
        try {
            runtime.startAll();
            ClusterProbe probe = new ClusterProbe(runtime.endpoints());
            long deadline = System.nanoTime() + LEADER_TIMEOUT.toNanos();
            while (probe.leader().isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no leader within " + LEADER_TIMEOUT.toSeconds() + " s");
                }
                Thread.sleep(50);
            }
        } catch (Exception | Error e) {
            runtime.close();
            deleteQuietly(dir);
            throw e;
        }
        return new Cluster() {
            @Override
            public List<Endpoint> endpoints() {
                return runtime.endpoints();
            }

            @Override
            public Map<String, Long> pids() {
                Map<String, Long> pids = new LinkedHashMap<>();
                for (String node : runtime.nodes()) {
                    runtime.pid(node).ifPresent(pid -> pids.put(node, pid));
                }
                return pids;
            }

            @Override
            public void close() {
                runtime.close();
                deleteQuietly(dir);
            }
        };
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory; the OS cleans it eventually
        }
    }
}
