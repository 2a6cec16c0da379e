package titan.lab.workload;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import titan.client.ClientOptions;
import titan.client.Endpoint;
import titan.client.HttpTitanClient;
import titan.client.TcpTitanClient;
import titan.client.TitanClient;

/** Opens the Java client of a protocol ({@code http} or {@code tcp}) on a cluster's endpoints. */
public final class Clients {
    private Clients() {}

    /** The protocols a test may use. */
    public static final List<String> PROTOCOLS = List.of("http", "tcp");

    /**
     * A client whose calls end within {@code timeout} (then {@link titan.client.Outcome.Indeterminate}),
     * with enough HTTP connections per node that {@code concurrency} workers never queue behind each
     * other (one HTTP request at a time per connection).
     *
     * @throws IllegalArgumentException for an unknown protocol
     */
    public static TitanClient open(String protocol, List<Endpoint> endpoints, Duration timeout, int concurrency) {
        return open(protocol, endpoints, ClientOptions.defaults().withTimeout(timeout), concurrency);
    }

    /**
     * As {@link #open(String, List, Duration, int)} with the client's other options ({@code --resend-unknown-writes}),
     * and one client pinned to each node ({@code --pin-clients}) when {@code pinned}: the list then has
     * one client per endpoint, each sending only to its node.
     */
    public static List<TitanClient> openAll(String protocol, List<Endpoint> endpoints, Duration timeout, int concurrency,
                                            int unknownWriteResends, boolean pinned) {
        ClientOptions options = ClientOptions.defaults().withTimeout(timeout).withUnknownWriteResends(unknownWriteResends);
        if (!pinned) {
            return List.of(open(protocol, endpoints, options, concurrency));
        }
        List<TitanClient> clients = new java.util.ArrayList<>();
        int perNode = Math.max(1, (concurrency + endpoints.size() - 1) / endpoints.size());
        for (Endpoint e : endpoints) {
            clients.add(open(protocol, List.of(e), options.withPinned(true), perNode));
        }
        return clients;
    }

    private static TitanClient open(String protocol, List<Endpoint> endpoints, ClientOptions options, int concurrency) {
        return switch (protocol.toLowerCase(Locale.ROOT)) {
            case "http" -> new HttpTitanClient(endpoints, options.withConnectionsPerNode(Math.max(1, concurrency)));
            case "tcp" -> new TcpTitanClient(endpoints, options);
            default -> throw new IllegalArgumentException("unknown protocol '" + protocol + "'; known: http, tcp");
        };
    }
}
