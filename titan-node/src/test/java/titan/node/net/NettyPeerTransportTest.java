package titan.node.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import titan.raft.Entry;
import titan.raft.Membership;
import titan.raft.Message;
import titan.raft.Message.AppendRequest;
import titan.raft.Message.HeartbeatRequest;
import titan.raft.NodeId;
import titan.raft.SnapshotMeta;

/**
 * Real transports on loopback ports chosen by the kernel. Every wait polls with a deadline; each
 * test takes well under the deadline on a loaded 2-core machine.
 */
class NettyPeerTransportTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final String CLUSTER = "test-cluster";

    private final List<NettyPeerTransport> started = new ArrayList<>();
    /** Generous by default, for a loaded machine; the fuzz test shortens it to close half frames. */
    private Duration handshakeTimeout = Duration.ofSeconds(5);
    private final Map<NodeId, Queue<Message>> inboxes = new HashMap<>();

    @AfterEach
    void closeAll() {
        started.forEach(NettyPeerTransport::close);
    }

    private static NodeId n(int id) {
        return NodeId.of(id);
    }

    private static ClientAddresses clientAddresses(int id) {
        return new ClientAddresses(new HostPort("127.0.0.1", 8000 + id), new HostPort("localhost", 9000 + id));
    }

    /** A config for node {@code self} among nodes 1..count, peers at placeholder addresses until wired. */
    private PeerTransportConfig config(int self, int count, String cluster) {
        Map<NodeId, HostPort> peers = new HashMap<>();
        for (int i = 1; i <= count; i++) {
            peers.put(n(i), new HostPort("127.0.0.1", 1));
        }
        return PeerTransportConfig.of(n(self), cluster, clientAddresses(self), new HostPort("127.0.0.1", 0), peers)
                .withBackoff(Duration.ofMillis(10), Duration.ofMillis(200))
                .withHandshakeTimeout(handshakeTimeout);
    }

    private NettyPeerTransport start(PeerTransportConfig config) {
        return start(config, inbox(config.self())::add);
    }

    private NettyPeerTransport start(PeerTransportConfig config, Consumer<Message> inbound) {
        NettyPeerTransport t = new NettyPeerTransport(config, inbound);
        started.add(t);
        return t;
    }

    private Queue<Message> inbox(NodeId node) {
        return inboxes.computeIfAbsent(node, k -> new ConcurrentLinkedQueue<>());
    }

    /** Starts nodes 1..count of one cluster and points each at the others' actual ports. */
    private List<NettyPeerTransport> cluster(int count) {
        List<NettyPeerTransport> nodes = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            nodes.add(start(config(i, count, CLUSTER)));
        }
        wire(nodes);
        return nodes;
    }

    private static void wire(List<NettyPeerTransport> nodes) {
        for (NettyPeerTransport from : nodes) {
            for (NettyPeerTransport to : nodes) {
                if (from != to) {
                    from.setPeerAddress(to.config().self(), to.listenAddress());
                }
            }
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + DEADLINE + ": " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private static List<Message> from(Queue<Message> inbox, NodeId sender) {
        return inbox.stream().filter(m -> m.from().equals(sender)).toList();
    }

    @Test
    void threeTransportsExchangeEveryMessageTypeInOrder() {
        // Each node sends one message of every type to each other node before any connection
        // exists: the queue holds them while connecting, and each peer receives them in order.
        List<NettyPeerTransport> nodes = cluster(3);
        for (NettyPeerTransport sender : nodes) {
            for (NettyPeerTransport receiver : nodes) {
                if (sender != receiver) {
                    PeerMessages.everyType(sender.config().self(), receiver.config().self()).forEach(sender::send);
                }
            }
        }
        int perPeer = PeerMessages.everyType(n(1), n(2)).size();
        await("every message delivered", () -> inboxes.values().stream().allMatch(q -> q.size() == 2 * perPeer));
        for (NettyPeerTransport receiver : nodes) {
            NodeId self = receiver.config().self();
            for (NettyPeerTransport sender : nodes) {
                NodeId other = sender.config().self();
                if (sender == receiver) {
                    continue;
                }
                List<Message> got = from(inbox(self), other);
                List<Message> sent = PeerMessages.everyType(other, self);
                for (int i = 0; i < sent.size(); i++) {
                    PeerMessageCodecTest.assertSameMessage(got.get(i), sent.get(i));
                }
                PeerStats stats = sender.stats().get(self);
                assertThat(stats.connected()).isTrue();
                assertThat(stats.messagesSent()).isEqualTo(perPeer);
                assertThat(stats.messagesDropped()).isZero();
                assertThat(stats.bytesSent()).isEqualTo(sent.stream().mapToLong(m -> new PeerMessageCodec().frameBytes(m)).sum());
                assertThat(receiver.stats().get(other).messagesReceived()).isEqualTo(perPeer);
                assertThat(receiver.advertised(other)).contains(clientAddresses(other.value()));
            }
        }
        assertThat(nodes).allSatisfy(t -> assertThat(t.refusedConnections()).isZero());
    }

    @Test
    void sendAllWritesARoundInOneFlushPerPeer() {
        // Once connected, a round of 12 messages to each of two peers must cost one flush each.
        // All three nodes share one event loop, so a task submitted to it is a barrier: every
        // write and flush queued before it has finished when it runs.
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            List<NettyPeerTransport> nodes = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                PeerTransportConfig c = config(i, 3, CLUSTER);
                nodes.add(new NettyPeerTransport(c, inbox(c.self())::add, loop));
            }
            started.addAll(nodes);
            wire(nodes);
            NettyPeerTransport n1 = nodes.get(0);
            await("connected and first messages delivered", () -> {
                n1.sendAll(List.of(heartbeat(n(1), n(2), 1), heartbeat(n(1), n(3), 1)));
                return !inbox(n(2)).isEmpty() && !inbox(n(3)).isEmpty();
            });
            loop.submit(() -> { }).syncUninterruptibly();
            long flushes2 = n1.stats().get(n(2)).flushes();
            long flushes3 = n1.stats().get(n(3)).flushes();
            List<Message> round = new ArrayList<>(PeerMessages.everyType(n(1), n(2)));
            round.addAll(PeerMessages.everyType(n(1), n(3)));
            round.add(heartbeat(n(1), n(9), 1));
            n1.sendAll(round);
            int perPeer = round.size() / 2;
            await("the round arrives", () -> roundMessages(inbox(n(2))) == perPeer && roundMessages(inbox(n(3))) == perPeer);
            loop.submit(() -> { }).syncUninterruptibly();
            assertThat(n1.stats().get(n(2)).flushes()).isEqualTo(flushes2 + 1);
            assertThat(n1.stats().get(n(3)).flushes()).isEqualTo(flushes3 + 1);
            assertThat(n1.unroutableMessages()).isEqualTo(1);
        } finally {
            closeAll();
            started.clear();
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Messages other than the warm-up heartbeats of round 1. */
    private static long roundMessages(Queue<Message> inbox) {
        return inbox.stream().filter(m -> !(m instanceof HeartbeatRequest h && h.readRound() == 1)).count();
    }

    @Test
    void metricsReadTheCountersWhenScraped() {
        // n2 is unreachable (port 1) and n9 unknown: both kinds of drop must show in the registry.
        NettyPeerTransport n1 = start(config(1, 2, CLUSTER));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PeerTransportMetrics.bind(n1, registry);
        n1.send(heartbeat(n(1), n(9), 1));
        assertThat(registry.get("titan.peer.messages.unroutable").functionCounter().count()).isEqualTo(1);
        await("n2's heartbeats are dropped and reconnects tried", () -> {
            n1.send(heartbeat(n(1), n(2), 1));
            return registry.get("titan.peer.messages.dropped").tag("peer", "n2").functionCounter().count() > 0
                    && registry.get("titan.peer.reconnects").tag("peer", "n2").functionCounter().count() > 0;
        });
        assertThat(registry.get("titan.peer.connected").tag("peer", "n2").gauge().value()).isZero();
        assertThat(registry.get("titan.peer.messages.sent").tag("peer", "n2").functionCounter().count()).isZero();
    }

    @Test
    void aMessageOverTheFrameLimitIsDroppedNotSent() {
        PeerTransportConfig c = config(1, 2, CLUSTER);
        NettyPeerTransport n1 = start(new PeerTransportConfig(c.self(), CLUSTER, c.advertised(), c.listen(), c.peers(),
                1024, 16, 4096, c.backoffMin(), c.backoffMax(), c.handshakeTimeout(), 4, 1));
        NettyPeerTransport n2 = start(config(2, 2, CLUSTER));
        wire(List.of(n1, n2));
        n1.send(new AppendRequest(n(1), n(2), 1, 0, 0, List.of(Entry.command(1, 1, new byte[1024])), 0));
        assertThat(n1.stats().get(n(2)).messagesDropped()).isEqualTo(1);
        // Transport.send must not throw, even on messages no correct caller makes.
        n1.send(new Message.InstallSnapshotRequest(n(1), n(2), 1, new SnapshotMeta(0, 0,
                Membership.EMPTY), 0, null, true));
        n1.send(null);
        n1.sendAll(Arrays.asList(null, heartbeat(n(1), n(7), 1)));
        assertThat(n1.stats().get(n(2)).messagesDropped()).isEqualTo(2);
        assertThat(n1.unroutableMessages()).isEqualTo(3);
        sendUntilDelivered(n1, n(2), 1);
        assertThat(inbox(n(2))).allMatch(m -> m instanceof HeartbeatRequest);
    }

    @Test
    void connectionsOverTheInboundLimitAreClosedAtOnce() throws IOException {
        PeerTransportConfig c = config(1, 2, CLUSTER);
        NettyPeerTransport n1 = start(new PeerTransportConfig(c.self(), CLUSTER, c.advertised(), c.listen(), c.peers(),
                c.frameBytesMax(), 16, c.queueBytesMax(), c.backoffMin(), c.backoffMax(), c.handshakeTimeout(), 2, 1));
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                sockets.add(new Socket("127.0.0.1", n1.listenAddress().port()));
            }
            sockets.get(2).setSoTimeout((int) DEADLINE.toMillis());
            assertThat(sockets.get(2).getInputStream().read()).as("third connection closed").isEqualTo(-1);
            assertThat(n1.refusedConnections()).isEqualTo(1);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    void aRestartedPeerIsReconnectedTo() {
        // n2 stops and comes back on the same port; n1 keeps sending (as Raft would) and must
        // reach the new process after backing off, without anything but time passing.
        List<NettyPeerTransport> nodes = cluster(2);
        NettyPeerTransport n1 = nodes.get(0);
        HostPort n2Address = nodes.get(1).listenAddress();
        sendUntilDelivered(n1, n(2), 1);
        nodes.get(1).close();
        await("n1 notices n2 is gone", () -> {
            n1.send(heartbeat(n(1), n(2), 2));
            return !n1.stats().get(n(2)).connected();
        });
        inbox(n(2)).clear();
        PeerTransportConfig again = config(2, 2, CLUSTER);
        NettyPeerTransport restarted = start(new PeerTransportConfig(again.self(), CLUSTER, again.advertised(),
                n2Address, again.peers(), again.frameBytesMax(), again.queueMessagesMax(), again.queueBytesMax(),
                again.backoffMin(), again.backoffMax(), again.handshakeTimeout(), again.inboundConnectionsMax(), 1));
        restarted.setPeerAddress(n(1), n1.listenAddress());
        sendUntilDelivered(n1, n(2), 3);
        assertThat(n1.stats().get(n(2)).reconnects()).isGreaterThanOrEqualTo(1);
        assertThat(n1.stats().get(n(2)).messagesDropped()).isGreaterThan(0);
    }

    private void sendUntilDelivered(NettyPeerTransport sender, NodeId to, long round) {
        await("a heartbeat of round " + round + " reaches " + to, () -> {
            sender.send(heartbeat(sender.config().self(), to, round));
            return inbox(to).stream().anyMatch(m -> m instanceof HeartbeatRequest h && h.readRound() == round);
        });
    }

    private static HeartbeatRequest heartbeat(NodeId from, NodeId to, long round) {
        return new HeartbeatRequest(from, to, 1, 0, round);
    }

    @Test
    void aPeerOfAnotherClusterIsRefused() {
        // n1 believes it is in "other-cluster": n2 must refuse its hello and deliver nothing.
        NettyPeerTransport n1 = start(config(1, 2, "other-cluster"));
        NettyPeerTransport n2 = start(config(2, 2, CLUSTER));
        wire(List.of(n1, n2));
        await("n2 refuses n1", () -> {
            n1.send(heartbeat(n(1), n(2), 1));
            return n2.refusedConnections() >= 2;
        });
        assertThat(inbox(n(2))).isEmpty();
        assertThat(n1.stats().get(n(2)).connected()).isFalse();
        assertThat(n2.advertised(n(1))).isEmpty();
    }

    @Test
    void aNodeOutsideThePeerListIsRefused() {
        // n3 knows n2, but n2's peer list is {n1}: n3's hello must be refused.
        NettyPeerTransport n2 = start(config(2, 2, CLUSTER));
        NettyPeerTransport n3 = start(config(3, 3, CLUSTER));
        n3.setPeerAddress(n(2), n2.listenAddress());
        await("n2 refuses n3", () -> {
            n3.send(heartbeat(n(3), n(2), 1));
            return n2.refusedConnections() >= 1;
        });
        assertThat(inbox(n(2))).isEmpty();
    }

    @Test
    void anAddressThatAnswersAsAnotherNodeIsRefused() {
        // n1's entry for n3 points at n2 (a misrouted proxy): n1 must notice the hello names n2.
        List<NettyPeerTransport> nodes = cluster(3);
        NettyPeerTransport n1 = nodes.get(0);
        n1.setPeerAddress(n(3), nodes.get(1).listenAddress());
        await("n1 refuses n2 answering for n3", () -> {
            n1.send(heartbeat(n(1), n(3), 1));
            return n1.refusedConnections() >= 1;
        });
        assertThat(inbox(n(2))).isEmpty();
        assertThat(inbox(n(3))).isEmpty();
    }

    @Test
    void aBusyPortIsAClearError() {
        NettyPeerTransport n1 = start(config(1, 2, CLUSTER));
        PeerTransportConfig c = config(2, 2, CLUSTER);
        HostPort busy = n1.listenAddress();
        assertThatThrownBy(() -> start(new PeerTransportConfig(c.self(), CLUSTER, c.advertised(), busy, c.peers(),
                c.frameBytesMax(), c.queueMessagesMax(), c.queueBytesMax(), c.backoffMin(), c.backoffMax(),
                c.handshakeTimeout(), c.inboundConnectionsMax(), 1)))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot listen for peers on " + busy);
    }

    @Test
    void aFrameBeforeTheHelloIsRefused() throws IOException {
        NettyPeerTransport n1 = start(config(1, 2, CLUSTER));
        try (Socket socket = new Socket("127.0.0.1", n1.listenAddress().port())) {
            socket.getOutputStream().write(new PeerMessageCodec().encode(heartbeat(n(2), n(1), 1)));
            socket.setSoTimeout((int) DEADLINE.toMillis());
            assertThat(socket.getInputStream().read()).as("closed without a reply").isEqualTo(-1);
        }
        assertThat(n1.refusedConnections()).isEqualTo(1);
        assertThat(inbox(n(1))).isEmpty();
    }

    @Test
    void aNewConnectionFromAPeerReplacesItsOldOne() throws IOException {
        // A socket that said hello as n1 and then went silent stands for n1's previous life (killed
        // without a FIN): when the real n1 connects, n2 must close the old connection.
        List<NettyPeerTransport> nodes = cluster(2);
        NettyPeerTransport n2 = nodes.get(1);
        try (Socket old = new Socket("127.0.0.1", n2.listenAddress().port())) {
            ByteBuf hello = Unpooled.buffer();
            new PeerMessageCodec().writeHelloFrame(new PeerHello(CLUSTER, n(1), 1, clientAddresses(1)), hello);
            byte[] bytes = new byte[hello.readableBytes()];
            hello.readBytes(bytes);
            old.getOutputStream().write(bytes);
            old.setSoTimeout((int) DEADLINE.toMillis());
            int helloBytes = 0;
            while (helloBytes < bytes.length - 1) { // n2's hello back, of about the same size
                assertThat(old.getInputStream().read()).as("n2 answers the hello").isNotEqualTo(-1);
                helloBytes++;
            }
            sendUntilDelivered(nodes.get(0), n(2), 1);
            while (old.getInputStream().read() != -1) {
                // the rest of n2's hello, then the end of the stream
            }
        }
        assertThat(n2.refusedConnections()).isZero();
    }

    @Test
    void aSlowPeerCostsBoundedMemoryAndDropsAreCounted() throws InterruptedException {
        // n2's event loop is stuck in its inbound handler, so it stops reading: n1's socket buffers
        // fill, its channel turns unwritable, and its queue must stop at the configured limit.
        CountDownLatch release = new CountDownLatch(1);
        PeerTransportConfig c1 = config(1, 2, CLUSTER);
        c1 = c1.withQueueLimits(64, c1.queueBytesMax());
        NettyPeerTransport n1 = start(c1);
        NettyPeerTransport n2 = start(config(2, 2, CLUSTER), m -> {
            inbox(n(2)).add(m);
            awaitQuietly(release);
        });
        wire(List.of(n1, n2));
        sendUntilDelivered(n1, n(2), 1);
        byte[] data = new byte[16 * 1024];
        for (int i = 0; i < 4000; i++) {
            n1.send(new AppendRequest(n(1), n(2), 1, i, 1, List.of(Entry.command(1, i + 1, data)), 0));
            assertThat(n1.stats().get(n(2)).queuedMessages()).isLessThanOrEqualTo(64);
        }
        await("drops counted", () -> n1.stats().get(n(2)).messagesDropped() > 0);
        release.countDown();
        sendUntilDelivered(n1, n(2), 2);
        assertThat(n1.stats().get(n(2)).messagesSent()).isLessThan(4000);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aFloodOfGarbageLeavesThePeersServed() throws IOException {
        // A small fuzz: random bytes, valid headers with random bodies, oversized lengths, a valid
        // hello followed by garbage, and half frames left hanging, all at n2's peer port. Each
        // connection is closed on its own; n1, n2 and n3 must still exchange messages afterwards.
        handshakeTimeout = Duration.ofMillis(1500);
        List<NettyPeerTransport> nodes = cluster(3);
        NettyPeerTransport n2 = nodes.get(1);
        sendUntilDelivered(nodes.get(0), n(2), 1);
        SplittableRandom random = new SplittableRandom(7);
        List<Socket> hanging = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Socket socket = new Socket("127.0.0.1", n2.listenAddress().port());
            try {
                socket.getOutputStream().write(attack(i % 6, random));
                socket.getOutputStream().flush();
            } catch (IOException closedEarly) {
                // the node may close before everything is written: that is the point
            }
            hanging.add(socket);
        }
        await("n2 closed every hostile connection", () -> n2.refusedConnections() >= 60);
        for (Socket s : hanging) {
            s.close();
        }
        inboxes.values().forEach(Queue::clear);
        for (NettyPeerTransport sender : nodes) {
            for (NettyPeerTransport receiver : nodes) {
                if (sender != receiver) {
                    sendUntilDelivered(sender, receiver.config().self(), 2);
                }
            }
        }
        assertThat(nodes.get(0).stats().get(n(2)).connected()).isTrue();
    }

    /** One kind of hostile input; each makes n2 close the connection (kind 5 by handshake timeout). */
    private static byte[] attack(int kind, SplittableRandom random) {
        PeerMessageCodec codec = new PeerMessageCodec();
        byte[] noise = new byte[1 + random.nextInt(2000)];
        random.nextBytes(noise);
        ByteBuf out = Unpooled.buffer();
        switch (kind) {
            case 0 -> out.writeBytes(noise);
            case 1 -> out.writeShort(PeerMessageCodec.MAGIC).writeByte(1).writeInt(noise.length).writeBytes(noise);
            case 2 -> out.writeShort(PeerMessageCodec.MAGIC).writeByte(1).writeInt(Integer.MAX_VALUE);
            case 3 -> {
                codec.writeHelloFrame(new PeerHello(CLUSTER, NodeId.of(1), 1, clientAddresses(1)), out);
                out.writeBytes(noise);
            }
            case 4 -> {
                byte[] frame = codec.encode(heartbeat(n(1), n(2), 9));
                frame[7 + random.nextInt(frame.length - 7)] ^= (byte) (1 + random.nextInt(255));
                codec.writeHelloFrame(new PeerHello(CLUSTER, NodeId.of(3), 1, clientAddresses(3)), out);
                out.writeBytes(frame).writeBytes(noise);
            }
            default -> out.writeShort(PeerMessageCodec.MAGIC).writeByte(1).writeInt(1000).writeBytes(noise, 0,
                    Math.min(noise.length, 999));
        }
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        return bytes;
    }
}
