package titan.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.List;

import titan.node.api.BinaryProtocol;
import titan.node.api.BinaryProtocol.BodyReader;

/**
 * The client's side of {@link BinaryProtocol}: splits response frames and decodes each into a
 * {@link Response}. A frame that breaks the protocol throws {@link CorruptedFrameException}, and the
 * connection is closed (its requests in flight become indeterminate).
 */
final class TcpResponseDecoder extends ByteToMessageDecoder {
    /** One answer, for the request with {@code requestId} (0: a connection-level error). */
    record Response(long requestId, Answer answer) {}

    private final int frameBytesMax;

    TcpResponseDecoder(int frameBytesMax) {
        this.frameBytesMax = frameBytesMax;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < BinaryProtocol.LENGTH_BYTES) {
            return;
        }
        long length = in.getUnsignedInt(in.readerIndex());
        if (length < BinaryProtocol.HEADER_BYTES || length > frameBytesMax) {
            in.skipBytes(in.readableBytes());
            throw new CorruptedFrameException("response frame length " + length + " is outside 10.." + frameBytesMax);
        }
        if (in.readableBytes() < BinaryProtocol.LENGTH_BYTES + length) {
            return;
        }
        in.skipBytes(BinaryProtocol.LENGTH_BYTES);
        int version = in.readUnsignedByte();
        int op = in.readUnsignedByte();
        long id = in.readLong();
        ByteBuf body = in.readSlice((int) length - BinaryProtocol.HEADER_BYTES);
        if (version != BinaryProtocol.VERSION) {
            throw new CorruptedFrameException("response version " + version);
        }
        try {
            out.add(new Response(id, answer(op, new BodyReader(body))));
        } catch (BinaryProtocol.Malformed e) {
            throw new CorruptedFrameException("malformed response: " + e.getMessage());
        }
    }

    static Answer answer(int op, BodyReader in) {
        Answer answer = switch (op) {
            case BinaryProtocol.OK -> new Answer.Value(in.optional("value"));
            case BinaryProtocol.NOT_FOUND -> new Answer.Missing();
            case BinaryProtocol.CAS_MISMATCH -> new Answer.Mismatch(in.optional("current"));
            case BinaryProtocol.NOT_LEADER -> new Answer.NotLeader(in.shortString("leader"), in.shortString("address"));
            case BinaryProtocol.REFUSED -> new Answer.Failure("refused: " + in.message());
            case BinaryProtocol.REJECTED -> new Answer.Failure("rejected: " + in.message());
            case BinaryProtocol.SESSION -> {
                int kind = in.u8("session kind");
                yield new Answer.Session((kind == BinaryProtocol.SESSION_STALE ? "stale: " : "expired: ") + in.message());
            }
            case BinaryProtocol.INDETERMINATE -> new Answer.Unknown(in.message());
            case BinaryProtocol.STATUS_REPLY -> new Answer.Value(in.bytes(in.remaining(), "status"));
            case BinaryProtocol.ERROR -> {
                int code = in.u8("error code");
                yield new Answer.Failure("bad request (error " + code + "): " + in.message());
            }
            default -> throw new BinaryProtocol.Malformed(BinaryProtocol.ERROR_OP, "unknown response op " + op);
        };
        in.expectEnd();
        return answer;
    }
}
