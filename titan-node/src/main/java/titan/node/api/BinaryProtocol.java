package titan.node.api;

import io.netty.buffer.ByteBuf;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import titan.node.kv.KvCommand;
import titan.node.kv.Keys;

/**
 * The binary TCP client protocol, version 1: the frame layout, the op codes and the codec both the
 * server ({@link TcpApiServer}) and the Java client ({@code titan.client.TcpTitanClient}) use. All
 * integers are big-endian. See also {@code docs/client-protocol.md}.
 * <pre>
 *  +-----------+---------+--------+------------+------------------------------+
 *  | length    | version | op     | request id | body (length - 10 bytes)     |
 *  | u32       | u8 = 1  | u8     | u64        |                              |
 *  +-----------+---------+--------+------------+------------------------------+
 *   length counts every byte after itself: 10 &lt;= length &lt;= frameBytesMax.
 *
 *  Request bodies (client to server)                     write = clientId i64 | sequence i64
 *   0x01 GET         keyLen u16 | key (UTF-8, 1..1024 B)           linearizable (ReadIndex)
 *   0x02 GET_STALE   keyLen u16 | key                              NOT linearizable
 *   0x03 PUT         write | keyLen u16 | key | valueLen u32 | value
 *   0x04 DELETE      write | keyLen u16 | key
 *   0x05 CAS         write | keyLen u16 | key | hasExpected u8 (0: key must be absent)
 *                    | [expectedLen u32 | expected] | valueLen u32 | value
 *   0x06 APPEND      write | keyLen u16 | key | suffixLen u32 | suffix
 *   0x07 STATUS      (empty)
 *
 *  Response bodies (server to client; the request id of the request answered)
 *   0x81 OK             hasValue u8 | [valueLen u32 | value]       the value read; none for writes
 *   0x82 NOT_FOUND      (empty)                                    read or delete of a missing key
 *   0x83 CAS_MISMATCH   hasCurrent u8 | [len u32 | current]        nothing written
 *   0x84 NOT_LEADER     idLen u8 | leader id | addrLen u8 | leader's TCP host:port   (0: unknown)
 *   0x85 REFUSED        msgLen u16 | message      definitely not applied (busy, stopping, overwritten)
 *   0x86 REJECTED       msgLen u16 | message      the state machine refused it without effect
 *   0x87 SESSION        kind u8 (1 stale, 2 expired) | msgLen u16 | message
 *                                                 this copy did nothing; an earlier copy may have
 *   0x88 INDETERMINATE  msgLen u16 | message      the request may or may not take effect
 *   0x89 STATUS         the node's status as UTF-8 JSON (the rest of the frame)
 *   0x8F ERROR          code u8 | msgLen u16 | message
 * </pre>
 * Sessions: a client keeps one session (a positive client id) per connection and numbers its writes
 * 1, 2, 3, ... in the order it sends them; requests may be pipelined (many in flight) and answered
 * out of order, matched by request id. An ERROR for a frame that could not be trusted (bad length,
 * unknown version or op, a body that does not parse) is sent with request id 0 or the frame's id,
 * and then the server closes the connection; an ERROR for a well-formed request whose key or value
 * breaks a limit leaves the connection open.
 */
public final class BinaryProtocol {
    public static final int VERSION = 1;
    /** Bytes of the length prefix. */
    public static final int LENGTH_BYTES = 4;
    /** Bytes after the length prefix and before the body: version, op, request id. */
    public static final int HEADER_BYTES = 10;

    public static final int GET = 0x01;
    public static final int GET_STALE = 0x02;
    public static final int PUT = 0x03;
    public static final int DELETE = 0x04;
    public static final int CAS = 0x05;
    public static final int APPEND = 0x06;
    public static final int STATUS = 0x07;

    public static final int OK = 0x81;
    public static final int NOT_FOUND = 0x82;
    public static final int CAS_MISMATCH = 0x83;
    public static final int NOT_LEADER = 0x84;
    public static final int REFUSED = 0x85;
    public static final int REJECTED = 0x86;
    public static final int SESSION = 0x87;
    public static final int INDETERMINATE = 0x88;
    public static final int STATUS_REPLY = 0x89;
    public static final int ERROR = 0x8F;

    public static final int SESSION_STALE = 1;
    public static final int SESSION_EXPIRED = 2;

    /** ERROR codes. */
    public static final int ERROR_MALFORMED = 1;
    public static final int ERROR_TOO_LARGE = 2;
    public static final int ERROR_VERSION = 3;
    public static final int ERROR_OP = 4;
    public static final int ERROR_INVALID = 5;

    private static final int MESSAGE_CHARS_MAX = 512;

    private BinaryProtocol() {}

    /** The frame bytes a request or response with {@code bodyBytes} of body takes on the wire. */
    public static int frameBytes(int bodyBytes) {
        return LENGTH_BYTES + HEADER_BYTES + bodyBytes;
    }

    // ---------------------------------------------------------------- requests (the client's side)

    /** Writes one request frame for {@code command} (with its session) under {@code requestId}. */
    public static void writeCommand(ByteBuf out, long requestId, KvCommand command) {
        int start = beginFrame(out, opOf(command), requestId);
        out.writeLong(command.clientId()).writeLong(command.sequence());
        writeKey(out, command.key());
        if (command instanceof KvCommand.Put put) {
            writeBytes(out, put.value());
        } else if (command instanceof KvCommand.Cas cas) {
            out.writeByte(cas.expected() == null ? 0 : 1);
            if (cas.expected() != null) {
                writeBytes(out, cas.expected());
            }
            writeBytes(out, cas.value());
        } else if (command instanceof KvCommand.Append append) {
            writeBytes(out, append.suffix());
        }
        endFrame(out, start);
    }

    /** Writes a GET or GET_STALE request frame. */
    public static void writeRead(ByteBuf out, long requestId, String key, boolean stale) {
        int start = beginFrame(out, stale ? GET_STALE : GET, requestId);
        writeKey(out, key);
        endFrame(out, start);
    }

    public static void writeStatusRequest(ByteBuf out, long requestId) {
        endFrame(out, beginFrame(out, STATUS, requestId));
    }

    private static int opOf(KvCommand command) {
        if (command instanceof KvCommand.Put) {
            return PUT;
        } else if (command instanceof KvCommand.Delete) {
            return DELETE;
        } else if (command instanceof KvCommand.Cas) {
            return CAS;
        } else if (command instanceof KvCommand.Append) {
            return APPEND;
        }
        throw new IllegalArgumentException("no binary op for " + command.getClass().getSimpleName());
    }

    // ---------------------------------------------------------------- responses (the server's side)

    /** Writes an OK frame; {@code value} null for a write. */
    public static void writeOk(ByteBuf out, long requestId, byte[] value) {
        int start = beginFrame(out, OK, requestId);
        writeOptional(out, value);
        endFrame(out, start);
    }

    public static void writeNotFound(ByteBuf out, long requestId) {
        endFrame(out, beginFrame(out, NOT_FOUND, requestId));
    }

    public static void writeCasMismatch(ByteBuf out, long requestId, byte[] current) {
        int start = beginFrame(out, CAS_MISMATCH, requestId);
        writeOptional(out, current);
        endFrame(out, start);
    }

    /** A NOT_LEADER frame; {@code leaderId} and {@code leaderAddress} may be null (unknown). */
    public static void writeNotLeader(ByteBuf out, long requestId, String leaderId, String leaderAddress) {
        int start = beginFrame(out, NOT_LEADER, requestId);
        writeShortString(out, leaderId);
        writeShortString(out, leaderAddress);
        endFrame(out, start);
    }

    /** A REFUSED, REJECTED or INDETERMINATE frame. */
    public static void writeMessage(ByteBuf out, int op, long requestId, String message) {
        int start = beginFrame(out, op, requestId);
        writeMessage(out, message);
        endFrame(out, start);
    }

    public static void writeSession(ByteBuf out, long requestId, int kind, String message) {
        int start = beginFrame(out, SESSION, requestId);
        out.writeByte(kind);
        writeMessage(out, message);
        endFrame(out, start);
    }

    public static void writeStatusReply(ByteBuf out, long requestId, byte[] json) {
        int start = beginFrame(out, STATUS_REPLY, requestId);
        out.writeBytes(json);
        endFrame(out, start);
    }

    public static void writeError(ByteBuf out, long requestId, int code, String message) {
        int start = beginFrame(out, ERROR, requestId);
        out.writeByte(code);
        writeMessage(out, message);
        endFrame(out, start);
    }

    // ---------------------------------------------------------------- framing helpers

    /** Starts a frame; returns the writer index of its length field, for {@link #endFrame}. */
    private static int beginFrame(ByteBuf out, int op, long requestId) {
        int start = out.writerIndex();
        out.writeInt(0).writeByte(VERSION).writeByte(op).writeLong(requestId);
        return start;
    }

    private static void endFrame(ByteBuf out, int start) {
        out.setInt(start, out.writerIndex() - start - LENGTH_BYTES);
    }

    private static void writeKey(ByteBuf out, String key) {
        int at = out.writerIndex();
        out.writeShort(0);
        int length = out.writeCharSequence(key, StandardCharsets.UTF_8);
        out.setShort(at, length);
    }

    private static void writeBytes(ByteBuf out, byte[] value) {
        out.writeInt(value.length).writeBytes(value);
    }

    private static void writeOptional(ByteBuf out, byte[] value) {
        if (value == null) {
            out.writeByte(0);
        } else {
            out.writeByte(1);
            writeBytes(out, value);
        }
    }

    private static void writeShortString(ByteBuf out, String s) {
        if (s == null) {
            out.writeByte(0);
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(bytes.length, 255);
        out.writeByte(length).writeBytes(bytes, 0, length);
    }

    private static void writeMessage(ByteBuf out, String message) {
        String m = message == null ? "" : message.length() > MESSAGE_CHARS_MAX ? message.substring(0, MESSAGE_CHARS_MAX)
                : message;
        int at = out.writerIndex();
        out.writeShort(0);
        out.setShort(at, out.writeCharSequence(m, StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- reading

    /**
     * A bounds-checked reader over one frame body. Every read checks what is left; a violation throws
     * {@link Malformed}, so a decoder built on it never throws anything else on hostile input.
     */
    public static final class BodyReader {
        private final ByteBuf body;

        public BodyReader(ByteBuf body) {
            this.body = body;
        }

        public int u8(String field) {
            need(1, field);
            return body.readUnsignedByte();
        }

        public int u16(String field) {
            need(2, field);
            return body.readUnsignedShort();
        }

        public long i64(String field) {
            need(8, field);
            return body.readLong();
        }

        /** A u32 length that must fit in what is left of the frame (else the frame is malformed). */
        public int length(String field) {
            need(4, field);
            long length = body.readUnsignedInt();
            if (length > body.readableBytes()) {
                throw new Malformed(ERROR_MALFORMED, field + " of " + length + " bytes overruns the frame ("
                        + body.readableBytes() + " left)");
            }
            return (int) length;
        }

        public byte[] bytes(int count, String field) {
            need(count, field);
            byte[] out = new byte[count];
            body.readBytes(out);
            return out;
        }

        /** A u16-prefixed key; bad UTF-8 is malformed, a length outside 1..1024 is invalid (not fatal). */
        public String key() {
            int length = u16("key length");
            need(length, "key");
            String key = utf8(length, "key");
            if (length < 1 || length > Keys.KEY_BYTES_MAX) {
                throw new Malformed(ERROR_INVALID, "key must be 1.." + Keys.KEY_BYTES_MAX + " UTF-8 bytes, got " + length,
                        false);
            }
            return key;
        }

        /** {@code count} bytes of strict UTF-8: malformed sequences are refused, never replaced. */
        public String utf8(int count, String field) {
            need(count, field);
            int start = body.readerIndex();
            body.skipBytes(count);
            if (isAscii(start, count)) {
                return body.toString(start, count, StandardCharsets.US_ASCII);
            }
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(body.nioBuffer(start, count)).toString();
            } catch (CharacterCodingException e) {
                throw new Malformed(ERROR_MALFORMED, field + " is not valid UTF-8");
            }
        }

        public String message() {
            return utf8(u16("message length"), "message");
        }

        /** A u8-prefixed string, or null when its length is 0. */
        public String shortString(String field) {
            int length = u8(field + " length");
            return length == 0 ? null : utf8(length, field);
        }

        public byte[] optional(String field) {
            int present = u8(field + " flag");
            if (present > 1) {
                throw new Malformed(ERROR_MALFORMED, field + " flag must be 0 or 1, got " + present);
            }
            return present == 0 ? null : bytes(length(field + " length"), field);
        }

        public int remaining() {
            return body.readableBytes();
        }

        public void expectEnd() {
            if (body.isReadable()) {
                throw new Malformed(ERROR_MALFORMED, "frame has " + body.readableBytes() + " trailing bytes");
            }
        }

        private boolean isAscii(int start, int count) {
            for (int i = start; i < start + count; i++) {
                if (body.getByte(i) < 0) {
                    return false;
                }
            }
            return true;
        }

        private void need(int count, String field) {
            if (count > body.readableBytes()) {
                throw new Malformed(ERROR_MALFORMED, "truncated: " + field + " needs " + count + " bytes, "
                        + body.readableBytes() + " left");
            }
        }
    }

    /**
     * A frame that breaks the protocol. {@code fatal}: the stream can no longer be trusted and the
     * connection must close after the error frame; otherwise only this request is refused.
     */
    public static final class Malformed extends RuntimeException {
        private final int code;
        private final boolean fatal;

        public Malformed(int code, String message) {
            this(code, message, true);
        }

        public Malformed(int code, String message, boolean fatal) {
            super(message, null, false, false);
            this.code = code;
            this.fatal = fatal;
        }

        public int code() {
            return code;
        }

        public boolean fatal() {
            return fatal;
        }
    }
}
