package titan.node.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import titan.raft.Message;
import titan.raft.NodeId;

/**
 * The outbound side of one peer: a bounded queue and one connection, made lazily and remade
 * after a failure with exponential backoff and jitter.
 *
 * <pre>
 *            send (queue not empty)            peer's hello is valid
 *   IDLE ------------------------> CONNECTING ----------------------> CONNECTED
 *    ^                                  |                                  |
 *    | backoff elapsed                  | connect failed, refused, closed  |
 *    +------------------------------ BACKOFF <-----------------------------+
 *                                 (sends dropped)
 * </pre>
 *
 * <p>Threading: {@link #send} may be called from any thread and never blocks; everything else
 * runs on the link's event loop, which owns {@code channel}, {@code failures} and the state
 * transitions. Messages queued in one burst are encoded into one buffer and flushed once.
 */
final class PeerLink {
    private static final Logger log = LoggerFactory.getLogger(PeerLink.class);
    /** The largest single buffer handed to the channel; a bigger backlog is written in several. */
    private static final int WRITE_BATCH_BYTES = 1024 * 1024;

    enum State { IDLE, CONNECTING, CONNECTED, BACKOFF, CLOSED }

    private record Pending(Message message, int frameBytes) {}

    private final NodeId self;
    private final NodeId peer;
    private volatile HostPort address;
    private final PeerTransportConfig config;
    private final PeerMessageCodec codec;
    private final EventLoop loop;
    private final Bootstrap bootstrap;

    private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queuedMessages = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private volatile State state = State.IDLE;

    private final LongAdder sent = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder flushes = new LongAdder();
    private final AtomicLong attempts = new AtomicLong();
    private final AtomicLong unsendable = new AtomicLong();

    private Channel channel;
    private int failures;

    /** @param bootstraps makes the bootstrap whose handler sets up this link's pipelines; cloned per attempt */
    PeerLink(NodeId self, NodeId peer, HostPort address, PeerTransportConfig config, PeerMessageCodec codec,
             EventLoop loop, Function<PeerLink, Bootstrap> bootstraps) {
        this.self = self;
        this.peer = peer;
        this.address = address;
        this.config = config;
        this.codec = codec;
        this.loop = loop;
        this.bootstrap = bootstraps.apply(this);
    }

    NodeId peer() {
        return peer;
    }

    /** Where the next connection attempt goes (any thread); the current connection is kept. */
    void address(HostPort newAddress) {
        address = newAddress;
    }

    /** Queues {@code message} and has it written soon (any thread); see {@link #enqueue}. */
    void send(Message message) {
        if (enqueue(message)) {
            scheduleDrain();
        }
    }

    /**
     * Queues {@code message} without scheduling a write (any thread): the caller calls
     * {@link #scheduleDrain()} after the last message of a round, so the round is one flush.
     * Drops it, and returns false, if the queue is full or the link is backing off.
     */
    boolean enqueue(Message message) {
        State now = state;
        if (now == State.BACKOFF || now == State.CLOSED) {
            dropped.increment();
            return false;
        }
        int frameBytes;
        try {
            frameBytes = codec.frameBytes(message);
        } catch (RuntimeException malformed) { // e.g. a null chunk: a bug upstream, but send must not throw
            frameBytes = Integer.MAX_VALUE;
        }
        if (frameBytes - PeerMessageCodec.HEADER_BYTES > codec.frameBytesMax()) {
            dropped.increment();
            if (unsendable.getAndIncrement() % 1000 == 0) { // a misconfiguration repeats on every retry
                log.error("{}: dropping {} to {}: it cannot be encoded in frameBytesMax {} ({} so far)", self,
                        message, peer, codec.frameBytesMax(), unsendable.get());
            }
            return false;
        }
        if (queuedMessages.incrementAndGet() > config.queueMessagesMax()) {
            queuedMessages.decrementAndGet();
            dropped.increment();
            return false;
        }
        if (queuedBytes.addAndGet(frameBytes) > config.queueBytesMax()) {
            queuedBytes.addAndGet(-frameBytes);
            queuedMessages.decrementAndGet();
            dropped.increment();
            return false;
        }
        queue.add(new Pending(message, frameBytes));
        return true;
    }

    void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                loop.execute(this::drain);
            } catch (RejectedExecutionException shuttingDown) {
                drainScheduled.set(false);
                dropQueued();
            }
        }
    }

    private void drain() {
        drainScheduled.set(false);
        switch (state) {
            case CONNECTED -> writeQueued();
            case IDLE -> connect();
            case CONNECTING -> { }
            case BACKOFF, CLOSED -> dropQueued();
        }
    }

    /** Encodes everything queued into as few buffers as possible and flushes once (event loop). */
    private void writeQueued() {
        Channel ch = channel;
        if (!ch.isWritable()) {
            return; // channelWritabilityChanged drains again; the bounded queue drops meanwhile
        }
        ByteBuf batch = null;
        boolean wrote = false;
        Pending next;
        while ((next = queue.peek()) != null) {
            if (batch != null && batch.readableBytes() + next.frameBytes() > WRITE_BATCH_BYTES) {
                ch.write(batch, ch.voidPromise());
                wrote = true;
                batch = null;
                if (!ch.isWritable()) {
                    break;
                }
            }
            queue.poll();
            queuedMessages.decrementAndGet();
            long backlog = queuedBytes.addAndGet(-next.frameBytes());
            if (batch == null) {
                batch = ch.alloc().ioBuffer((int) Math.min(WRITE_BATCH_BYTES, backlog + next.frameBytes()));
            }
            int mark = batch.writerIndex();
            try {
                codec.writeFrame(next.message(), batch);
                sent.increment();
                bytesSent.add(next.frameBytes());
            } catch (RuntimeException e) {
                batch.writerIndex(mark);
                dropped.increment();
                log.error("{}: cannot encode {} for {}", self, next.message(), peer, e);
            }
        }
        if (batch != null && batch.isReadable()) {
            ch.write(batch, ch.voidPromise());
            wrote = true;
        } else if (batch != null) {
            batch.release();
        }
        if (wrote) {
            ch.flush();
            flushes.increment();
        }
    }

    private void connect() {
        if (queue.isEmpty()) {
            return; // connect lazily: only when there is something to send
        }
        state = State.CONNECTING;
        attempts.incrementAndGet();
        HostPort target = address;
        ChannelFuture future = bootstrap.clone(loop)
                .connect(InetSocketAddress.createUnresolved(target.host(), target.port()));
        channel = future.channel();
        future.addListener(f -> {
            if (!f.isSuccess()) {
                onDisconnected(future.channel(), f.cause() == null ? "connect failed" : f.cause().toString());
            }
        });
    }

    /** The peer answered with a valid hello on {@code ch} (event loop). */
    void onHandshake(Channel ch) {
        if (ch != channel || state != State.CONNECTING) {
            ch.close();
            return;
        }
        state = State.CONNECTED;
        log.info("{}: connected to {} at {}{}", self, peer, address, failures > 0 ? " after " + failures
                + " failed attempts" : "");
        failures = 0;
        writeQueued();
    }

    /** {@code ch} failed to connect, was refused or closed (event loop). */
    void onDisconnected(Channel ch, String reason) {
        if (ch != channel) {
            return;
        }
        boolean wasConnected = state == State.CONNECTED;
        channel = null;
        dropQueued();
        if (state == State.CLOSED) {
            return;
        }
        failures++;
        long delayMillis = backoffMillis(failures);
        state = State.BACKOFF;
        if (wasConnected) {
            log.warn("{}: lost the connection to {} at {} ({}); reconnecting in {} ms", self, peer, address, reason,
                    delayMillis);
        } else if (failures == 1 || failures % 50 == 0) {
            log.info("{}: cannot connect to {} at {} ({}, {} attempts); retrying in {} ms", self, peer, address, reason,
                    failures, delayMillis);
        }
        loop.schedule(() -> {
            if (state == State.BACKOFF) {
                state = State.IDLE;
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    /** Exponential backoff with jitter: a delay drawn from [d/2, d], d doubling from backoffMin to backoffMax. */
    private long backoffMillis(int failureCount) {
        long min = config.backoffMin().toMillis();
        long max = config.backoffMax().toMillis();
        long ceiling = Math.min(max, min << Math.min(failureCount - 1, 30));
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }

    /** Stops the link: closes its connection and drops what is queued (any thread). */
    void close() {
        state = State.CLOSED;
        try {
            loop.execute(() -> {
                if (channel != null) {
                    channel.close();
                }
                dropQueued();
            });
        } catch (RejectedExecutionException alreadyStopped) {
            dropQueued();
        }
    }

    void countReceived() {
        received.increment();
    }

    private void dropQueued() {
        Pending p;
        while ((p = queue.poll()) != null) {
            queuedMessages.decrementAndGet();
            queuedBytes.addAndGet(-p.frameBytes());
            dropped.increment();
        }
    }

    State state() {
        return state;
    }

    PeerStats stats() {
        return new PeerStats(state == State.CONNECTED, sent.sum(), bytesSent.sum(), flushes.sum(), dropped.sum(),
                Math.max(0, attempts.get() - 1), received.sum(), queuedMessages.get());
    }
}
