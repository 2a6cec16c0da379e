package titan.client;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import titan.node.api.ApiLimits;
import titan.node.api.FakeKvService;
import titan.node.api.HttpApiServer;
import titan.node.api.TcpApiServer;

/** Fake nodes n1..nN, each serving both protocols on loopback ports, for client tests. */
final class LoopbackCluster implements AutoCloseable {
    final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    final List<FakeKvService> services = new ArrayList<>();
    final List<TcpApiServer> tcp = new ArrayList<>();
    final List<HttpApiServer> http = new ArrayList<>();
    final List<Endpoint> endpoints = new ArrayList<>();

    LoopbackCluster(int nodes) {
        for (int i = 1; i <= nodes; i++) {
            FakeKvService service = new FakeKvService("n" + i);
            services.add(service);
            InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            ApiLimits limits = ApiLimits.forValues(1 << 16);
            tcp.add(TcpApiServer.start(service, any, group, limits, registry));
            http.add(HttpApiServer.start(service, any, group, limits, registry, () -> ""));
            endpoints.add(new Endpoint("n" + i, "127.0.0.1", http.get(i - 1).port(), tcp.get(i - 1).port()));
        }
    }

    FakeKvService node(int i) {
        return services.get(i - 1);
    }

    /** n{@code leader} answers as a one-node leader; every other node points at it. */
    LoopbackCluster leaderIs(int leader) {
        for (int i = 1; i <= services.size(); i++) {
            if (i == leader) {
                node(i).asLeader();
            } else {
                node(i).asFollowerOf("n" + leader);
            }
        }
        return this;
    }

    @Override
    public void close() {
        tcp.forEach(TcpApiServer::close);
        http.forEach(HttpApiServer::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
