package titan.lab.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import titan.client.Endpoint;
import titan.nemesis.Fault;
import titan.nemesis.Plans;

/**
 * The local runtime's process handling with a stand-in node ({@link FakeNode}): start, kill,
 * pause/resume (the process state as the kernel reports it), restart on the same ports, WAL
 * damage of a stopped node, orphan reaping. Real processes: waits poll with deadlines.
 */
@Tag("cluster")
class LocalRuntimeTest {
    @TempDir Path dir;

    private LocalRuntime runtime(int nodes) {
        LocalRuntime.Options d = LocalRuntime.Options.defaults(nodes, dir.resolve("nodes"), dir.resolve("pids"), List.of(), 1);
        return new LocalRuntime(new LocalRuntime.Options(d.nodes(), d.nodesDir(), d.pidFile(), d.unsafe(), d.clusterId(),
                List.of("-Xmx32m", "-XX:TieredStopAtLevel=1"), d.classPath(), FakeNode.class.getName(),
                Duration.ofSeconds(20), d.seed(), true));
    }

    @Test
    void startsKillsPausesAndRestartsNodes() throws Exception {
        try (LocalRuntime r = runtime(2)) {
            r.startAll();
            assertThat(r.nodes()).containsExactly("n1", "n2");
            Endpoint n1 = r.endpoints().get(0);
            assertThat(accepts(n1.httpPort())).isTrue();
            long pid = r.pid("n1").orElseThrow();

            r.pause("n1");
            assertThat(r.state("n1")).isEqualTo(ClusterRuntime.NodeState.PAUSED);
            awaitTrue(() -> processState(pid) == 'T', "n1 is stopped by SIGSTOP");
            r.resume("n1");
            awaitTrue(() -> processState(pid) != 'T', "n1 runs again after SIGCONT");

            r.kill("n1");
            assertThat(r.state("n1")).isEqualTo(ClusterRuntime.NodeState.STOPPED);
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(r.pid("n1")).isEmpty();

            r.start("n1");
            assertThat(r.pid("n1").orElseThrow()).isNotEqualTo(pid);
            assertThat(r.endpoints().get(0)).isEqualTo(n1); // same ports after a restart
            assertThat(accepts(n1.httpPort())).isTrue();
            assertThat(Files.readString(dir.resolve("nodes/n1/node.log"))).contains("titan-node n1 ready");
            assertThat(Files.readAllLines(dir.resolve("pids"))).hasSize(2);
        }
        assertThat(Files.readAllLines(dir.resolve("pids"))).isEmpty();
    }

    @Test
    void aBenchmarkClusterHasDirectPeerLinksAndRefusesLinkFaults() {
        LocalRuntime.Options d = LocalRuntime.Options.defaults(2, dir.resolve("nodes"), dir.resolve("pids"), List.of(), 1)
                .forBenchmark();
        assertThat(d.linkProxies()).isFalse();
        assertThat(d.javaOptions()).noneMatch(o -> o.startsWith("-XX:TieredStopAtLevel"));
        try (LocalRuntime r = new LocalRuntime(d)) {
            assertThatThrownBy(() -> r.proxy(new Plans.Link("n1", "n2")))
                    .isInstanceOf(RuntimeFailure.class).hasMessageContaining("without link proxies");
        }
    }

    @Test
    void closeKillsEveryNode() {
        long pid;
        try (LocalRuntime r = runtime(1)) {
            r.startAll();
            pid = r.pid("n1").orElseThrow();
            r.pause("n1"); // a paused node dies too
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void aNodeExitsWhenItsStdinCloses() throws Exception {
        // What keeps nodes from outliving a lab killed with SIGKILL: the pipe closes and the node exits.
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), FakeNode.class.getName(), "--id", "n9", "--exit-on-stdin-eof")
                .redirectErrorStream(true).start();
        try {
            String line = new String(p.getInputStream().readNBytes(17), StandardCharsets.UTF_8);
            assertThat(line).isEqualTo("titan-node n9 rea");
            p.getOutputStream().close();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void reapsTheNodesOfALabThatIsGone() throws Exception {
        Process orphan = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), FakeNode.class.getName(), "--id", "n7")
                .redirectErrorStream(true).start();
        try {
            // A lab pid that cannot be alive: pid_max is at most 2^22 on Linux.
            Files.writeString(dir.resolve("pids"), "99999999 " + orphan.pid() + "\n");
            try (LocalRuntime r = runtime(1)) {
                assertThat(orphan.waitFor(20, TimeUnit.SECONDS)).as("the orphan is reaped").isTrue();
            }
        } finally {
            orphan.destroyForcibly();
        }
    }

    @Test
    void damagesTheWalTailOfAStoppedNodeOnly() throws Exception {
        try (LocalRuntime r = runtime(1)) {
            Path wal = dir.resolve("nodes/n1/data/wal-00000000000000000001.log");
            Files.write(wal, new byte[100]);
            r.startAll();
            assertThatThrownBy(() -> r.damageWal("n1", Fault.WalDamageKind.TRUNCATE, new SplittableRandom(1)))
                    .isInstanceOf(IllegalStateException.class);
            r.kill("n1");
            String truncated = r.damageWal("n1", Fault.WalDamageKind.TRUNCATE, new SplittableRandom(1));
            assertThat(truncated).startsWith("cut ");
            assertThat(Files.size(wal)).isLessThan(100).isGreaterThanOrEqualTo(36);
            long size = Files.size(wal);
            assertThat(r.damageWal("n1", Fault.WalDamageKind.CORRUPT, new SplittableRandom(1))).startsWith("flipped byte");
            assertThat(Files.size(wal)).isEqualTo(size);
            int nonZero = 0;
            for (byte x : Files.readAllBytes(wal)) {
                nonZero += x != 0 ? 1 : 0;
            }
            assertThat(nonZero).as("one byte flipped").isEqualTo(1);
        }
    }

    @Test
    void peerLinksGoThroughTheirProxies() {
        try (LocalRuntime r = runtime(2)) {
            r.startAll();
            LinkProxy p = r.proxy(new Plans.Link("n1", "n2"));
            assertThat(accepts(p.port())).isTrue();
            r.cut(new Plans.Link("n1", "n2"));
            assertThat(p.isCut()).isTrue();
            r.healAllLinks();
            assertThat(p.isCut()).isFalse();
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return s.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    /** The state letter in /proc/<pid>/stat (R, S, T, ...), or '?' when unreadable. */
    private static char processState(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (IOException e) {
            return '?';
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() < deadline).as(what).isTrue();
            LockSupport.parkNanos(10_000_000L);
        }
    }
}
