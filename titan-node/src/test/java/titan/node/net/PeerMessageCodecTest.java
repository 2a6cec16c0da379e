package titan.node.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import titan.node.net.PeerDecodeException.Reason;
import titan.raft.Entry;
import titan.raft.Message;
import titan.raft.Message.AppendRequest;
import titan.raft.Message.TimeoutNow;
import titan.raft.NodeId;

class PeerMessageCodecTest {
    private static final PeerMessageCodec CODEC = new PeerMessageCodec(4096);
    private static final NodeId N1 = NodeId.of(1);
    private static final NodeId N2 = NodeId.of(2);

    static Stream<Message> examples() {
        return PeerMessages.everyType(N1, N2).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void roundTripsEveryMessageType(Message message) {
        byte[] frame = CODEC.encode(message);
        assertThat(frame).hasSize(CODEC.frameBytes(message));
        assertSameMessage(CODEC.decode(frame), message);
    }

    @Test
    void timeoutNowLayoutMatchesTheDrawing() {
        // The javadoc drawing is the contract for other implementations: check it byte for byte.
        byte[] frame = CODEC.encode(new TimeoutNow(NodeId.of(0x0102), NodeId.of(3), 0x0405));
        assertThat(frame).containsExactly(0x54, 0x50, 1, 0, 0, 0, 17, 9, 0, 0, 1, 2, 0, 0, 0, 3,
                0, 0, 0, 0, 0, 0, 4, 5);
    }

    @Test
    void appendEntryLayoutOmitsTheIndex() {
        // An entry is term, kind, length, data: its index is implied by prevLogIndex and its position.
        byte[] frame = CODEC.encode(new AppendRequest(N1, N2, 1, 5, 1, List.of(Entry.command(1, 6, new byte[] {7})), 0));
        byte[] entry = Arrays.copyOfRange(frame, frame.length - 14, frame.length);
        assertThat(entry).containsExactly(0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 7);
        assertThat(frame).hasSize(7 + 17 + 28 + 14);
    }

    @Property
    void decodeInvertsEncode(@ForAll("messages") Message message) {
        byte[] frame = CODEC.encode(message);
        assertThat(frame).hasSize(CODEC.frameBytes(message));
        assertSameMessage(CODEC.decode(frame), message);
    }

    @Provide
    Arbitrary<Message> messages() {
        return PeerMessages.any();
    }

    @Property(tries = 200)
    void everyTruncationIsRefusedAsTruncated(@ForAll("messages") Message message) {
        // A cut frame must never decode to a shorter message; the header length says what is missing.
        byte[] frame = CODEC.encode(message);
        for (int length = 0; length < frame.length; length++) {
            byte[] cut = Arrays.copyOf(frame, length);
            assertThatThrownBy(() -> CODEC.decode(cut)).isInstanceOf(PeerDecodeException.class)
                    .extracting(e -> ((PeerDecodeException) e).reason()).isEqualTo(Reason.TRUNCATED);
        }
    }

    @Property(tries = 200)
    void everyTruncationOfTheBodyIsRefused(@ForAll("messages") Message message) {
        // The same cut with a header that agrees with it: the body's own lengths must catch it.
        byte[] frame = CODEC.encode(message);
        for (int length = PeerMessageCodec.HEADER_BYTES + 1; length < frame.length; length++) {
            byte[] cut = Arrays.copyOf(frame, length);
            ByteBuffer.wrap(cut).putInt(3, length - PeerMessageCodec.HEADER_BYTES);
            assertThatThrownBy(() -> CODEC.decode(cut)).isInstanceOf(PeerDecodeException.class);
        }
    }

    @Property
    void flippedBytesDecodeOrFailWithPeerDecodeExceptionOnly(@ForAll("messages") Message message,
                                                             @ForAll @IntRange(min = 0, max = 10_000) int position,
                                                             @ForAll @IntRange(min = 1, max = 255) int mask) {
        byte[] frame = CODEC.encode(message);
        frame[position % frame.length] ^= (byte) mask;
        try {
            Message decoded = CODEC.decode(frame);
            assertThat(CODEC.encode(decoded)).containsExactly(frame);
        } catch (PeerDecodeException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property
    void arbitraryBytesDecodeOrFailWithPeerDecodeExceptionOnly(@ForAll byte[] body) {
        byte[] frame = ByteBuffer.allocate(7 + body.length).putShort((short) 0x5450).put((byte) 1)
                .putInt(body.length).put(body).array();
        try {
            CODEC.decode(frame);
        } catch (PeerDecodeException expected) {
            assertThat(expected.reason()).isNotNull();
        }
    }

    static Stream<Arguments> malformed() {
        byte[] timeout = CODEC.encode(new TimeoutNow(N1, N2, 3));
        byte[] vote = CODEC.encode(new Message.VoteResponse(N1, N2, 3, false, true));
        byte[] append = CODEC.encode(new AppendRequest(N1, N2, 1, 5, 1, List.of(Entry.command(1, 6, new byte[] {7})),
                0));
        byte[] snapshot = CODEC.encode(PeerMessages.everyType(N1, N2).get(9));
        return Stream.of(
                Arguments.of("empty", new byte[0], Reason.TRUNCATED, "header"),
                Arguments.of("bad magic", withByte(timeout, 0, 'G'), Reason.BAD_MAGIC, "0x47"),
                Arguments.of("HTTP request", "GET / HTTP/1.1\r\n\r\n".getBytes(), Reason.BAD_MAGIC, "0x4745"),
                Arguments.of("version 2", withByte(timeout, 2, 2), Reason.UNSUPPORTED_VERSION, "version 2"),
                Arguments.of("version 0", withByte(timeout, 2, 0), Reason.UNSUPPORTED_VERSION, "version 0"),
                Arguments.of("length 0", withInt(timeout, 3, 0), Reason.OVERSIZED, "0 bytes"),
                Arguments.of("length over frameBytesMax", withInt(timeout, 3, 4097), Reason.OVERSIZED, "1..4096"),
                Arguments.of("length u32 max", withInt(timeout, 3, -1), Reason.OVERSIZED, "4294967295"),
                Arguments.of("trailing bytes after the frame", Arrays.copyOf(timeout, timeout.length + 1),
                        Reason.TRAILING_BYTES, "after the frame"),
                Arguments.of("trailing bytes in the body", withInt(Arrays.copyOf(timeout, timeout.length + 1), 3, 18),
                        Reason.TRAILING_BYTES, "after a message"),
                Arguments.of("type 10", withByte(timeout, 7, 10), Reason.UNKNOWN_TYPE, "type 10"),
                Arguments.of("type 255", withByte(timeout, 7, 255), Reason.UNKNOWN_TYPE, "type 255"),
                Arguments.of("from 0", withInt(timeout, 8, 0), Reason.MALFORMED, "from node id 0"),
                Arguments.of("to negative", withInt(timeout, 12, -5), Reason.MALFORMED, "to node id -5"),
                Arguments.of("negative term", withByte(timeout, 16, 0x80), Reason.MALFORMED, "negative term"),
                Arguments.of("unknown flag bit", withByte(vote, 24, 4), Reason.MALFORMED, "flags 0x04"),
                Arguments.of("entry count past the end", withInt(append, 48, 2), Reason.TRUNCATED, "entry count 2"),
                Arguments.of("entry count u32 max", withInt(append, 48, -1), Reason.TRUNCATED, "4294967295"),
                Arguments.of("entry kind 0", withByte(append, 60, 0), Reason.MALFORMED, "entry kind 0"),
                Arguments.of("entry kind 4", withByte(append, 60, 4), Reason.MALFORMED, "entry kind 4"),
                Arguments.of("entry term 0", withByte(append, 59, 0), Reason.MALFORMED, "has term 0"),
                Arguments.of("entry length past the end", withInt(append, 61, 2), Reason.TRUNCATED, "entry length 2"),
                Arguments.of("prevLogIndex negative", withByte(append, 24, 0xff), Reason.MALFORMED, "prevLogIndex"),
                Arguments.of("prevLogIndex at the end of the index space", withLong(append, 24, Long.MAX_VALUE),
                        Reason.MALFORMED, "cannot precede 1 entries"),
                Arguments.of("membership count lies", withInt(snapshot, 44, 2), Reason.MALFORMED, "snapshot meta"),
                Arguments.of("snapshot index without term", withLong(snapshot, 32, 0), Reason.MALFORMED,
                        "bad snapshot position"),
                Arguments.of("hello where a message is expected", helloFrame(), Reason.UNKNOWN_TYPE, "hello"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void refusesMalformedFramesWithATypedReason(String name, byte[] frame, Reason reason, String detail) {
        assertThatThrownBy(() -> CODEC.decode(frame)).isInstanceOf(PeerDecodeException.class)
                .hasMessageContaining(detail)
                .extracting(e -> ((PeerDecodeException) e).reason()).isEqualTo(reason);
    }

    @Test
    void encodeRefusesFramesOverTheLimitAndEntriesOutOfPlace() {
        AppendRequest big = new AppendRequest(N1, N2, 1, 0, 0, List.of(Entry.command(1, 1, new byte[4096])), 0);
        assertThatThrownBy(() -> CODEC.encode(big)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("over frameBytesMax 4096");
        AppendRequest gap = new AppendRequest(N1, N2, 1, 0, 0, List.of(Entry.noop(1, 2)), 0);
        assertThatThrownBy(() -> CODEC.encode(gap)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not at index 1");
    }

    @Test
    void helloRoundTripsThroughTheFrameDecoderPath() {
        PeerHello hello = new PeerHello("lab-é", NodeId.of(3), 1,
                new ClientAddresses(HostPort.parse("10.0.0.3:8080"), HostPort.parse("[::1]:9090")));
        ByteBuf buf = Unpooled.buffer();
        CODEC.writeHelloFrame(hello, buf);
        assertThat(CODEC.getBodyLength(buf)).isEqualTo(buf.readableBytes() - PeerMessageCodec.HEADER_BYTES);
        assertThat(CODEC.decodeBody(buf.skipBytes(PeerMessageCodec.HEADER_BYTES))).isEqualTo(hello);
    }

    /** Messages are records compared by value, except a snapshot chunk's array. */
    static void assertSameMessage(Message actual, Message expected) {
        if (expected instanceof Message.InstallSnapshotRequest e && actual instanceof Message.InstallSnapshotRequest a) {
            assertThat(a.chunk()).isEqualTo(e.chunk());
            assertThat(new Message.InstallSnapshotRequest(a.from(), a.to(), a.term(), a.meta(), a.offset(), e.chunk(),
                    a.done())).isEqualTo(e);
        } else {
            assertThat(actual).isEqualTo(expected);
        }
    }

    static byte[] helloFrame() {
        ByteBuf buf = Unpooled.buffer();
        CODEC.writeHelloFrame(new PeerHello("c", N1, 1, new ClientAddresses(new HostPort("h", 1),
                new HostPort("h", 2))), buf);
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        return out;
    }

    static byte[] withByte(byte[] frame, int at, int value) {
        byte[] copy = frame.clone();
        copy[at] = (byte) value;
        return copy;
    }

    static byte[] withInt(byte[] frame, int at, int value) {
        byte[] copy = frame.clone();
        ByteBuffer.wrap(copy).putInt(at, value);
        return copy;
    }

    static byte[] withLong(byte[] frame, int at, long value) {
        byte[] copy = frame.clone();
        ByteBuffer.wrap(copy).putLong(at, value);
        return copy;
    }
}
