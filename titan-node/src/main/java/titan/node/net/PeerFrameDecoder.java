package titan.node.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits the byte stream of a peer connection into frames and decodes each into a
 * {@link titan.raft.Message} or a {@link PeerHello} (layout in {@link PeerMessageCodec}).
 *
 * <p>The magic and version are checked as soon as their bytes arrive and the length before the
 * body is awaited, so garbage or an oversized length is refused without buffering it. After the
 * first error the decoder throws {@link PeerDecodeException} once and then discards everything:
 * the handler behind it closes the connection. Not sharable: one instance per channel.
 */
final class PeerFrameDecoder extends ByteToMessageDecoder {
    private final PeerMessageCodec codec;
    private boolean failed;

    PeerFrameDecoder(PeerMessageCodec codec) {
        this.codec = codec;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            int available = in.readableBytes();
            if (available < PeerMessageCodec.HEADER_BYTES) {
                codec.checkPartialHeader(in, available);
                return;
            }
            int start = in.readerIndex();
            int length = codec.getBodyLength(in);
            if (available < PeerMessageCodec.HEADER_BYTES + length) {
                return;
            }
            ByteBuf body = in.slice(start + PeerMessageCodec.HEADER_BYTES, length);
            in.readerIndex(start + PeerMessageCodec.HEADER_BYTES + length);
            out.add(codec.decodeBody(body));
        } catch (PeerDecodeException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }
}
