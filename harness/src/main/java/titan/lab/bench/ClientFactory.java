package titan.lab.bench;

import java.util.List;

import titan.client.Endpoint;
import titan.client.TitanClient;

/**
 * Opens clients of a cluster over one protocol ({@code http} or {@code tcp}); each client is one
 * connection (to the leader, which it finds itself), so a benchmark's {@code --connections} is the
 * number of clients it opens.
 */
public interface ClientFactory {
    TitanClient open(String protocol, List<Endpoint> endpoints);
}
