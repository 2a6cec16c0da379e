/**
 * Raft's peer transport over TCP: {@link titan.node.net.NettyPeerTransport} (the
 * {@link titan.node.Transport} of a real node), configured by
 * {@link titan.node.net.PeerTransportConfig}, and the wire encoding
 * {@link titan.node.net.PeerMessageCodec}. The protocol (frames, handshake, limits) is described in
 * {@code docs/peer-protocol.md}.
 */
package titan.node.net;
