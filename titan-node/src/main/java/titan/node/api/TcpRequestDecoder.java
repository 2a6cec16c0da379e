package titan.node.api;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.function.BooleanSupplier;

import titan.node.api.BinaryProtocol.BodyReader;
import titan.node.api.BinaryProtocol.Malformed;
import titan.node.kv.KvCommand;

/**
 * Splits the byte stream into {@link BinaryProtocol} frames and decodes each into a {@link Decoded}
 * request, or a {@link Refusal} when it breaks the protocol. The length is checked as soon as its 4
 * bytes arrive, so an oversized frame is refused before its body is buffered: a connection never
 * holds more than one frame of {@code frameBytesMax}. After a fatal refusal the decoder discards
 * everything else the connection sends (the handler closes it). Not thread-safe: one per channel.
 */
final class TcpRequestDecoder extends ByteToMessageDecoder {
    /** A decoded request: {@code request} is null for STATUS. */
    record Decoded(long requestId, int op, KvRequest request, long startNanos) {}

    /** A frame refused with an ERROR frame; {@code fatal}: close the connection after it. */
    record Refusal(long requestId, int code, String message, boolean fatal) {}

    private final ApiLimits limits;
    private final BooleanSupplier mayDecode;
    private boolean broken;

    /**
     * {@code mayDecode} is asked before each frame: while it says no (the connection has as many
     * requests in flight as it may), frames stay undecoded in the buffer, so a burst read in one go
     * cannot exceed the in-flight limit. Whoever says yes again must fire a read to resume.
     */
    TcpRequestDecoder(ApiLimits limits, BooleanSupplier mayDecode) {
        this.limits = limits;
        this.mayDecode = mayDecode;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (!mayDecode.getAsBoolean()) {
            // Paused: the base class would ask the socket for more bytes when a read decoded
            // nothing (to finish a partial frame); that must wait until the handler resumes.
            ctx.fireChannelReadComplete();
            return;
        }
        super.channelReadComplete(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (broken) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < BinaryProtocol.LENGTH_BYTES || !mayDecode.getAsBoolean()) {
            return;
        }
        long length = in.getUnsignedInt(in.readerIndex());
        if (length < BinaryProtocol.HEADER_BYTES || length > limits.frameBytesMax()) {
            refuseStream(in, out, new Refusal(0, length < BinaryProtocol.HEADER_BYTES ? BinaryProtocol.ERROR_MALFORMED
                    : BinaryProtocol.ERROR_TOO_LARGE, "frame length " + length + " is outside "
                    + BinaryProtocol.HEADER_BYTES + ".." + limits.frameBytesMax(), true));
            return;
        }
        if (in.readableBytes() < BinaryProtocol.LENGTH_BYTES + length) {
            return;
        }
        int start = in.readerIndex() + BinaryProtocol.LENGTH_BYTES;
        int end = start + (int) length;
        int version = in.getUnsignedByte(start);
        int op = in.getUnsignedByte(start + 1);
        long requestId = in.getLong(start + 2);
        ByteBuf body = in.slice(start + BinaryProtocol.HEADER_BYTES, end - start - BinaryProtocol.HEADER_BYTES);
        in.readerIndex(end);
        if (version != BinaryProtocol.VERSION) {
            refuseStream(in, out, new Refusal(requestId, BinaryProtocol.ERROR_VERSION, "unknown protocol version "
                    + version + " (this server speaks " + BinaryProtocol.VERSION + ")", true));
            return;
        }
        try {
            out.add(new Decoded(requestId, op, decodeBody(op, new BodyReader(body)), System.nanoTime()));
        } catch (Malformed e) {
            Refusal refusal = new Refusal(requestId, e.code(), e.getMessage(), e.fatal());
            if (e.fatal()) {
                refuseStream(in, out, refusal);
            } else {
                out.add(refusal);
            }
        }
    }

    private void refuseStream(ByteBuf in, List<Object> out, Refusal refusal) {
        broken = true;
        in.skipBytes(in.readableBytes());
        out.add(refusal);
    }

    private KvRequest decodeBody(int op, BodyReader in) {
        KvRequest request = switch (op) {
            case BinaryProtocol.GET, BinaryProtocol.GET_STALE -> new KvRequest.Read(in.key(), op == BinaryProtocol.GET_STALE);
            case BinaryProtocol.PUT, BinaryProtocol.DELETE, BinaryProtocol.CAS, BinaryProtocol.APPEND ->
                    new KvRequest.Write(decodeCommand(op, in));
            case BinaryProtocol.STATUS -> null;
            default -> throw new Malformed(BinaryProtocol.ERROR_OP, "unknown op code 0x" + Integer.toHexString(op));
        };
        in.expectEnd();
        return request;
    }

    private KvCommand decodeCommand(int op, BodyReader in) {
        long clientId = in.i64("client id");
        long sequence = in.i64("sequence");
        String key = in.key();
        KvCommand command = switch (op) {
            case BinaryProtocol.PUT -> new KvCommand.Put(clientId, checkSequence(sequence), key, value(in, "value"));
            case BinaryProtocol.DELETE -> new KvCommand.Delete(clientId, checkSequence(sequence), key);
            case BinaryProtocol.CAS -> {
                byte[] expected = in.optional("expected value");
                checkSize(expected, "expected value");
                yield new KvCommand.Cas(clientId, checkSequence(sequence), key, expected, value(in, "value"));
            }
            default -> new KvCommand.Append(clientId, checkSequence(sequence), key, value(in, "suffix"));
        };
        if (clientId <= 0) {
            throw new Malformed(BinaryProtocol.ERROR_INVALID, "client id must be positive, got " + clientId, false);
        }
        return command;
    }

    private byte[] value(BodyReader in, String field) {
        byte[] value = in.bytes(in.length(field + " length"), field);
        checkSize(value, field);
        return value;
    }

    private void checkSize(byte[] value, String field) {
        if (value != null && value.length > limits.valueBytesMax()) {
            throw new Malformed(BinaryProtocol.ERROR_TOO_LARGE, field + " of " + value.length
                    + " bytes is over the limit of " + limits.valueBytesMax(), false);
        }
    }

    private static long checkSequence(long sequence) {
        if (sequence < 1) {
            throw new Malformed(BinaryProtocol.ERROR_INVALID, "sequence numbers start at 1, got " + sequence, false);
        }
        return sequence;
    }
}
