package titan.node.server;

/** The production peer network and client APIs (Netty). */
final class NodeFactories {
    private NodeFactories() {}

    static PeerNetwork.Factory peers() {
        throw new UnsupportedOperationException("the Netty peer transport is not wired yet");
    }

    static ClientApis.Factory clientApis() {
        throw new UnsupportedOperationException("the client APIs are not wired yet");
    }
}
