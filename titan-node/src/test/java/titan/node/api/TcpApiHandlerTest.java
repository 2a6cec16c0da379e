package titan.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

import titan.node.ClientOutcome;
import titan.node.api.BinaryProtocol.BodyReader;
import titan.node.kv.KvCommand;
import titan.node.kv.KvResult;
import titan.raft.NodeId;

/** The binary protocol's server side, byte for byte through an EmbeddedChannel against a fake node. */
class TcpApiHandlerTest {
    private static final ApiLimits LIMITS = new ApiLimits(64, 2048, 8);

    private final FakeKvService service = new FakeKvService("n1");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final EmbeddedChannel channel = new EmbeddedChannel();

    TcpApiHandlerTest() {
        TcpApiServer.initPipeline(channel, service, LIMITS, new RequestMetrics(registry, "tcp"));
    }

    /** One decoded response frame. */
    record Frame(int version, int op, long id, ByteBuf body) {
        BodyReader reader() {
            return new BodyReader(body.duplicate());
        }

        byte[] optionalValue() {
            return reader().optional("value");
        }

        String message() {
            return reader().message();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void send(ByteBuf frames) {
        channel.writeInbound(frames);
        channel.runPendingTasks();
    }

    private List<Frame> responses() {
        ByteBuf all = Unpooled.buffer();
        ByteBuf b;
        while ((b = channel.readOutbound()) != null) {
            all.writeBytes(b);
            b.release();
        }
        List<Frame> frames = new ArrayList<>();
        while (all.isReadable()) {
            int length = all.readInt();
            ByteBuf frame = all.readSlice(length);
            frames.add(new Frame(frame.readUnsignedByte(), frame.readUnsignedByte(), frame.readLong(), frame));
        }
        return frames;
    }

    private Frame onlyResponse() {
        List<Frame> frames = responses();
        assertThat(frames).hasSize(1);
        assertThat(frames.get(0).version()).isEqualTo(BinaryProtocol.VERSION);
        return frames.get(0);
    }

    @Test
    void everyOpIsServedAgainstARealStateMachine() {
        // Goal: each op decodes into the right request and each result encodes to the right frame.
        service.asLeader();
        ByteBuf out = Unpooled.buffer();
        BinaryProtocol.writeCommand(out, 1, new KvCommand.Put(7, 1, "k", bytes("v1")));
        send(out);
        Frame put = onlyResponse();
        assertThat(put.op()).isEqualTo(BinaryProtocol.OK);
        assertThat(put.id()).isEqualTo(1);
        assertThat(put.optionalValue()).isNull();

        out = Unpooled.buffer();
        BinaryProtocol.writeRead(out, 2, "k", false);
        send(out);
        Frame get = onlyResponse();
        assertThat(get.op()).isEqualTo(BinaryProtocol.OK);
        assertThat(get.optionalValue()).isEqualTo(bytes("v1"));

        out = Unpooled.buffer();
        BinaryProtocol.writeRead(out, 3, "nope", true);
        send(out);
        assertThat(onlyResponse().op()).isEqualTo(BinaryProtocol.NOT_FOUND);
        assertThat(service.take(2).request()).isEqualTo(new KvRequest.Read("nope", true));

        out = Unpooled.buffer();
        BinaryProtocol.writeCommand(out, 4, new KvCommand.Cas(7, 2, "k", bytes("wrong"), bytes("v2")));
        send(out);
        Frame mismatch = onlyResponse();
        assertThat(mismatch.op()).isEqualTo(BinaryProtocol.CAS_MISMATCH);
        assertThat(mismatch.optionalValue()).isEqualTo(bytes("v1"));

        out = Unpooled.buffer();
        BinaryProtocol.writeCommand(out, 5, new KvCommand.Cas(7, 3, "k", bytes("v1"), bytes("v2")));
        BinaryProtocol.writeCommand(out, 6, new KvCommand.Append(7, 4, "k", bytes("+")));
        BinaryProtocol.writeRead(out, 7, "k", false);
        BinaryProtocol.writeCommand(out, 8, new KvCommand.Delete(7, 5, "k"));
        BinaryProtocol.writeCommand(out, 9, new KvCommand.Delete(7, 6, "k"));
        BinaryProtocol.writeStatusRequest(out, 10);
        send(out);
        List<Frame> frames = responses();
        assertThat(frames).extracting(Frame::id).containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(frames).extracting(Frame::op).containsExactly(BinaryProtocol.OK, BinaryProtocol.OK, BinaryProtocol.OK,
                BinaryProtocol.OK, BinaryProtocol.NOT_FOUND, BinaryProtocol.STATUS_REPLY);
        assertThat(frames.get(2).optionalValue()).isEqualTo(bytes("v2+"));
        assertThat(frames.get(5).body().toString(StandardCharsets.UTF_8)).contains("\"id\":\"n1\"", "\"role\":\"leader\"");
        assertThat(service.take(7).request()).isEqualTo(new KvRequest.Write(new KvCommand.Delete(7, 5, "k")));
        assertThat(registry.get("titan.client.requests").tag("protocol", "tcp").tag("op", "put").timer().count())
                .isEqualTo(1);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void pipelinedRequestsAreAnsweredOutOfOrderMatchedByIdInOneWrite() {
        // Goal: answers leave in the node's order, not the request order, and a batch is one buffer.
        ByteBuf out = Unpooled.buffer();
        for (int i = 1; i <= 3; i++) {
            BinaryProtocol.writeCommand(out, 100 + i, new KvCommand.Put(7, i, "k" + i, bytes("v")));
        }
        send(out);
        assertThat(service.submitted).hasSize(3);
        assertThat((Object) channel.readOutbound()).isNull();
        service.take(2).reply().accept(new ClientOutcome.Applied(KvResult.Ok.WRITTEN, 3, 1));
        service.take(0).reply().accept(new ClientOutcome.Applied(KvResult.Ok.WRITTEN, 1, 1));
        service.take(1).reply().accept(new ClientOutcome.Indeterminate("superseded"));
        channel.runPendingTasks();
        assertThat(channel.outboundMessages()).hasSize(1); // coalesced: one write, one flush
        List<Frame> frames = responses();
        assertThat(frames).extracting(Frame::id).containsExactly(103L, 101L, 102L);
        assertThat(frames.get(2).op()).isEqualTo(BinaryProtocol.INDETERMINATE);
        assertThat(frames.get(2).message()).isEqualTo("superseded");
    }

    @Test
    void everyOutcomeHasItsFrame() {
        // Goal: the node's definite failures, unknowns and session answers are all told apart on the wire.
        service.withStatus(FakeKvService.status("n1", "follower", "n2", "h:8080", "h:9090"));
        List<ClientOutcome> outcomes = List.of(
                new ClientOutcome.NotLeader(NodeId.of(2)),
                new ClientOutcome.NotLeader(null),
                new ClientOutcome.NotLeader(NodeId.of(3)),
                new ClientOutcome.Refused("busy"),
                new ClientOutcome.Unreachable("stopping"),
                new ClientOutcome.Applied(new KvResult.Rejected("too big"), 1, 1),
                new ClientOutcome.Applied(new KvResult.Stale(7, 1, 2), 1, 1),
                new ClientOutcome.Applied(new KvResult.SessionExpired(7, 2), 1, 1));
        ByteBuf out = Unpooled.buffer();
        for (int i = 0; i < outcomes.size(); i++) {
            BinaryProtocol.writeCommand(out, i, new KvCommand.Put(7, i + 1, "k", bytes("v")));
        }
        send(out);
        for (int i = 0; i < outcomes.size(); i++) {
            service.take(i).reply().accept(outcomes.get(i));
        }
        channel.runPendingTasks();
        List<Frame> f = responses();
        assertThat(f).extracting(Frame::op).containsExactly(BinaryProtocol.NOT_LEADER, BinaryProtocol.NOT_LEADER,
                BinaryProtocol.NOT_LEADER, BinaryProtocol.REFUSED, BinaryProtocol.REFUSED, BinaryProtocol.REJECTED,
                BinaryProtocol.SESSION, BinaryProtocol.SESSION);
        BodyReader hint = f.get(0).reader();
        assertThat(hint.shortString("id")).isEqualTo("n2");
        assertThat(hint.shortString("address")).isEqualTo("h:9090");
        BodyReader none = f.get(1).reader();
        assertThat(none.shortString("id")).isNull();
        assertThat(none.shortString("address")).isNull();
        BodyReader other = f.get(2).reader();
        assertThat(other.shortString("id")).isEqualTo("n3");
        assertThat(other.shortString("address")).as("status names another leader: no address").isNull();
        assertThat(f.get(3).message()).isEqualTo("busy");
        assertThat(f.get(5).message()).isEqualTo("too big");
        assertThat(f.get(6).reader().u8("kind")).isEqualTo(BinaryProtocol.SESSION_STALE);
        assertThat(f.get(7).reader().u8("kind")).isEqualTo(BinaryProtocol.SESSION_EXPIRED);
    }

    @Test
    void aFrameDeliveredByteByByteIsDecodedOnce() {
        service.asLeader();
        ByteBuf out = Unpooled.buffer();
        BinaryProtocol.writeCommand(out, 42, new KvCommand.Put(7, 1, "ключ", bytes("v")));
        while (out.isReadable()) {
            channel.writeInbound(out.readRetainedSlice(1));
        }
        channel.runPendingTasks();
        assertThat(onlyResponse().id()).isEqualTo(42);
        assertThat(service.take(0).request()).isEqualTo(new KvRequest.Write(new KvCommand.Put(7, 1, "ключ", bytes("v"))));
    }

    @Test
    void aTruncatedFrameWaitsAndAnswersNothing() {
        ByteBuf out = Unpooled.buffer();
        BinaryProtocol.writeCommand(out, 1, new KvCommand.Put(7, 1, "k", bytes("v")));
        send(out.retainedSlice(0, out.readableBytes() - 1));
        assertThat(service.submitted).isEmpty();
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(channel.isOpen()).isTrue();
    }

    private void assertFatal(ByteBuf frame, long id, int code) {
        send(frame);
        Frame error = onlyResponse();
        assertThat(error.op()).isEqualTo(BinaryProtocol.ERROR);
        assertThat(error.id()).isEqualTo(id);
        BodyReader r = error.reader();
        assertThat(r.u8("code")).isEqualTo(code);
        assertThat(r.message()).isNotEmpty();
        assertThat(channel.isOpen()).as("the stream cannot be trusted: closed").isFalse();
        assertThat(service.submitted).isEmpty();
    }

    @Test
    void anOversizedLengthIsRefusedBeforeItsBodyArrives() {
        assertFatal(Unpooled.buffer().writeInt(LIMITS.frameBytesMax() + 1), 0, BinaryProtocol.ERROR_TOO_LARGE);
    }

    @Test
    void aLengthShorterThanTheHeaderIsMalformed() {
        assertFatal(Unpooled.buffer().writeInt(3).writeBytes(new byte[3]), 0, BinaryProtocol.ERROR_MALFORMED);
    }

    @Test
    void anUnknownVersionIsRefused() {
        assertFatal(Unpooled.buffer().writeInt(10).writeByte(9).writeByte(BinaryProtocol.STATUS).writeLong(5), 5,
                BinaryProtocol.ERROR_VERSION);
    }

    @Test
    void anUnknownOpIsRefused() {
        assertFatal(Unpooled.buffer().writeInt(10).writeByte(1).writeByte(0x42).writeLong(6), 6, BinaryProtocol.ERROR_OP);
    }

    @Test
    void aResponseOpSentAsARequestIsRefused() {
        assertFatal(Unpooled.buffer().writeInt(10).writeByte(1).writeByte(BinaryProtocol.OK).writeLong(6), 6,
                BinaryProtocol.ERROR_OP);
    }

    @Test
    void trailingBytesAreMalformed() {
        ByteBuf out = Unpooled.buffer();
        BinaryProtocol.writeRead(out, 8, "k", false);
        out.writeByte(0);
        out.setInt(0, out.readableBytes() - 4);
        assertFatal(out, 8, BinaryProtocol.ERROR_MALFORMED);
    }

    @Test
    void aValueLengthThatOverrunsTheFrameIsMalformed() {
        ByteBuf out = Unpooled.buffer();
        BinaryProtocol.writeCommand(out, 9, new KvCommand.Put(7, 1, "k", bytes("vvvv")));
        out.setInt(out.writerIndex() - 8, 1000); // valueLen says 1000, 4 bytes follow
        assertFatal(out, 9, BinaryProtocol.ERROR_MALFORMED);
    }

    @Test
    void invalidUtf8InAKeyIsMalformed() {
        ByteBuf out = Unpooled.buffer().writeInt(10 + 2 + 2).writeByte(1).writeByte(BinaryProtocol.GET).writeLong(4)
                .writeShort(2).writeByte(0xC3).writeByte(0x28);
        assertFatal(out, 4, BinaryProtocol.ERROR_MALFORMED);
    }

    @Test
    void keysAndValuesOverTheLimitsAreRefusedButTheConnectionStaysUsable() {
        // Goal: a well-framed request that breaks a limit costs only itself; the next request is served.
        service.asLeader();
        ByteBuf out = Unpooled.buffer();
        BinaryProtocol.writeCommand(out, 1, new KvCommand.Put(7, 1, "k", new byte[LIMITS.valueBytesMax() + 1]));
        BinaryProtocol.writeRead(out, 2, "x".repeat(1025), false);
        out.writeInt(10 + 2).writeByte(1).writeByte(BinaryProtocol.GET).writeLong(3).writeShort(0); // empty key
        BinaryProtocol.writeCommand(out, 4, new KvCommand.Put(7, 1, "k", bytes("ok")));
        send(out);
        List<Frame> f = responses();
        assertThat(f).extracting(Frame::id).containsExactly(1L, 2L, 3L, 4L);
        assertThat(f).extracting(Frame::op).containsExactly(BinaryProtocol.ERROR, BinaryProtocol.ERROR,
                BinaryProtocol.ERROR, BinaryProtocol.OK);
        assertThat(f.get(0).reader().u8("code")).isEqualTo(BinaryProtocol.ERROR_TOO_LARGE);
        assertThat(f.get(1).reader().u8("code")).isEqualTo(BinaryProtocol.ERROR_INVALID);
        assertThat(f.get(2).reader().u8("code")).isEqualTo(BinaryProtocol.ERROR_INVALID);
        assertThat(service.submitted).hasSize(1);
        assertThat(channel.isOpen()).isTrue();
        assertThat(registry.get("titan.client.errors").counter().count()).isEqualTo(3);
    }

    @Test
    void aWriteWithoutAValidSessionIsRefused() {
        ByteBuf out = Unpooled.buffer();
        BinaryProtocol.writeCommand(out, 1, new KvCommand.Put(0, 1, "k", bytes("v")));
        send(out);
        Frame f = onlyResponse();
        assertThat(f.op()).isEqualTo(BinaryProtocol.ERROR);
        assertThat(f.reader().u8("code")).isEqualTo(BinaryProtocol.ERROR_INVALID);
        assertThat(service.submitted).isEmpty();
    }

    @Test
    void theConnectionStopsReadingAtTheInFlightLimitAndResumesAtHalf() {
        // Goal: a client that floods requests the node does not answer yet cannot grow the server's memory.
        ByteBuf out = Unpooled.buffer();
        for (int i = 1; i <= LIMITS.inFlightMax(); i++) {
            BinaryProtocol.writeCommand(out, i, new KvCommand.Put(7, i, "k", bytes("v")));
        }
        send(out);
        assertThat(channel.config().isAutoRead()).isFalse();
        for (int i = 0; i < LIMITS.inFlightMax() / 2 - 1; i++) {
            service.take(i).reply().accept(new ClientOutcome.Refused("busy"));
        }
        channel.runPendingTasks();
        assertThat(channel.config().isAutoRead()).as("5 in flight of 8: still paused").isFalse();
        service.take(LIMITS.inFlightMax() / 2).reply().accept(new ClientOutcome.Refused("busy"));
        channel.runPendingTasks();
        assertThat(channel.config().isAutoRead()).isTrue();
        assertThat(responses()).hasSize(LIMITS.inFlightMax() / 2);
    }

    @Test
    void aBurstOverTheLimitIsDecodedOnlyAsSlotsFree() {
        // Goal: frames read in one go beyond the in-flight limit wait undecoded, then are served in order.
        ByteBuf out = Unpooled.buffer();
        int burst = LIMITS.inFlightMax() + 4;
        for (int i = 1; i <= burst; i++) {
            BinaryProtocol.writeCommand(out, i, new KvCommand.Put(7, i, "k", bytes("v")));
        }
        send(out);
        assertThat(service.submitted).hasSize(LIMITS.inFlightMax());
        for (int i = 0; i < LIMITS.inFlightMax() / 2; i++) {
            service.take(i).reply().accept(new ClientOutcome.Applied(KvResult.Ok.WRITTEN, i + 1, 1));
        }
        channel.runPendingTasks();
        channel.runPendingTasks(); // the drain, then the resumed decode
        assertThat(service.submitted).hasSize(burst);
        assertThat(((KvRequest.Write) service.take(burst - 1).request()).command().sequence()).isEqualTo(burst);
    }

    @Test
    void anAnswerAfterTheConnectionClosedIsDropped() {
        ByteBuf out = Unpooled.buffer();
        BinaryProtocol.writeCommand(out, 1, new KvCommand.Put(7, 1, "k", bytes("v")));
        send(out);
        channel.close();
        service.take(0).reply().accept(new ClientOutcome.Applied(KvResult.Ok.WRITTEN, 1, 1));
        channel.runPendingTasks();
        assertThat((Object) channel.readOutbound()).isNull();
    }
}
