package titan.node.kv;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The binary form of a {@link KvResult}, used for cached session results in snapshots (and
 * available to the client protocols). Big-endian; lengths bounded by the caller's limit.
 * <pre>
 *  +-----+--------------------------------------------------+
 *  | tag | body                                             |
 *  | 1 B |                                                  |
 *  +-----+--------------------------------------------------+
 *   tag 1 Ok              present u8 (0|1) | [len u32 | value]
 *   tag 2 NotFound        (empty)
 *   tag 3 CasMismatch     present u8 (0|1) | [len u32 | current]
 *   tag 4 Rejected        len u16 | reason (UTF-8, cut to 1024 bytes)
 *   tag 5 Stale           clientId 8 B | sequence 8 B | latestSequence 8 B
 *   tag 6 SessionExpired  clientId 8 B | sequence 8 B
 * </pre>
 */
public final class KvResultCodec {
    private static final int OK = 1;
    private static final int NOT_FOUND = 2;
    private static final int CAS_MISMATCH = 3;
    private static final int REJECTED = 4;
    private static final int STALE = 5;
    private static final int SESSION_EXPIRED = 6;
    private static final int REASON_BYTES_MAX = 1024;

    private KvResultCodec() {}

    public static byte[] encode(KvResult result) {
        if (result instanceof KvResult.Ok ok) {
            return optionalBytes(OK, ok.value());
        } else if (result instanceof KvResult.NotFound) {
            return new byte[] {NOT_FOUND};
        } else if (result instanceof KvResult.CasMismatch mismatch) {
            return optionalBytes(CAS_MISMATCH, mismatch.current());
        } else if (result instanceof KvResult.Rejected rejected) {
            byte[] reason = reasonBytes(rejected.reason());
            return ByteBuffer.allocate(3 + reason.length).put((byte) REJECTED).putShort((short) reason.length)
                    .put(reason).array();
        } else if (result instanceof KvResult.Stale stale) {
            return ByteBuffer.allocate(25).put((byte) STALE).putLong(stale.clientId()).putLong(stale.sequence())
                    .putLong(stale.latestSequence()).array();
        }
        KvResult.SessionExpired expired = (KvResult.SessionExpired) result;
        return ByteBuffer.allocate(17).put((byte) SESSION_EXPIRED).putLong(expired.clientId())
                .putLong(expired.sequence()).array();
    }

    /** Decodes one result; throws {@link IllegalArgumentException} on malformed input. */
    public static KvResult decode(byte[] bytes, int valueBytesMax) {
        ByteReader in = new ByteReader(bytes);
        KvResult result = read(in, valueBytesMax);
        in.expectEnd("result");
        return result;
    }

    private static KvResult read(ByteReader in, int valueBytesMax) {
        int tag = in.u8("result tag");
        return switch (tag) {
            case OK -> new KvResult.Ok(optional(in, valueBytesMax));
            case NOT_FOUND -> KvResult.NotFound.INSTANCE;
            case CAS_MISMATCH -> new KvResult.CasMismatch(optional(in, valueBytesMax));
            case REJECTED -> new KvResult.Rejected(in.utf8(in.u16("reason length"), "reason"));
            case STALE -> new KvResult.Stale(in.i64("client id"), in.i64("sequence"), in.i64("latest sequence"));
            case SESSION_EXPIRED -> new KvResult.SessionExpired(in.i64("client id"), in.i64("sequence"));
            default -> throw new IllegalArgumentException("unknown result tag " + tag);
        };
    }

    private static byte[] optional(ByteReader in, int valueBytesMax) {
        int present = in.u8("presence flag");
        if (present > 1) {
            throw new IllegalArgumentException("presence flag must be 0 or 1, got " + present);
        }
        return present == 0 ? null : in.bytes(in.length("value length", valueBytesMax), "value");
    }

    private static byte[] optionalBytes(int tag, byte[] value) {
        if (value == null) {
            return new byte[] {(byte) tag, 0};
        }
        return ByteBuffer.allocate(6 + value.length).put((byte) tag).put((byte) 1).putInt(value.length).put(value)
                .array();
    }

    /** The reason's UTF-8, cut at a character boundary so the result stays bounded and decodable. */
    private static byte[] reasonBytes(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= REASON_BYTES_MAX) {
            return bytes;
        }
        int end = REASON_BYTES_MAX;
        while ((bytes[end] & 0xc0) == 0x80) {
            end--; // step back off UTF-8 continuation bytes
        }
        byte[] cut = new byte[end];
        System.arraycopy(bytes, 0, cut, 0, end);
        return cut;
    }
}
