package titan.node.net;

/**
 * Where a node serves clients, as it announces itself to its peers in the handshake, so that a
 * follower can tell a client where the leader is. These are the addresses clients should use,
 * which may differ from the ones the node binds (a proxy, a container's published port).
 */
public record ClientAddresses(HostPort http, HostPort tcp) {
    public ClientAddresses {
        if (http == null || tcp == null) {
            throw new IllegalArgumentException("both client addresses are required (port 0 for not served)");
        }
    }
}
