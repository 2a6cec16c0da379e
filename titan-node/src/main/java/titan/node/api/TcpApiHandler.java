package titan.node.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.internal.PlatformDependent;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;

import titan.node.ClientOutcome;
import titan.node.api.TcpRequestDecoder.Decoded;
import titan.node.api.TcpRequestDecoder.Refusal;
import titan.node.kv.KvResult;

/**
 * Serves one binary TCP connection: submits every decoded request to the {@link KvService} at once
 * (pipelining), and writes answers as they come, in whatever order the node gives them.
 *
 * <p>Answers arrive on the node's thread; they are queued and written by one task on the channel's
 * event loop, which encodes every answer queued so far into one buffer and flushes once, so a round
 * of the node that answers a hundred requests costs one write and one syscall per connection.
 *
 * <p>Back-pressure: at {@code inFlightMax} unanswered requests, or when the outbound buffer is over
 * its high-water mark (a client that sends and never reads), the handler stops reading the socket
 * ({@code autoRead} off), and the decoder leaves frames already read undecoded, until half of them
 * are answered and the buffer drained; TCP flow control then stops the client. Memory per connection stays bounded by one frame, {@code inFlightMax}
 * answers and the outbound buffer.
 */
final class TcpApiHandler extends ChannelInboundHandlerAdapter {
    /** An answer to one request, ready to encode on the event loop. */
    private record Answer(long requestId, int op, long startNanos, ClientOutcome outcome, Refusal refusal) {}

    private final KvService service;
    private final RequestMetrics metrics;
    private final int inFlightMax;
    private final Queue<Answer> answers = PlatformDependent.newMpscQueue();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private ChannelHandlerContext ctx;
    private int inFlight;
    private boolean closing;
    private boolean paused;

    TcpApiHandler(KvService service, RequestMetrics metrics, int inFlightMax) {
        this.service = service;
        this.metrics = metrics;
        this.inFlightMax = inFlightMax;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            return;
        }
        inFlight++;
        if (msg instanceof Decoded d) {
            if (d.request() == null) {
                answer(new Answer(d.requestId(), d.op(), d.startNanos(), null, null));
            } else {
                service.submit(d.request(), outcome -> answer(new Answer(d.requestId(), d.op(), d.startNanos(), outcome,
                        null)));
            }
        } else {
            Refusal r = (Refusal) msg;
            metrics.error();
            if (r.fatal()) {
                closing = true; // answer what is already queued, then the error, then close
            }
            answer(new Answer(r.requestId(), 0, 0, null, r));
        }
        updateAutoRead();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateAutoRead();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // an I/O error on this connection; its unanswered requests are the client's to judge
    }

    /** Called on any thread, exactly once per request. */
    private void answer(Answer answer) {
        answers.add(answer);
        if (drainScheduled.compareAndSet(false, true)) {
            ctx.executor().execute(this::drain);
        }
    }

    private void drain() {
        drainScheduled.set(false);
        ByteBuf out = null;
        boolean close = false;
        Answer a;
        while ((a = answers.poll()) != null) {
            if (out == null) {
                out = ctx.alloc().ioBuffer();
            }
            inFlight--;
            if (a.refusal() != null) {
                BinaryProtocol.writeError(out, a.refusal().requestId(), a.refusal().code(), a.refusal().message());
                close |= a.refusal().fatal();
            } else {
                encode(out, a);
                metrics.record(RequestMetrics.ofBinaryOp(a.op()), a.startNanos());
            }
        }
        if (out != null) {
            if (close) {
                ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(out, ctx.voidPromise());
            }
        }
        updateAutoRead();
    }

    /** Whether the decoder may hand over another request now (asked before each frame). */
    boolean mayDecode() {
        return !paused;
    }

    private void updateAutoRead() {
        var config = ctx.channel().config();
        if (closing) {
            config.setAutoRead(false);
            return;
        }
        if (!paused) {
            if (inFlight >= inFlightMax || !ctx.channel().isWritable()) {
                paused = true;
                config.setAutoRead(false);
            }
        } else if (inFlight <= inFlightMax / 2 && ctx.channel().isWritable()) {
            paused = false;
            config.setAutoRead(true);
            // Frames read before the pause may wait undecoded in the decoder's buffer: decode them now.
            ctx.executor().execute(() -> ctx.pipeline().fireChannelRead(Unpooled.EMPTY_BUFFER));
        }
    }

    private void encode(ByteBuf out, Answer a) {
        long id = a.requestId();
        ClientOutcome outcome = a.outcome();
        if (outcome == null) {
            BinaryProtocol.writeStatusReply(out, id, StatusJson.encode(service.status()));
        } else if (outcome instanceof ClientOutcome.Read r) {
            if (r.value() == null) {
                BinaryProtocol.writeNotFound(out, id);
            } else {
                BinaryProtocol.writeOk(out, id, r.value());
            }
        } else if (outcome instanceof ClientOutcome.Applied applied) {
            encodeResult(out, id, applied.result());
        } else if (outcome instanceof ClientOutcome.NotLeader n) {
            String leader = n.leaderHint() == null ? null : n.leaderHint().toString();
            BinaryProtocol.writeNotLeader(out, id, leader, leader == null ? null : leaderAddress(leader));
        } else if (outcome instanceof ClientOutcome.Refused r) {
            BinaryProtocol.writeMessage(out, BinaryProtocol.REFUSED, id, r.reason());
        } else if (outcome instanceof ClientOutcome.Unreachable u) {
            BinaryProtocol.writeMessage(out, BinaryProtocol.REFUSED, id, u.reason());
        } else {
            BinaryProtocol.writeMessage(out, BinaryProtocol.INDETERMINATE, id, ((ClientOutcome.Indeterminate) outcome)
                    .reason());
        }
    }

    private static void encodeResult(ByteBuf out, long id, KvResult result) {
        if (result instanceof KvResult.Ok ok) {
            BinaryProtocol.writeOk(out, id, ok.value());
        } else if (result instanceof KvResult.NotFound) {
            BinaryProtocol.writeNotFound(out, id);
        } else if (result instanceof KvResult.CasMismatch m) {
            BinaryProtocol.writeCasMismatch(out, id, m.current());
        } else if (result instanceof KvResult.Rejected r) {
            BinaryProtocol.writeMessage(out, BinaryProtocol.REJECTED, id, r.reason());
        } else if (result instanceof KvResult.Stale) {
            BinaryProtocol.writeSession(out, id, BinaryProtocol.SESSION_STALE, result.toString());
        } else {
            BinaryProtocol.writeSession(out, id, BinaryProtocol.SESSION_EXPIRED, result.toString());
        }
    }

    /** The leader's advertised TCP address, when the node's status names the same leader. */
    private String leaderAddress(String leader) {
        NodeStatus status = service.status();
        return status != null && leader.equals(status.leader()) ? status.leaderTcp() : null;
    }
}
