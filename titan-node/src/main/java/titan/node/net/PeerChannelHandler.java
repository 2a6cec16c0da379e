package titan.node.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import titan.raft.Message;
import titan.raft.NodeId;

/**
 * The handshake and delivery of one peer connection, behind a {@link PeerFrameDecoder}.
 *
 * <p>Both ends speak first with a {@link PeerHello}: the connecting end as soon as it connects,
 * the accepting end once the connecting end's hello is valid. A hello is valid when its cluster
 * id is ours, its version is ours, and its node id is a configured peer (on an outbound
 * connection: the very peer we meant to reach, which catches a proxy or address pointing at the
 * wrong node). Anything else before the hello, a second hello, a message whose {@code from} is
 * not the hello's node or whose {@code to} is not us, a corrupt frame, or no hello within the
 * handshake timeout: the connection is logged and closed. The node is never affected.
 *
 * <p>Runs on the channel's event loop; one instance per channel.
 */
final class PeerChannelHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(PeerChannelHandler.class);

    private final NettyPeerTransport transport;
    /** The link this outbound connection serves, or null on an accepted connection. */
    private final PeerLink link;
    private NodeId remote;
    private ScheduledFuture<?> handshakeTimeout;

    PeerChannelHandler(NettyPeerTransport transport, PeerLink link) {
        this.transport = transport;
        this.link = link;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        long timeoutMillis = transport.config().handshakeTimeout().toMillis();
        handshakeTimeout = ctx.executor().schedule(() -> refuse(ctx, "no hello within " + timeoutMillis + " ms"),
                timeoutMillis, TimeUnit.MILLISECONDS);
        if (link != null) {
            transport.writeHello(ctx.channel());
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object frame) {
        if (remote == null) {
            if (frame instanceof PeerHello hello) {
                handshake(ctx, hello);
            } else {
                refuse(ctx, "a message before the hello");
            }
        } else if (frame instanceof Message message) {
            deliver(ctx, message);
        } else {
            refuse(ctx, "a second hello");
        }
    }

    private void handshake(ChannelHandlerContext ctx, PeerHello hello) {
        PeerTransportConfig config = transport.config();
        String refusal = null;
        if (!hello.clusterId().equals(config.clusterId())) {
            refusal = "cluster id '" + hello.clusterId() + "' is not this node's '" + config.clusterId() + "'";
        } else if (hello.protocolVersion() != PeerMessageCodec.VERSION) {
            refusal = "protocol version " + hello.protocolVersion() + ", this node speaks " + PeerMessageCodec.VERSION;
        } else if (!config.peers().containsKey(hello.nodeId())) {
            refusal = hello.nodeId() + " is not in this node's peer list " + config.peers().keySet();
        } else if (link != null && !hello.nodeId().equals(link.peer())) {
            refusal = "the address of " + link.peer() + " answered as " + hello.nodeId();
        }
        if (refusal != null) {
            refuse(ctx, refusal);
            return;
        }
        remote = hello.nodeId();
        handshakeTimeout.cancel(false);
        transport.learnAdvertised(remote, hello.addresses());
        if (link == null) {
            transport.acceptedFrom(remote, ctx.channel());
            transport.writeHello(ctx.channel());
            log.info("{}: accepted peer {} from {}", config.self(), remote, ctx.channel().remoteAddress());
        } else {
            link.onHandshake(ctx.channel());
        }
    }

    private void deliver(ChannelHandlerContext ctx, Message message) {
        if (!message.from().equals(remote) || !message.to().equals(transport.config().self())) {
            refuse(ctx, "a message " + message.from() + "->" + message.to() + " on " + remote + "'s connection");
            return;
        }
        transport.deliver(message);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (link != null && ctx.channel().isWritable()) {
            link.scheduleDrain();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (handshakeTimeout != null) {
            handshakeTimeout.cancel(false);
        }
        if (link != null) {
            link.onDisconnected(ctx.channel(), "closed");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException) {
            refuse(ctx, "a corrupt frame: " + (cause.getCause() != null && !(cause instanceof PeerDecodeException)
                    ? cause.getCause() : cause.getMessage()));
        } else if (cause instanceof IOException) {
            log.debug("{}: peer connection {} failed: {}", transport.config().self(), ctx.channel().remoteAddress(),
                    cause.toString());
            ctx.close();
        } else {
            log.error("{}: unexpected error on peer connection {}; closing it", transport.config().self(),
                    ctx.channel().remoteAddress(), cause);
            ctx.close();
        }
    }

    private void refuse(ChannelHandlerContext ctx, String reason) {
        if (!ctx.channel().isOpen()) {
            return;
        }
        transport.countRefused();
        log.warn("{}: closing peer connection {} {} ({}): {}", transport.config().self(),
                link != null ? "to" : "from", ctx.channel().remoteAddress(),
                remote != null ? remote : link != null ? "meant for " + link.peer() : "before hello", reason);
        ctx.close();
    }
}
