package titan.lab.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.netty.channel.nio.NioEventLoopGroup;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import titan.client.Outcome;
import titan.client.TitanClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real 3-member etcd on loopback (skipped where no etcd binary is installed: CI does not need
 * one): it starts within its bound, lists the leader first, takes a put through the gateway client,
 * and every member is gone after close.
 */
@Tag("cluster")
class EtcdLauncherTest {
    @TempDir
    Path dir;

    @Test
    void startsThreeMembersServesAPutAndLeavesNothingRunning() throws Exception {
        Optional<Path> etcd = EtcdLauncher.binaryOnPath();
        assumeTrue(etcd.isPresent(), "no etcd on the PATH");
        List<ProcessHandle> members;
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        try (ClusterLauncher.Cluster cluster = new EtcdLauncher(etcd.get(), dir).start(new ClusterLauncher.Spec(3, true))) {
            assertThat(cluster.endpoints()).hasSize(3);
            assertThat(cluster.pids()).hasSize(3);
            members = cluster.pids().values().stream().map(pid -> ProcessHandle.of(pid).orElseThrow()).toList();
            try (TitanClient client = new EtcdGatewayClient(cluster.endpoints().get(0), group, Duration.ofSeconds(5))) {
                assertThat(client.put("k", new byte[] {'v'}).join()).isInstanceOf(Outcome.Ok.class);
                assertThat(client.get("k", TitanClient.ReadMode.LINEARIZABLE).join()).isInstanceOf(Outcome.Ok.class);
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        assertThat(members).noneMatch(ProcessHandle::isAlive);
        assertThat(dir.resolve("m1.log")).exists();
    }
}
