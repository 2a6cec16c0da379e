package titan.node.kv;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A bounds-checked big-endian reader over a byte array. Every failure is an
 * {@link IllegalArgumentException} that names the field and the offset, so a decoder built on it
 * never throws anything else on hostile input.
 */
final class ByteReader {
    private final byte[] bytes;
    private final int limit;
    private int at;

    ByteReader(byte[] bytes, int limit) {
        this.bytes = bytes;
        this.limit = limit;
    }

    ByteReader(byte[] bytes) {
        this(bytes, bytes.length);
    }

    int offset() {
        return at;
    }

    int remaining() {
        return limit - at;
    }

    int u8(String field) {
        need(1, field);
        return bytes[at++] & 0xff;
    }

    int u16(String field) {
        need(2, field);
        int v = (bytes[at] & 0xff) << 8 | (bytes[at + 1] & 0xff);
        at += 2;
        return v;
    }

    int i32(String field) {
        need(4, field);
        int v = (bytes[at] & 0xff) << 24 | (bytes[at + 1] & 0xff) << 16 | (bytes[at + 2] & 0xff) << 8
                | (bytes[at + 3] & 0xff);
        at += 4;
        return v;
    }

    long i64(String field) {
        need(8, field);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (bytes[at + i] & 0xff);
        }
        at += 8;
        return v;
    }

    /** Reads a u32 length and checks it against {@code max} and against the bytes that are left. */
    int length(String field, int max) {
        int start = at;
        long length = i32(field) & 0xffffffffL;
        if (length > max) {
            throw new IllegalArgumentException(field + " of " + length + " bytes at offset " + start + " is over the "
                    + max + "-byte limit");
        }
        return (int) length;
    }

    /** Reads a u32 count of items that each take at least {@code itemBytesMin} of the bytes left. */
    int count(String field, int itemBytesMin) {
        int start = at;
        long count = i32(field) & 0xffffffffL;
        if (count * itemBytesMin > limit - at) {
            throw new IllegalArgumentException(field + " " + count + " at offset " + start + " cannot fit in the "
                    + (limit - at) + " bytes left");
        }
        return (int) count;
    }

    byte[] bytes(int count, String field) {
        need(count, field);
        byte[] out = new byte[count];
        System.arraycopy(bytes, at, out, 0, count);
        at += count;
        return out;
    }

    /** Reads {@code count} bytes of strict UTF-8: malformed sequences and surrogates are refused. */
    String utf8(int count, String field) {
        need(count, field);
        int start = at;
        at += count;
        if (isAscii(start, count)) {
            return new String(bytes, start, count, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, start, count))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(field + " at offset " + start + " is not valid UTF-8");
        }
    }

    void expectEnd(String what) {
        if (at != limit) {
            throw new IllegalArgumentException(what + " has " + (limit - at) + " trailing bytes at offset " + at);
        }
    }

    private boolean isAscii(int start, int count) {
        for (int i = start; i < start + count; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }

    private void need(int count, String field) {
        if (count > limit - at) {
            throw new IllegalArgumentException("truncated: " + field + " needs " + count + " bytes at offset " + at
                    + ", " + (limit - at) + " left");
        }
    }
}
