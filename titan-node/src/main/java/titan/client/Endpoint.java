package titan.client;

/**
 * Where one Titan node serves clients: its id (e.g. {@code n1}), host, HTTP/JSON port and binary TCP
 * port. The lab builds these from what its runtime started; a user from the node's flags.
 */
public record Endpoint(String nodeId, String host, int httpPort, int tcpPort) {
    public Endpoint {
        if (nodeId == null || host == null || httpPort <= 0 || tcpPort <= 0) {
            throw new IllegalArgumentException("an endpoint needs a node id, a host and two ports");
        }
    }
}
