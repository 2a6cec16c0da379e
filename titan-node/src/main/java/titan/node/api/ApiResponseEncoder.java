package titan.node.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * Writes an {@link ApiResponse} as HTTP/1.1 bytes in one buffer: status line, headers, body. It
 * replaces Netty's {@code HttpResponseEncoder} for the handler's own responses because the API's
 * responses have a fixed shape: a header map per response (hashing, validating and converting every
 * name and value) cost more than the rest of the response together (see docs/performance.md).
 * <pre>
 *   HTTP/1.1 200 OK\r\n
 *   Content-Type: application/json\r\n
 *   Content-Length: 16\r\n
 *   Titan-Node: n1\r\n                       when the node's status is known
 *   Titan-Client-Id: 7\r\n                   writes only: the session the write ran in
 *   Titan-Sequence: 42\r\n
 *   Allow: GET\r\n                           405 only
 *   Connection: close\r\n                    when the connection closes after it
 *   \r\n
 *   {"outcome":"ok"}
 * </pre>
 * Header values are the node's own (ids, numbers, fixed media types); none comes from a request.
 * Stateless and sharable.
 */
@ChannelHandler.Sharable
final class ApiResponseEncoder extends MessageToByteEncoder<ApiResponse> {
    static final ApiResponseEncoder INSTANCE = new ApiResponseEncoder();

    private static final byte[] CONTENT_TYPE = "\r\nContent-Type: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_LENGTH = "\r\nContent-Length: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NODE = ("\r\n" + HttpApiHandler.NODE + ": ").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLIENT_ID = ("\r\n" + HttpApiHandler.CLIENT_ID + ": ").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEQUENCE = ("\r\n" + HttpApiHandler.SEQUENCE + ": ").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ALLOW = "\r\nAllow: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "\r\nConnection: close".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Status lines without their CRLF, by code (the codes the API sends; others are built on use). */
    private static final byte[][] STATUS_LINES = new byte[600][];

    static {
        for (HttpResponseStatus s : new HttpResponseStatus[] {HttpResponseStatus.OK, HttpResponseStatus.BAD_REQUEST,
                HttpResponseStatus.NOT_FOUND, HttpResponseStatus.METHOD_NOT_ALLOWED, HttpResponseStatus.CONFLICT,
                HttpResponseStatus.PRECONDITION_FAILED, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                HttpResponseStatus.MISDIRECTED_REQUEST, HttpResponseStatus.UNPROCESSABLE_ENTITY,
                HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, HttpResponseStatus.SERVICE_UNAVAILABLE,
                HttpResponseStatus.GATEWAY_TIMEOUT}) {
            STATUS_LINES[s.code()] = statusLine(s);
        }
    }

    private ApiResponseEncoder() {
        super(ApiResponse.class);
    }

    private static byte[] statusLine(HttpResponseStatus status) {
        return ("HTTP/1.1 " + status.code() + " " + status.reasonPhrase()).getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, ApiResponse msg, boolean preferDirect) {
        return ctx.alloc().ioBuffer(160 + msg.body().length);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ApiResponse r, ByteBuf out) {
        int code = r.status().code();
        byte[] line = code < STATUS_LINES.length && STATUS_LINES[code] != null ? STATUS_LINES[code] : statusLine(r.status());
        out.writeBytes(line);
        out.writeBytes(CONTENT_TYPE);
        ByteBufUtil.writeAscii(out, r.contentType());
        out.writeBytes(CONTENT_LENGTH);
        writeDecimal(out, r.body().length);
        if (r.node() != null) {
            out.writeBytes(NODE);
            ByteBufUtil.writeAscii(out, r.node());
        }
        if (r.session()) {
            out.writeBytes(CLIENT_ID);
            writeDecimal(out, r.clientId());
            out.writeBytes(SEQUENCE);
            writeDecimal(out, r.sequence());
        }
        if (r.allow() != null) {
            out.writeBytes(ALLOW);
            ByteBufUtil.writeAscii(out, r.allow());
        }
        if (r.close()) {
            out.writeBytes(CLOSE);
        }
        out.writeBytes(END);
        out.writeBytes(r.body());
    }

    /** Writes {@code value} (not negative) in decimal ASCII without building a String. */
    static void writeDecimal(ByteBuf out, long value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative: " + value);
        }
        int digits = 1;
        for (long v = value / 10; v > 0; v /= 10) {
            digits++;
        }
        int at = out.writerIndex() + digits;
        out.ensureWritable(digits);
        out.writerIndex(at);
        long v = value;
        do {
            out.setByte(--at, '0' + (int) (v % 10));
            v /= 10;
        } while (v > 0);
    }
}
