package titan.node.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import titan.raft.Entry;
import titan.raft.Message;
import titan.raft.Message.AppendRequest;
import titan.raft.NodeId;

/**
 * The CPU cost of the peer protocol's hot message: one AppendRequest of {@code entries} commands of
 * 256 bytes, encoded into a frame and decoded back, per invocation (divide by {@code entries} for
 * the cost per entry). The frame size is printed at setup: 7 + 45 + entries * (13 + 256) bytes, so
 * 13 bytes of framing per entry on top of its command.
 *
 * <p>Pitfalls guarded against: the output buffer is reused (cleared), so the measurement is the
 * codec rather than buffer allocation; the decoded message is consumed by a {@link Blackhole}, so
 * decoding cannot be eliminated; the commands are random bytes made in setup. {@link #baseline}
 * does the work any encoding must do: copy every command into one buffer and back out into fresh
 * arrays, the way decoding hands each entry its own array. The codec's cost is the difference.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PeerMessageCodecBenchmark {
    @Param({"1", "10", "100"})
    int entries;

    private final PeerMessageCodec codec = new PeerMessageCodec();
    private AppendRequest request;
    private ByteBuf buffer;

    @Setup(Level.Trial)
    public void makeRequest() {
        SplittableRandom random = new SplittableRandom(1);
        List<Entry> batch = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            byte[] command = new byte[256];
            random.nextBytes(command);
            batch.add(Entry.command(7, 1001 + i, command));
        }
        request = new AppendRequest(NodeId.of(1), NodeId.of(2), 7, 1000, 7, batch, 990);
        buffer = Unpooled.directBuffer(codec.frameBytes(request));
        int frameBytes = codec.frameBytes(request);
        System.out.printf("%n[peer codec] AppendRequest of %d x 256 B: frame %d B, %.1f B per entry, %.1f B framing"
                + " per entry%n", entries, frameBytes, frameBytes / (double) entries,
                (frameBytes - 256.0 * entries) / entries);
    }

    @TearDown(Level.Trial)
    public void release() {
        buffer.release();
    }

    @Benchmark
    public Message encodeDecode() {
        buffer.clear();
        codec.writeFrame(request, buffer);
        return codec.decode(buffer);
    }

    @Benchmark
    public void baseline(Blackhole blackhole) {
        buffer.clear();
        for (Entry e : request.entries()) {
            buffer.writeBytes(e.data());
        }
        for (int i = 0; i < entries; i++) {
            byte[] out = new byte[256];
            buffer.readBytes(out);
            blackhole.consume(out);
        }
    }
}
