package titan.node.net;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import titan.raft.Entry;
import titan.raft.Message;
import titan.raft.Message.AppendRequest;
import titan.raft.NodeId;

/**
 * A rough printout, not an assertion and not a benchmark: how many 256-byte entries per second one
 * transport carries to another over loopback, in AppendRequests of 1, 10 and 100 entries, with at
 * most 64 requests in flight (the receiver's handler releases a permit per request, like Raft's
 * inflight limit). It guards against a silent regression to one syscall per message or worse; it
 * also prints messages per flush. Run with
 * {@code ./mvnw -pl titan-node -Pall-tests test -Dtest=PeerTransportMeasurement}.
 */
@Tag("slow")
class PeerTransportMeasurement {
    private static final int INFLIGHT_MAX = 64;

    @Test
    void printEntriesPerSecond() throws InterruptedException {
        for (int round = 0; round < 4; round++) { // round 0 warms up the JIT; quote the median of 1..3
            for (int batch : new int[] {1, 10, 100}) {
                System.out.printf("round %d: ", round);
                measure(batch, Duration.ofSeconds(2));
            }
        }
    }

    private static void measure(int batch, Duration duration) throws InterruptedException {
        Semaphore inflight = new Semaphore(0);
        NodeId a = NodeId.of(1);
        NodeId b = NodeId.of(2);
        ClientAddresses none = new ClientAddresses(new HostPort("127.0.0.1", 0), new HostPort("127.0.0.1", 0));
        HostPort any = new HostPort("127.0.0.1", 0);
        try (NettyPeerTransport receiver = new NettyPeerTransport(PeerTransportConfig.of(b, "m", none, any,
                Map.of(a, any)), m -> inflight.release());
             NettyPeerTransport sender = new NettyPeerTransport(PeerTransportConfig.of(a, "m", none, any,
                     Map.of(b, receiver.listenAddress())), m -> { })) {
            sender.send(new Message.HeartbeatRequest(a, b, 1, 0, 0)); // connect before the clock starts
            if (!inflight.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new AssertionError("not connected within 30 s: " + sender.stats());
            }
            inflight.release(INFLIGHT_MAX);
            byte[] command = new byte[256];
            long index = 0;
            long entries = 0;
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            while (System.nanoTime() < end) {
                if (!inflight.tryAcquire(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("no progress within 10 s: " + sender.stats());
                }
                List<Entry> list = new ArrayList<>(batch);
                for (int i = 0; i < batch; i++) {
                    list.add(Entry.command(1, index + 1 + i, command));
                }
                sender.send(new AppendRequest(a, b, 1, index, 1, list, index));
                index += batch;
                entries += batch;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            PeerStats stats = sender.stats().get(b);
            System.out.printf("peer transport, %3d x 256 B per AppendRequest: %,10.0f entries/s, %,8.0f requests/s,"
                    + " %.1f requests per flush, %d dropped%n", batch, entries / seconds, entries / seconds / batch,
                    stats.messagesSent() / (double) Math.max(1, stats.flushes()), stats.messagesDropped());
        }
    }
}
