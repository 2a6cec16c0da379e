package titan.node.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import titan.node.net.PeerDecodeException.Reason;
import titan.raft.Message;
import titan.raft.NodeId;

/** The frame decoder in an {@link EmbeddedChannel}: whole, byte by byte, truncated, oversized, garbage. */
class PeerFrameDecoderTest {
    private static final PeerMessageCodec CODEC = new PeerMessageCodec(4096);
    private static final List<Message> MESSAGES = PeerMessages.everyType(NodeId.of(2), NodeId.of(1));

    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(new PeerFrameDecoder(CODEC));
    }

    private static ByteBuf allFrames() {
        ByteBuf out = Unpooled.buffer();
        MESSAGES.forEach(m -> CODEC.writeFrame(m, out));
        return out;
    }

    private static List<Object> drain(EmbeddedChannel ch) {
        List<Object> out = new ArrayList<>();
        Object next;
        while ((next = ch.readInbound()) != null) {
            out.add(next);
        }
        return out;
    }

    private static void assertAllMessages(List<Object> decoded) {
        assertThat(decoded).hasSameSizeAs(MESSAGES);
        for (int i = 0; i < MESSAGES.size(); i++) {
            PeerMessageCodecTest.assertSameMessage((Message) decoded.get(i), MESSAGES.get(i));
        }
    }

    @Test
    void decodesConsecutiveFramesDeliveredAtOnce() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(allFrames());
        assertAllMessages(drain(ch));
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void decodesFramesDeliveredOneByteAtATime() {
        // Every split point of every frame is exercised: the decoder must wait, never misparse.
        EmbeddedChannel ch = channel();
        ByteBuf all = allFrames();
        while (all.isReadable()) {
            ch.writeInbound(all.readRetainedSlice(1));
        }
        all.release();
        assertAllMessages(drain(ch));
    }

    @Test
    void aTruncatedFrameProducesNothingAndNoError() {
        EmbeddedChannel ch = channel();
        byte[] frame = CODEC.encode(MESSAGES.get(3));
        ch.writeInbound(Unpooled.wrappedBuffer(frame, 0, frame.length - 1));
        Object nothing = ch.readInbound();
        assertThat(nothing).isNull();
        ch.writeInbound(Unpooled.wrappedBuffer(frame, frame.length - 1, 1));
        PeerMessageCodecTest.assertSameMessage(ch.readInbound(), MESSAGES.get(3));
    }

    @Test
    void anOversizedLengthIsRefusedBeforeItsBodyArrives() {
        // Only the 7-byte header is sent: the decoder must not wait for (or buffer) 16 MiB of body.
        EmbeddedChannel ch = channel();
        ByteBuf header = Unpooled.buffer().writeShort(PeerMessageCodec.MAGIC).writeByte(1).writeInt(4097);
        assertThatThrownBy(() -> ch.writeInbound(header)).isInstanceOf(PeerDecodeException.class)
                .extracting(e -> ((PeerDecodeException) e).reason()).isEqualTo(Reason.OVERSIZED);
    }

    @Test
    void garbageIsRefusedAtItsFirstByteAndTheRestIsDiscarded() {
        EmbeddedChannel ch = channel();
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {'G'})))
                .isInstanceOf(PeerDecodeException.class)
                .extracting(e -> ((PeerDecodeException) e).reason()).isEqualTo(Reason.BAD_MAGIC);
        // After the error, even valid frames are discarded: the stream can no longer be trusted.
        ch.writeInbound(allFrames());
        assertThat(drain(ch)).isEmpty();
    }

    @Test
    void aBadVersionIsRefusedAtItsThirdByte() {
        EmbeddedChannel ch = channel();
        ByteBuf start = Unpooled.buffer().writeShort(PeerMessageCodec.MAGIC).writeByte(7);
        assertThatThrownBy(() -> ch.writeInbound(start)).isInstanceOf(PeerDecodeException.class)
                .extracting(e -> ((PeerDecodeException) e).reason()).isEqualTo(Reason.UNSUPPORTED_VERSION);
    }

    @Test
    void randomStreamsOnlyEverFailWithPeerDecodeException() {
        // Random bytes, and valid frames with random bytes overwritten, cut into random pieces: the
        // decoder yields valid messages or one PeerDecodeException, nothing else.
        SplittableRandom random = new SplittableRandom(42);
        int failures = 0;
        for (int run = 0; run < 400; run++) {
            ByteBuf stream = allFrames();
            if (run % 2 == 0) {
                for (int i = 0; i < 1 + random.nextInt(4); i++) {
                    stream.setByte(random.nextInt(stream.readableBytes()), random.nextInt(256));
                }
            } else {
                byte[] noise = new byte[random.nextInt(64)];
                random.nextBytes(noise);
                stream = Unpooled.wrappedBuffer(stream, Unpooled.wrappedBuffer(noise));
            }
            EmbeddedChannel ch = channel();
            try {
                while (stream.isReadable()) {
                    ch.writeInbound(stream.readRetainedSlice(Math.min(stream.readableBytes(), 1 + random.nextInt(40))));
                }
            } catch (PeerDecodeException expected) {
                failures++;
            } finally {
                stream.release();
            }
            drain(ch).forEach(m -> assertThat(m).isInstanceOfAny(Message.class, PeerHello.class));
            ch.finishAndReleaseAll();
        }
        assertThat(failures).isBetween(1, 400);
    }
}
