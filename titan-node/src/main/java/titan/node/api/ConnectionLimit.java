package titan.node.api;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the connections of one server: a connection over the limit (a flood) is closed at once,
 * so per-connection buffers cannot add up without bound. Tracks open connections for close().
 */
@ChannelHandler.Sharable
final class ConnectionLimit extends ChannelInboundHandlerAdapter {
    static final int CONNECTIONS_MAX_DEFAULT = 4096;

    private final int connectionsMax;
    private final AtomicInteger open = new AtomicInteger();
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    ConnectionLimit(int connectionsMax) {
        this.connectionsMax = connectionsMax;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (open.incrementAndGet() > connectionsMax) {
            ctx.close();
        } else {
            channels.add(ctx.channel());
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        open.decrementAndGet();
        ctx.fireChannelInactive();
    }

    int open() {
        return open.get();
    }

    Collection<Channel> channels() {
        return List.copyOf(channels);
    }

    void closeAll() {
        channels.close().awaitUninterruptibly();
    }
}
