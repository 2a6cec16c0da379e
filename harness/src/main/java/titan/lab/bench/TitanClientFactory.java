package titan.lab.bench;

import java.time.Duration;
import java.util.List;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import titan.client.ClientOptions;
import titan.client.Endpoint;
import titan.client.HttpTitanClient;
import titan.client.TcpTitanClient;
import titan.client.TitanClient;

/**
 * Opens Titan's own clients for the benchmark: each {@link #open} is one connection per node (the
 * benchmark's {@code --connections} counts clients), TCP pipelining up to {@code pipeline} requests
 * on it, HTTP up to {@code httpPipeline} (1: one at a time); all on one shared event loop of {@code ioThreads} threads, since the
 * load generator shares the machine with the cluster. {@link #close()} stops the event loop after
 * the clients are closed.
 */
public final class TitanClientFactory implements ClientFactory, AutoCloseable {
    private final EventLoopGroup group;
    private final ClientOptions options;
    private final int httpPipeline;

    public TitanClientFactory(int pipeline, int ioThreads, Duration timeout) {
        this(pipeline, 1, ioThreads, timeout);
    }

    public TitanClientFactory(int pipeline, int httpPipeline, int ioThreads, Duration timeout) {
        this.httpPipeline = httpPipeline;
        this.group = new NioEventLoopGroup(ioThreads, new DefaultThreadFactory(GeneratorCpu.CLIENT_THREAD_PREFIX, true));
        this.options = ClientOptions.defaults().withConnectionsPerNode(1).withInFlightMax(pipeline).withTimeout(timeout)
                .withIoThreads(ioThreads);
    }

    @Override
    public TitanClient open(String protocol, List<Endpoint> endpoints) {
        return switch (protocol) {
            case "tcp" -> new TcpTitanClient(endpoints, options, group);
            case "http" -> new HttpTitanClient(endpoints, options, group, httpPipeline);
            default -> throw new IllegalArgumentException("no client for protocol " + protocol);
        };
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
