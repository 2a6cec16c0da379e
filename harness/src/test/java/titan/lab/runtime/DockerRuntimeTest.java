package titan.lab.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import titan.client.Endpoint;
import titan.client.Outcome;
import titan.client.TitanClient;
import titan.lab.workload.Clients;
import titan.nemesis.Plans;

/**
 * A real three-node Titan cluster in containers: start, write and read through the client, cut one
 * node off (its iptables rules checked inside its container) and heal, pause and resume, kill and
 * restart one node (its cut re-applied after the restart), the clock endpoint, logs through the
 * Docker API, and nothing left behind at close. Skipped when no Docker engine answers, except under
 * {@code CI=true}, where a missing engine fails the test.
 */
@Tag("docker")
class DockerRuntimeTest {
    @TempDir Path dir;

    @Test
    void runsACluster() throws Exception {
        Optional<String> problem = DockerRuntime.engineProblem();
        if (problem.isPresent()) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true and " + problem.get());
            }
            Assumptions.abort(problem.get());
        }
        String staleNetwork;
        try (DockerClient docker = DockerRuntime.connect(Duration.ofSeconds(10))) { // left by a lab that is gone
            staleNetwork = docker.createNetworkCmd().withName("titan-lab-stale-" + ProcessHandle.current().pid())
                    .withLabels(java.util.Map.of(DockerRuntime.LABEL, "999999999@1")).exec().getId();
        }
        DockerRuntime.Options d = DockerRuntime.Options.defaults(3, dir.resolve("nodes"), List.of());
        String owner;
        long t0 = System.nanoTime();
        try (DockerRuntime r = new DockerRuntime(new DockerRuntime.Options(d.nodes(), d.nodesDir(), d.unsafe(),
                d.clusterId(), d.javaOptions(), d.classPath(), d.mainClass(), Duration.ofSeconds(40), null))) {
            long created = System.nanoTime();
            r.startAll();
            long started = System.nanoTime();
            System.out.printf("docker runtime: set up %d ms, 3 nodes ready in %d ms%n",
                    (created - t0) / 1_000_000, (started - created) / 1_000_000);
            owner = DockerRuntime.ownerLabel(ProcessHandle.current());
            try (DockerClient docker = DockerRuntime.connect(Duration.ofSeconds(10))) {
                assertThat(docker.listNetworksCmd().exec()).noneMatch(n -> n.getId().equals(staleNetwork));
            }
            ClusterProbe probe = new ClusterProbe(r.endpoints());
            String leader = await(probe::leader, "a leader");
            assertThat(r.endpoints()).allSatisfy(e -> assertThat(e.host()).isEqualTo("127.0.0.1"));

            try (TitanClient client = Clients.open("http", r.endpoints(), Duration.ofSeconds(5), 2)) {
                assertOk(client.put("k", bytes("v1")).get(10, TimeUnit.SECONDS));
                assertThat(value(client.get("k", TitanClient.ReadMode.LINEARIZABLE).get(10, TimeUnit.SECONDS)))
                        .isEqualTo("v1");

                // Cut a follower off from both others, both directions.
                String lonely = r.nodes().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
                for (String other : r.nodes()) {
                    if (!other.equals(lonely)) {
                        r.cut(new Plans.Link(other, lonely));
                        r.cut(new Plans.Link(lonely, other));
                    }
                }
                String rules = r.exec(lonely, "PATH=/usr/sbin:/usr/bin; iptables -S INPUT");
                for (String other : r.nodes()) {
                    if (!other.equals(lonely)) {
                        assertThat(rules).contains("-A INPUT -s " + r.address(other) + "/32 -p tcp -m tcp --dport "
                                + DockerRuntime.PEER_PORT + " -j DROP");
                    }
                }
                Endpoint lonelyEndpoint = endpoint(r, lonely);
                long before = probe.status(lonelyEndpoint).orElseThrow().commitIndex();
                for (int i = 0; i < 5; i++) {
                    assertOk(client.put("k", bytes("cut" + i)).get(10, TimeUnit.SECONDS));
                }
                long majority = probe.status(endpoint(r, leader)).orElseThrow().commitIndex();
                assertThat(majority).isGreaterThanOrEqualTo(before + 5);
                assertThat(probe.status(lonelyEndpoint).orElseThrow().commitIndex()).isLessThan(majority);

                r.healAllLinks();
                assertThat(r.exec(lonely, "PATH=/usr/sbin:/usr/bin; iptables -S INPUT")).doesNotContain("DROP");
                await(() -> probe.status(lonelyEndpoint).filter(s -> s.appliedIndex() >= majority).map(s -> true),
                        lonely + " to catch up after the heal");

                // Pause and resume: a frozen node does not answer.
                r.pause(lonely);
                assertThat(r.state(lonely)).isEqualTo(ClusterRuntime.NodeState.PAUSED);
                assertThat(probe.status(lonelyEndpoint)).isEmpty();
                r.resume(lonely);
                await(() -> probe.status(lonelyEndpoint).map(s -> true), lonely + " to answer after resume");

                // Kill and restart, with a cut made while it is down: re-applied when it starts.
                String other = r.nodes().stream().filter(n -> !n.equals(lonely)).findFirst().orElseThrow();
                r.kill(lonely);
                assertThat(r.state(lonely)).isEqualTo(ClusterRuntime.NodeState.STOPPED);
                assertThat(probe.status(lonelyEndpoint)).isEmpty();
                r.cut(new Plans.Link(other, lonely));
                assertOk(client.put("k", bytes("while-down")).get(10, TimeUnit.SECONDS));
                r.start(lonely);
                assertThat(r.exec(lonely, "PATH=/usr/sbin:/usr/bin; iptables -S INPUT"))
                        .contains("-s " + r.address(other) + "/32");
                r.heal(new Plans.Link(other, lonely));
                long commit = await(() -> probe.status(endpoint(r, probe.leader().orElse(other)))
                        .map(ClusterProbe.Status::commitIndex), "the commit index");
                await(() -> probe.status(lonelyEndpoint).filter(s -> s.appliedIndex() >= commit).map(s -> true),
                        lonely + " to catch up after its restart");
                assertThat(value(client.get("k", TitanClient.ReadMode.LINEARIZABLE).get(10, TimeUnit.SECONDS)))
                        .isEqualTo("while-down");
            }

            r.setClockRate("n1", 1.0);
            assertThatThrownBy(() -> r.setLinkFaults(new Plans.Link("n1", "n2"), new LinkFaults(1000, 0, 0, 0)))
                    .isInstanceOf(RuntimeFailure.class).hasMessageContaining("netem");
            assertThatThrownBy(() -> r.kill("n9")).isInstanceOf(IllegalArgumentException.class);

            r.collectLogs(dir.resolve("run"));
            for (String n : r.nodes()) {
                assertThat(Files.readString(dir.resolve("run/nodes/" + n + "/node.log"), StandardCharsets.UTF_8))
                        .contains("titan-node " + n + " ready");
            }
        }
        try (DockerClient docker = DockerRuntime.connect(Duration.ofSeconds(10))) {
            assertThat(docker.listContainersCmd().withShowAll(true).withLabelFilter(java.util.Map.of(DockerRuntime.LABEL,
                    owner)).exec()).isEmpty();
            assertThat(docker.listNetworksCmd().exec()).noneMatch(n -> n.getLabels() != null
                    && owner.equals(n.getLabels().get(DockerRuntime.LABEL)));
        }
    }

    private static Endpoint endpoint(DockerRuntime r, String node) {
        return r.endpoints().stream().filter(e -> e.nodeId().equals(node)).findFirst().orElseThrow();
    }

    private static <T> T await(Supplier<Optional<T>> what, String description) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            Optional<T> value = what.get();
            if (value.isPresent()) {
                return value.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("timed out waiting for " + description);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void assertOk(Outcome outcome) {
        assertThat(outcome).isInstanceOf(Outcome.Ok.class);
    }

    private static String value(Outcome outcome) {
        assertThat(outcome).isInstanceOf(Outcome.Ok.class);
        return new String(((Outcome.Ok) outcome).value(), StandardCharsets.UTF_8);
    }
}
