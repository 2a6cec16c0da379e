package titan.node.server;

import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;

import titan.node.api.KvService;

/** The client-facing servers (HTTP/JSON and binary TCP) of one node, bound and serving. */
public interface ClientApis extends AutoCloseable {
    int httpPort();

    int tcpPort();

    @Override
    void close();

    /** Binds both client ports and starts serving {@code service}; throws {@link BadConfigException} on a busy port. */
    interface Factory {
        ClientApis open(NodeConfig config, KvService service, MeterRegistry metrics, Supplier<String> scrape);
    }
}
