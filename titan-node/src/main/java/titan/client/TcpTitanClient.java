package titan.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.internal.PlatformDependent;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import titan.client.TcpResponseDecoder.Response;
import titan.node.api.BinaryProtocol;

/**
 * A {@link TitanClient} over the binary TCP protocol ({@link BinaryProtocol}). Each node gets
 * {@link ClientOptions#connectionsPerNode()} connections, used round-robin; each pipelines up to
 * {@link ClientOptions#inFlightMax()} requests (later ones wait in the client) and writes every
 * request queued since its last write in one buffer and one flush. Futures complete on the client's
 * I/O thread: callbacks chained on them must not block.
 */
public final class TcpTitanClient extends ClientCore {
    private final Bootstrap bootstrap;

    public TcpTitanClient(List<Endpoint> endpoints, ClientOptions options) {
        this(endpoints, options, null);
    }

    /** A client on {@code group} (null: its own group of {@link ClientOptions#ioThreads()}); close() leaves a given group running. */
    public TcpTitanClient(List<Endpoint> endpoints, ClientOptions options, EventLoopGroup group) {
        super(endpoints, options, group);
        this.bootstrap = new Bootstrap().group(this.group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, options.timeout().toMillis()));
    }

    @Override
    protected Pool newPool(Endpoint endpoint) {
        return new TcpPool(endpoint);
    }

    /** The connections to one node. */
    private final class TcpPool implements Pool {
        private final Endpoint endpoint;
        private final Connection[] connections = new Connection[options.connectionsPerNode()];
        private final AtomicInteger next = new AtomicInteger();
        private boolean closed;

        TcpPool(Endpoint endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        public void send(Call call, int attempt) {
            int i = Math.floorMod(next.getAndIncrement(), connections.length);
            Connection c;
            synchronized (this) {
                c = connections[i];
                if (c == null || c.closed) {
                    c = closed ? null : new Connection(endpoint);
                    connections[i] = c;
                }
            }
            if (c == null) {
                onAnswer(call, attempt, endpoint, new Answer.NotSent("the client is closed"));
            } else {
                c.send(call, attempt);
            }
        }

        @Override
        public void close() {
            List<Connection> open = new ArrayList<>();
            synchronized (this) {
                closed = true;
                for (Connection c : connections) {
                    if (c != null) {
                        open.add(c);
                    }
                }
            }
            for (Connection c : open) {
                c.channel.close().awaitUninterruptibly();
            }
        }
    }

    /**
     * One attempt waiting for or holding a slot on a connection; once written, also what frees that
     * slot when the call ends without its answer (no lambda per request).
     */
    private static final class Pending implements Runnable {
        final Call call;
        final int attempt;
        long clientId;
        Connection connection;
        long requestId;

        Pending(Call call, int attempt) {
            this.call = call;
            this.attempt = attempt;
        }

        @Override
        public void run() {
            Connection c = connection;
            long id = requestId;
            c.channel.eventLoop().execute(() -> c.abandon(id));
        }
    }

    /**
     * One pipelined connection and its session. Everything but {@link #send} runs on the channel's
     * event loop.
     */
    private final class Connection extends ChannelInboundHandlerAdapter {
        private final Endpoint endpoint;
        private final Channel channel;
        private final Queue<Pending> incoming = PlatformDependent.newMpscQueue();
        private final AtomicBoolean drainScheduled = new AtomicBoolean();
        private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
        private final LongObjectHashMap<Pending> inFlight = new LongObjectHashMap<>();
        private volatile boolean closed;
        private boolean connected;
        private long nextRequestId = 1;
        private long clientId = newClientId();
        private long nextSequence = 1;

        Connection(Endpoint endpoint) {
            this.endpoint = endpoint;
            Connection self = this;
            ChannelFuture registered = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new TcpResponseDecoder(options.frameBytesMax()), self);
                }
            }).register();
            channel = registered.channel(); // assigned before any listener below can run
            String where = endpoint.host() + ":" + endpoint.tcpPort();
            registered.addListener(r -> {
                if (!r.isSuccess()) {
                    failUnsent("cannot open a connection to " + where + ": " + r.cause().getMessage());
                    return;
                }
                channel.connect(new InetSocketAddress(endpoint.host(), endpoint.tcpPort())).addListener(f -> {
                    if (f.isSuccess()) {
                        connected = true;
                        drain();
                    } else {
                        channel.close();
                        failUnsent("cannot connect to " + where + ": " + f.cause().getMessage());
                    }
                });
            });
        }

        /** Any thread. */
        void send(Call call, int attempt) {
            incoming.add(new Pending(call, attempt));
            if (drainScheduled.compareAndSet(false, true)) {
                channel.eventLoop().execute(this::drain);
            }
        }

        private void drain() {
            drainScheduled.set(false);
            Pending p;
            while ((p = incoming.poll()) != null) {
                waiting.add(p);
            }
            if (closed) {
                failUnsent("the connection to " + endpoint.nodeId() + " closed before the request was sent");
                return;
            }
            if (!connected) {
                return; // the connect listener drains
            }
            ByteBuf out = null;
            while (!waiting.isEmpty() && inFlight.size() < options.inFlightMax()) {
                p = waiting.poll();
                if (p.call.future.isDone()) {
                    continue;
                }
                if (out == null) {
                    out = channel.alloc().ioBuffer();
                }
                long id = nextRequestId++;
                Request r = p.call.request;
                if (r.isRead()) {
                    BinaryProtocol.writeRead(out, id, r.key(), r.stale());
                } else {
                    SessionCommand c = command(p.call, clientId, nextSequence);
                    if (c.connectionSession()) {
                        p.clientId = clientId;
                        nextSequence++;
                    }
                    BinaryProtocol.writeCommand(out, id, c.command());
                }
                inFlight.put(id, p);
                p.connection = this;
                p.requestId = id;
                onWritten(p.call, p.attempt, p);
            }
            if (out != null) {
                channel.writeAndFlush(out, channel.voidPromise());
            }
        }

        /** The call ended without this answer (its timeout): free the slot; a late answer is dropped. */
        private void abandon(long id) {
            if (inFlight.remove(id) != null && !waiting.isEmpty()) {
                drain();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Response response = (Response) msg;
            Pending p = inFlight.remove(response.requestId());
            if (p == null) {
                return;
            }
            if (response.answer() instanceof Answer.Session && p.clientId == clientId) {
                clientId = newClientId(); // the session never started (or was evicted): start another
                nextSequence = 1;
            }
            onAnswer(p.call, p.attempt, endpoint, response.answer());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (!waiting.isEmpty()) {
                drain();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed = true;
            List<Pending> lost = new ArrayList<>(inFlight.values());
            inFlight.clear();
            for (Pending p : lost) {
                onAnswer(p.call, p.attempt, endpoint, new Answer.Unknown("the connection to " + endpoint.nodeId()
                        + " was lost after the request was sent"));
            }
            failUnsent("the connection to " + endpoint.nodeId() + " closed before the request was sent");
        }

        private void failUnsent(String reason) {
            closed = true;
            Pending p;
            while ((p = incoming.poll()) != null) {
                waiting.add(p);
            }
            while ((p = waiting.poll()) != null) {
                onAnswer(p.call, p.attempt, endpoint, new Answer.NotSent(reason));
            }
        }
    }
}
