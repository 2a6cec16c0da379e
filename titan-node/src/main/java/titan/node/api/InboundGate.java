package titan.node.api;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Holds a connection's inbound bytes while its handler is paused. Turning {@code autoRead} off stops
 * the socket reads, but a decoder behind it would still decode what the current read loop already
 * delivered, and would itself ask for more ({@code read()}) to finish a partial message. The gate,
 * first in the pipeline, keeps both from happening: it holds at most the one read loop that was
 * running when the pause began, and swallows read requests until {@link #resume}. Event loop only.
 */
final class InboundGate extends ChannelDuplexHandler {
    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private boolean paused;
    private boolean readRequested;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    void pause() {
        paused = true;
    }

    /** Delivers what was held (until the handler pauses again), then lets reads through. */
    void resume() {
        paused = false;
        boolean delivered = false;
        while (!paused && !held.isEmpty()) {
            ctx.fireChannelRead(held.poll());
            delivered = true;
        }
        if (delivered) {
            ctx.fireChannelReadComplete();
        }
        if (!paused && readRequested) {
            readRequested = false;
            ctx.read();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (paused || !held.isEmpty()) {
            held.add(msg);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!paused) {
            ctx.fireChannelReadComplete();
        }
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (paused) {
            readRequested = true;
        } else {
            ctx.read();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        Object msg;
        while ((msg = held.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handlerRemoved(ctx);
        ctx.fireChannelInactive();
    }
}
