package titan.node.net;

import titan.raft.NodeId;

/**
 * The first frame on every peer connection, in both directions: who is speaking, in which
 * cluster, which protocol version, and where it serves clients.
 */
record PeerHello(String clusterId, NodeId nodeId, int protocolVersion, ClientAddresses addresses) {
    /** The longest cluster id accepted, in UTF-8 bytes. */
    static final int CLUSTER_ID_BYTES_MAX = 255;
}
