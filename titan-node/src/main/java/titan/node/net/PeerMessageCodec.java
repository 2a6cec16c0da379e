package titan.node.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import titan.node.net.PeerDecodeException.Reason;
import titan.raft.Entry;
import titan.raft.EntryType;
import titan.raft.Membership;
import titan.raft.Message;
import titan.raft.Message.AppendRequest;
import titan.raft.Message.AppendResponse;
import titan.raft.Message.HeartbeatRequest;
import titan.raft.Message.HeartbeatResponse;
import titan.raft.Message.InstallSnapshotRequest;
import titan.raft.Message.InstallSnapshotResponse;
import titan.raft.Message.TimeoutNow;
import titan.raft.Message.VoteRequest;
import titan.raft.Message.VoteResponse;
import titan.raft.NodeId;
import titan.raft.SnapshotMeta;

/**
 * The binary encoding of the peer protocol: one frame per {@link Message} (or handshake). All
 * integers are big-endian; the layout is drawn here and in {@code docs/peer-protocol.md}.
 *
 * <pre>
 * frame:
 *  +------+------+---------+----------------+---------------------------------+
 *  | 0x54 | 0x50 | version | length         | body (length bytes)             |
 *  | magic "TP"  | u8 = 1  | u32            | u8 type, then the type's fields |
 *  +------+------+---------+----------------+---------------------------------+
 *   length is the body's size and must be 1..frameBytesMax (default 16 MiB).
 *
 * body, every message (types 1..9):
 *  +------+---------+---------+------+-------------------+
 *  | type | from    | to      | term | fields of type    |
 *  | u8   | i32     | i32     | i64  |                   |
 *  +------+---------+---------+------+-------------------+
 *
 *  0 Hello           clusterId str8, nodeId i32, version u8, httpHost str8, httpPort u16,
 *                    tcpHost str8, tcpPort u16            (no from/to/term)
 *  1 VoteRequest     lastLogIndex i64, lastLogTerm i64, flags u8 (1 preVote, 2 leadershipTransfer)
 *  2 VoteResponse    flags u8 (1 preVote, 2 granted)
 *  3 AppendRequest   prevLogIndex i64, prevLogTerm i64, leaderCommit i64, count u32,
 *                    count x entry: term i64, kind u8 (1 command, 2 noop, 3 membership),
 *                    length u32, data (length bytes); entry i has index prevLogIndex + 1 + i
 *  4 AppendResponse  flags u8 (1 success), matchIndex i64, rejectedIndex i64, hintIndex i64, hintTerm i64
 *  5 HeartbeatRequest  commitIndex i64, readRound i64
 *  6 HeartbeatResponse readRound i64
 *  7 InstallSnapshotRequest  index i64, term i64, membership u32 length + Membership#encode bytes,
 *                    offset i64, flags u8 (1 done), chunk u32 length + bytes
 *  8 InstallSnapshotResponse snapshotIndex i64, nextOffset i64, flags u8 (1 installed)
 *  9 TimeoutNow      (nothing more)
 *
 *  str8 = u8 length + that many bytes of strict UTF-8
 * </pre>
 *
 * <p>Decoding is strict: every length is checked against the bytes left before anything is
 * allocated, flags with unknown bits, non-positive node ids, unknown types, versions and trailing
 * bytes are refused. The only exception decoding throws is {@link PeerDecodeException}.
 * Instances are immutable and thread-safe.
 */
public final class PeerMessageCodec {
    public static final int MAGIC = 0x5450;
    public static final int VERSION = 1;
    public static final int HEADER_BYTES = 7;
    public static final int FRAME_BYTES_MAX_DEFAULT = 16 * 1024 * 1024;

    static final int HELLO = 0;
    static final int VOTE_REQUEST = 1;
    static final int VOTE_RESPONSE = 2;
    static final int APPEND_REQUEST = 3;
    static final int APPEND_RESPONSE = 4;
    static final int HEARTBEAT_REQUEST = 5;
    static final int HEARTBEAT_RESPONSE = 6;
    static final int INSTALL_SNAPSHOT_REQUEST = 7;
    static final int INSTALL_SNAPSHOT_RESPONSE = 8;
    static final int TIMEOUT_NOW = 9;

    private static final int COMMON_BYTES = 1 + 4 + 4 + 8;
    private static final int ENTRY_BYTES_MIN = 8 + 1 + 4;

    private final int frameBytesMax;

    /** @param frameBytesMax the largest body accepted or produced, in bytes */
    public PeerMessageCodec(int frameBytesMax) {
        if (frameBytesMax < 64) {
            throw new IllegalArgumentException("frameBytesMax must be at least 64, got " + frameBytesMax);
        }
        this.frameBytesMax = frameBytesMax;
    }

    public PeerMessageCodec() {
        this(FRAME_BYTES_MAX_DEFAULT);
    }

    public int frameBytesMax() {
        return frameBytesMax;
    }

    /** The size of {@code message}'s whole frame, header included, without encoding it. */
    public int frameBytes(Message message) {
        return HEADER_BYTES + bodyBytes(message);
    }

    /**
     * Appends {@code message}'s frame to {@code out}.
     *
     * @throws IllegalArgumentException if the body would exceed {@code frameBytesMax} (a peer would
     *     refuse it), or if an AppendRequest's entries are not consecutive from prevLogIndex + 1
     */
    public void writeFrame(Message message, ByteBuf out) {
        int body = bodyBytes(message);
        checkFrameSize(body);
        out.ensureWritable(HEADER_BYTES + body);
        int start = out.writerIndex();
        out.writeShort(MAGIC).writeByte(VERSION).writeInt(body);
        writeBody(message, out);
        if (out.writerIndex() - start != HEADER_BYTES + body) {
            throw new IllegalStateException("encoded " + (out.writerIndex() - start) + " bytes, sized " + body);
        }
    }

    /** The frame of {@code message} as a new array (for tests and tools; the transport uses {@link #writeFrame}). */
    public byte[] encode(Message message) {
        ByteBuf out = Unpooled.buffer(frameBytes(message));
        writeFrame(message, out);
        return out.array();
    }

    /** Decodes one whole frame; the frame must be exactly {@code frame}'s bytes. */
    public Message decode(byte[] frame) {
        return decode(Unpooled.wrappedBuffer(frame));
    }

    /**
     * Decodes one whole frame: exactly {@code frame}'s readable bytes, which are consumed.
     *
     * @throws PeerDecodeException if they are not exactly one valid frame of a Raft message
     */
    public Message decode(ByteBuf frame) {
        int readable = frame.readableBytes();
        if (readable < HEADER_BYTES) {
            checkPartialHeader(frame, readable);
            throw new PeerDecodeException(Reason.TRUNCATED, "a frame header has " + HEADER_BYTES + " bytes, "
                    + readable + " present");
        }
        int length = getBodyLength(frame);
        if (readable - HEADER_BYTES < length) {
            throw new PeerDecodeException(Reason.TRUNCATED, "frame body of " + length + " bytes, "
                    + (readable - HEADER_BYTES) + " present");
        }
        if (readable - HEADER_BYTES > length) {
            throw new PeerDecodeException(Reason.TRAILING_BYTES, (readable - HEADER_BYTES - length)
                    + " bytes after the frame");
        }
        frame.skipBytes(HEADER_BYTES);
        Object decoded = decodeBody(frame);
        if (decoded instanceof Message message) {
            return message;
        }
        throw new PeerDecodeException(Reason.UNKNOWN_TYPE, "expected a Raft message, got a hello");
    }

    /**
     * Checks the 7-byte header at {@code in}'s reader index without consuming it and returns the
     * body length. The caller must have made {@link #HEADER_BYTES} readable.
     */
    int getBodyLength(ByteBuf in) {
        checkPartialHeader(in, HEADER_BYTES);
        long length = in.getUnsignedInt(in.readerIndex() + 3);
        if (length == 0 || length > frameBytesMax) {
            throw new PeerDecodeException(Reason.OVERSIZED, "frame body of " + length + " bytes is outside 1.."
                    + frameBytesMax);
        }
        return (int) length;
    }

    /** Checks the first {@code available} header bytes as soon as they arrive, so garbage is refused early. */
    void checkPartialHeader(ByteBuf in, int available) {
        int at = in.readerIndex();
        if (available >= 1 && in.getUnsignedByte(at) != MAGIC >>> 8
                || available >= 2 && in.getUnsignedShort(at) != MAGIC) {
            throw new PeerDecodeException(Reason.BAD_MAGIC, String.format("0x%02x%s is not the peer protocol's 0x%04x",
                    in.getUnsignedByte(at), available >= 2 ? String.format("%02x", in.getUnsignedByte(at + 1)) : "..",
                    MAGIC));
        }
        if (available >= 3 && in.getUnsignedByte(at + 2) != VERSION) {
            throw new PeerDecodeException(Reason.UNSUPPORTED_VERSION, "frame version " + in.getUnsignedByte(at + 2)
                    + ", this node speaks " + VERSION);
        }
    }

    /** Decodes a whole body (all of {@code body}'s readable bytes) into a {@link Message} or a {@link PeerHello}. */
    Object decodeBody(ByteBuf body) {
        int type = u8(body, "type");
        Object decoded = type == HELLO ? readHello(body) : readMessage(type, body);
        if (body.isReadable()) {
            throw new PeerDecodeException(Reason.TRAILING_BYTES, body.readableBytes() + " bytes after a " + type(type));
        }
        return decoded;
    }

    void writeHelloFrame(PeerHello hello, ByteBuf out) {
        byte[] cluster = hello.clusterId().getBytes(StandardCharsets.UTF_8);
        byte[] httpHost = hello.addresses().http().host().getBytes(StandardCharsets.UTF_8);
        byte[] tcpHost = hello.addresses().tcp().host().getBytes(StandardCharsets.UTF_8);
        if (cluster.length == 0 || cluster.length > PeerHello.CLUSTER_ID_BYTES_MAX) {
            throw new IllegalArgumentException("a cluster id has 1.." + PeerHello.CLUSTER_ID_BYTES_MAX + " bytes");
        }
        int body = 1 + 1 + cluster.length + 4 + 1 + 1 + httpHost.length + 2 + 1 + tcpHost.length + 2;
        out.writeShort(MAGIC).writeByte(VERSION).writeInt(body);
        out.writeByte(HELLO).writeByte(cluster.length).writeBytes(cluster).writeInt(hello.nodeId().value())
                .writeByte(hello.protocolVersion());
        out.writeByte(httpHost.length).writeBytes(httpHost).writeShort(hello.addresses().http().port());
        out.writeByte(tcpHost.length).writeBytes(tcpHost).writeShort(hello.addresses().tcp().port());
    }

    private void checkFrameSize(int body) {
        if (body > frameBytesMax) {
            throw new IllegalArgumentException("a frame body of " + body + " bytes is over frameBytesMax "
                    + frameBytesMax);
        }
    }

    private static int bodyBytes(Message message) {
        return COMMON_BYTES + fieldBytes(message);
    }

    private static int fieldBytes(Message message) {
        if (message instanceof AppendRequest m) {
            return appendBytes(m);
        } else if (message instanceof InstallSnapshotRequest m) {
            Membership members = m.meta().membership();
            return 8 + 8 + 4 + 4 * (2 + members.voters().size() + members.learners().size()) + 8 + 1 + 4
                    + m.chunk().length;
        } else if (message instanceof VoteRequest) {
            return 8 + 8 + 1;
        } else if (message instanceof VoteResponse) {
            return 1;
        } else if (message instanceof AppendResponse) {
            return 1 + 8 * 4;
        } else if (message instanceof HeartbeatRequest) {
            return 8 + 8;
        } else if (message instanceof HeartbeatResponse) {
            return 8;
        } else if (message instanceof InstallSnapshotResponse) {
            return 8 + 8 + 1;
        } else {
            return 0; // TimeoutNow
        }
    }

    private static int appendBytes(AppendRequest m) {
        long bytes = 8 + 8 + 8 + 4;
        for (Entry e : m.entries()) {
            bytes += ENTRY_BYTES_MIN + e.data().length;
        }
        return (int) Math.min(bytes, Integer.MAX_VALUE - COMMON_BYTES - HEADER_BYTES);
    }

    private static void writeBody(Message message, ByteBuf out) {
        out.writeByte(typeOf(message)).writeInt(message.from().value()).writeInt(message.to().value())
                .writeLong(message.term());
        if (message instanceof AppendRequest m) {
            writeAppend(m, out);
        } else if (message instanceof AppendResponse m) {
            out.writeByte(flags(m.success(), false)).writeLong(m.matchIndex()).writeLong(m.rejectedIndex())
                    .writeLong(m.hintIndex()).writeLong(m.hintTerm());
        } else if (message instanceof HeartbeatRequest m) {
            out.writeLong(m.commitIndex()).writeLong(m.readRound());
        } else if (message instanceof HeartbeatResponse m) {
            out.writeLong(m.readRound());
        } else if (message instanceof VoteRequest m) {
            out.writeLong(m.lastLogIndex()).writeLong(m.lastLogTerm())
                    .writeByte(flags(m.preVote(), m.leadershipTransfer()));
        } else if (message instanceof VoteResponse m) {
            out.writeByte(flags(m.preVote(), m.granted()));
        } else if (message instanceof InstallSnapshotRequest m) {
            byte[] membership = m.meta().membership().encode();
            out.writeLong(m.meta().index()).writeLong(m.meta().term()).writeInt(membership.length)
                    .writeBytes(membership).writeLong(m.offset()).writeByte(flags(m.done(), false))
                    .writeInt(m.chunk().length).writeBytes(m.chunk());
        } else if (message instanceof InstallSnapshotResponse m) {
            out.writeLong(m.snapshotIndex()).writeLong(m.nextOffset()).writeByte(flags(m.installed(), false));
        }
    }

    private static void writeAppend(AppendRequest m, ByteBuf out) {
        out.writeLong(m.prevLogIndex()).writeLong(m.prevLogTerm()).writeLong(m.leaderCommit())
                .writeInt(m.entries().size());
        long index = m.prevLogIndex();
        for (Entry e : m.entries()) {
            // The index is implied by the position (AppendRequest's contract): 8 bytes saved per entry.
            if (e.index() != ++index) {
                throw new IllegalArgumentException("entry " + e + " is not at index " + index + " of " + m);
            }
            out.writeLong(e.term()).writeByte(e.type().ordinal() + 1).writeInt(e.data().length).writeBytes(e.data());
        }
    }

    private static int typeOf(Message message) {
        if (message instanceof AppendRequest) {
            return APPEND_REQUEST;
        } else if (message instanceof AppendResponse) {
            return APPEND_RESPONSE;
        } else if (message instanceof HeartbeatRequest) {
            return HEARTBEAT_REQUEST;
        } else if (message instanceof HeartbeatResponse) {
            return HEARTBEAT_RESPONSE;
        } else if (message instanceof VoteRequest) {
            return VOTE_REQUEST;
        } else if (message instanceof VoteResponse) {
            return VOTE_RESPONSE;
        } else if (message instanceof InstallSnapshotRequest) {
            return INSTALL_SNAPSHOT_REQUEST;
        } else if (message instanceof InstallSnapshotResponse) {
            return INSTALL_SNAPSHOT_RESPONSE;
        } else if (message instanceof TimeoutNow) {
            return TIMEOUT_NOW;
        }
        throw new IllegalArgumentException("no encoding for " + message);
    }

    private static int flags(boolean first, boolean second) {
        return (first ? 1 : 0) | (second ? 2 : 0);
    }

    private static Message readMessage(int type, ByteBuf in) {
        if (type < VOTE_REQUEST || type > TIMEOUT_NOW) {
            throw new PeerDecodeException(Reason.UNKNOWN_TYPE, "unknown message type " + type);
        }
        NodeId from = nodeId(in, "from");
        NodeId to = nodeId(in, "to");
        long term = i64(in, "term");
        if (term < 0) {
            throw malformed("negative term " + term);
        }
        return switch (type) {
            case VOTE_REQUEST -> {
                long lastLogIndex = i64(in, "lastLogIndex");
                long lastLogTerm = i64(in, "lastLogTerm");
                int flags = flags(in, 3);
                yield new VoteRequest(from, to, term, lastLogIndex, lastLogTerm, (flags & 1) != 0, (flags & 2) != 0);
            }
            case VOTE_RESPONSE -> {
                int flags = flags(in, 3);
                yield new VoteResponse(from, to, term, (flags & 1) != 0, (flags & 2) != 0);
            }
            case APPEND_REQUEST -> readAppend(from, to, term, in);
            case APPEND_RESPONSE -> new AppendResponse(from, to, term, flags(in, 1) == 1, i64(in, "matchIndex"),
                    i64(in, "rejectedIndex"), i64(in, "hintIndex"), i64(in, "hintTerm"));
            case HEARTBEAT_REQUEST -> new HeartbeatRequest(from, to, term, i64(in, "commitIndex"), i64(in, "readRound"));
            case HEARTBEAT_RESPONSE -> new HeartbeatResponse(from, to, term, i64(in, "readRound"));
            case INSTALL_SNAPSHOT_REQUEST -> readInstallSnapshot(from, to, term, in);
            case INSTALL_SNAPSHOT_RESPONSE -> new InstallSnapshotResponse(from, to, term, i64(in, "snapshotIndex"),
                    i64(in, "nextOffset"), flags(in, 1) == 1);
            default -> new TimeoutNow(from, to, term);
        };
    }

    private static AppendRequest readAppend(NodeId from, NodeId to, long term, ByteBuf in) {
        long prevLogIndex = i64(in, "prevLogIndex");
        long prevLogTerm = i64(in, "prevLogTerm");
        long leaderCommit = i64(in, "leaderCommit");
        int count = count(in, "entry count", ENTRY_BYTES_MIN);
        if (prevLogIndex < 0 || prevLogIndex > Long.MAX_VALUE - count) {
            throw malformed("prevLogIndex " + prevLogIndex + " cannot precede " + count + " entries");
        }
        List<Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long entryTerm = i64(in, "entry term");
            int kind = u8(in, "entry kind");
            if (kind < 1 || kind > EntryType.values().length) {
                throw malformed("unknown entry kind " + kind);
            }
            byte[] data = bytes(in, length(in, "entry length"), "entry data");
            if (entryTerm <= 0) {
                throw malformed("entry " + (prevLogIndex + 1 + i) + " has term " + entryTerm);
            }
            entries.add(new Entry(entryTerm, prevLogIndex + 1 + i, EntryType.values()[kind - 1], data));
        }
        return new AppendRequest(from, to, term, prevLogIndex, prevLogTerm, entries, leaderCommit);
    }

    private static InstallSnapshotRequest readInstallSnapshot(NodeId from, NodeId to, long term, ByteBuf in) {
        long index = i64(in, "snapshot index");
        long snapshotTerm = i64(in, "snapshot term");
        byte[] membershipBytes = bytes(in, length(in, "membership length"), "membership");
        long offset = i64(in, "offset");
        boolean done = flags(in, 1) == 1;
        byte[] chunk = bytes(in, length(in, "chunk length"), "chunk");
        if (offset < 0) {
            throw malformed("negative snapshot offset " + offset);
        }
        try {
            Membership members = Membership.decode(membershipBytes);
            if (!Arrays.equals(members.encode(), membershipBytes)) {
                // Duplicate or unsorted ids would decode; refusing them keeps one encoding per message.
                throw malformed("snapshot membership is not in canonical order");
            }
            SnapshotMeta meta = new SnapshotMeta(index, snapshotTerm, members);
            return new InstallSnapshotRequest(from, to, term, meta, offset, chunk, done);
        } catch (IllegalArgumentException e) {
            throw malformed("snapshot meta: " + e.getMessage());
        }
    }

    private static PeerHello readHello(ByteBuf in) {
        String cluster = str8(in, "cluster id");
        if (cluster.isEmpty()) {
            throw malformed("empty cluster id");
        }
        NodeId node = nodeId(in, "node id");
        int version = u8(in, "protocol version");
        HostPort http = hostPort(in, "http");
        HostPort tcp = hostPort(in, "tcp");
        return new PeerHello(cluster, node, version, new ClientAddresses(http, tcp));
    }

    private static HostPort hostPort(ByteBuf in, String field) {
        String host = str8(in, field + " host");
        int port = u16(in, field + " port");
        try {
            return new HostPort(host, port);
        } catch (IllegalArgumentException e) {
            throw malformed(field + " address: " + e.getMessage());
        }
    }

    private static String str8(ByteBuf in, String field) {
        int length = u8(in, field + " length");
        need(in, length, field);
        ByteBuffer bytes = in.nioBuffer(in.readerIndex(), length);
        in.skipBytes(length);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw malformed(field + " is not valid UTF-8");
        }
    }

    private static NodeId nodeId(ByteBuf in, String field) {
        int value = i32(in, field);
        if (value <= 0) {
            throw malformed(field + " node id " + value + " is not positive");
        }
        return NodeId.of(value);
    }

    private static int flags(ByteBuf in, int allowed) {
        int flags = u8(in, "flags");
        if ((flags & ~allowed) != 0) {
            throw malformed(String.format("flags 0x%02x have bits outside 0x%02x", flags, allowed));
        }
        return flags;
    }

    private static int u8(ByteBuf in, String field) {
        need(in, 1, field);
        return in.readUnsignedByte();
    }

    private static int u16(ByteBuf in, String field) {
        need(in, 2, field);
        return in.readUnsignedShort();
    }

    private static int i32(ByteBuf in, String field) {
        need(in, 4, field);
        return in.readInt();
    }

    private static long i64(ByteBuf in, String field) {
        need(in, 8, field);
        return in.readLong();
    }

    /** A u32 byte length, which must fit in what is left of the body. */
    private static int length(ByteBuf in, String field) {
        need(in, 4, field);
        long length = in.readUnsignedInt();
        if (length > in.readableBytes()) {
            throw new PeerDecodeException(Reason.TRUNCATED, field + " " + length + " is over the " + in.readableBytes()
                    + " bytes left");
        }
        return (int) length;
    }

    /** A u32 count of items of at least {@code itemBytesMin} each, which must fit in what is left. */
    private static int count(ByteBuf in, String field, int itemBytesMin) {
        need(in, 4, field);
        long count = in.readUnsignedInt();
        if (count * itemBytesMin > in.readableBytes()) {
            throw new PeerDecodeException(Reason.TRUNCATED, field + " " + count + " cannot fit in the "
                    + in.readableBytes() + " bytes left");
        }
        return (int) count;
    }

    private static byte[] bytes(ByteBuf in, int length, String field) {
        need(in, length, field);
        byte[] out = new byte[length];
        in.readBytes(out);
        return out;
    }

    private static void need(ByteBuf in, int bytes, String field) {
        if (!in.isReadable(bytes)) {
            throw new PeerDecodeException(Reason.TRUNCATED, field + " needs " + bytes + " bytes, "
                    + in.readableBytes() + " left");
        }
    }

    private static PeerDecodeException malformed(String message) {
        return new PeerDecodeException(Reason.MALFORMED, message);
    }

    private static String type(int type) {
        return type == HELLO ? "hello" : "message of type " + type;
    }
}
