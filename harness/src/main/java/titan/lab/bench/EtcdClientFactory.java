package titan.lab.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import titan.client.Endpoint;
import titan.client.TitanClient;

/**
 * Opens {@link EtcdGatewayClient}s to the first endpoint (the leader: {@link EtcdLauncher} lists it
 * first) on one shared event loop of {@code ioThreads} threads, as {@link TitanClientFactory} does for
 * Titan, so both systems are driven by the same generator with the same threads.
 */
final class EtcdClientFactory implements ClientFactory, AutoCloseable {
    private final EventLoopGroup group;
    private final Duration timeout;

    EtcdClientFactory(int ioThreads, Duration timeout) {
        this.group = new NioEventLoopGroup(ioThreads, new DefaultThreadFactory(GeneratorCpu.CLIENT_THREAD_PREFIX, true));
        this.timeout = timeout;
    }

    @Override
    public TitanClient open(String protocol, List<Endpoint> endpoints) {
        if (!protocol.equals("etcd")) {
            throw new IllegalArgumentException("the etcd client speaks only etcd, not " + protocol);
        }
        return new EtcdGatewayClient(endpoints.get(0), group, timeout);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
