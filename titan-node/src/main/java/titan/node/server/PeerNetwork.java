package titan.node.server;

import java.util.function.Consumer;

import titan.node.Transport;
import titan.raft.Message;
import titan.raft.NodeId;

/** The peer transport as the node needs it: send, the leader's advertised client addresses, close. */
public interface PeerNetwork extends Transport, AutoCloseable {
    /** {@code {http, tcp}} client addresses that {@code peer} announced, or {@code null} when unknown. */
    String[] advertisedClientAddresses(NodeId peer);

    /** The port this node accepts peer connections on (the real one when 0 was asked for). */
    int boundPort();

    @Override
    void close();

    /** Opens the network for one node: inbound messages go to {@code inbound}, on a network thread. */
    interface Factory {
        PeerNetwork open(NodeConfig config, String httpAddress, String tcpAddress, Consumer<Message> inbound);
    }
}
