package titan.node.storage;

import java.util.zip.CRC32C;
import titan.raft.Entry;
import titan.raft.EntryType;
import titan.raft.HardState;
import titan.raft.NodeId;

/**
 * The write-ahead-log record format, shared by {@link FileLogStore} and the simulator's disk, and
 * the scan that recovers records from raw bytes. All integers are big-endian.
 * <pre>
 *  +------------+------------+------+----------------------------+
 *  | length u32 | crc32c u32 | type | payload                    |
 *  | 4 B        | 4 B        | 1 B  | length - 1 B               |
 *  +------------+------------+------+----------------------------+
 *   length   bytes of type + payload, 1..RECORD_BYTES_MAX
 *   crc32c   CRC32C of the length field, the type and the payload: a flipped length bit is caught too
 *
 *   type 1 ENTRY       term 8 B | index 8 B | entryType u8 (1 COMMAND, 2 NOOP, 3 MEMBERSHIP) | data ...
 *   type 2 HARD_STATE  term 8 B | votedFor i32 (0: none) | commitIndex 8 B
 * </pre>
 * There is no truncation record: an entry record replaces every entry at or after its index, so
 * replaying the records in order rebuilds the log with the §5.3 overwrites already applied.
 *
 * <p><b>Recovery rule.</b> Records are read in order. The first record that is incomplete or fails
 * its checksum ends the log. If no valid record follows it anywhere in the rest of the bytes, it is
 * a torn tail (a crash during an unsynced write) and is cut off silently. If a valid record does
 * follow, the damage is in the middle: data that was once complete is now broken, and recovery
 * refuses with a {@link CorruptLogException} naming the source and offset. A record whose checksum
 * holds but whose content is impossible (unknown type, bad sizes) is always corruption.
 */
public final class WalCodec {
    public static final int HEADER_BYTES = 8;
    /** Large enough for a 1 MiB value many times over; small enough to refuse a garbage length. */
    public static final int RECORD_BYTES_MAX = 64 << 20;
    static final int ENTRY = 1;
    static final int HARD_STATE = 2;
    static final int ENTRY_FIXED_BYTES = 1 + 8 + 8 + 1;
    static final int HARD_STATE_BYTES = 1 + 8 + 4 + 8;

    private WalCodec() {}

    /** Receives each valid record with its offset. */
    @FunctionalInterface
    public interface RecordVisitor {
        void visit(WalRecord record, long offset);
    }

    /**
     * The outcome of a scan.
     *
     * @param validBytes the length of the prefix made of whole, valid records
     * @param tornBytes  the bytes after it, a torn tail to cut off (0 if none)
     */
    public record Scan(int validBytes, int tornBytes) {}

    /**
     * Visits every valid record in {@code bytes[0, length)} in order and reports where the valid
     * prefix ends. Throws {@link CorruptLogException} (naming {@code source}) on corruption in the
     * middle, as the class comment defines it.
     */
    public static Scan scan(byte[] bytes, int length, String source, RecordVisitor visitor) {
        CRC32C crc = new CRC32C();
        int at = 0;
        while (at < length) {
            String problem = problemAt(bytes, at, length, crc);
            if (problem != null) {
                int next = nextValidRecord(bytes, at + 1, length, crc);
                if (next >= 0) {
                    throw new CorruptLogException(source, at, problem + ", yet a valid record follows at offset "
                            + next + " (damage in the middle of the log, not a torn tail)");
                }
                return new Scan(at, length - at);
            }
            int recordLength = readInt(bytes, at);
            visitor.visit(decode(bytes, at, recordLength, source), at);
            at += HEADER_BYTES + recordLength;
        }
        return new Scan(length, 0);
    }

    /** Why no valid record starts at {@code at}, or {@code null} if one does. */
    private static String problemAt(byte[] bytes, int at, int limit, CRC32C crc) {
        if (limit - at < HEADER_BYTES) {
            return "incomplete record header (" + (limit - at) + " of " + HEADER_BYTES + " bytes)";
        }
        long length = readInt(bytes, at) & 0xffffffffL;
        if (length < 1 || length > RECORD_BYTES_MAX) {
            return "impossible record length " + length;
        }
        if (length > limit - at - HEADER_BYTES) {
            return "incomplete record (" + (limit - at - HEADER_BYTES) + " of " + length + " bytes)";
        }
        int stored = readInt(bytes, at + 4);
        int computed = checksum(crc, bytes, at, (int) length);
        if (stored != computed) {
            return String.format("checksum mismatch (stored %08x, computed %08x)", stored, computed);
        }
        return null;
    }

    /**
     * The offset of the first valid record at or after {@code from}, or -1. Only runs after a bad
     * record, so its cost (a checksum attempt per byte offset) is paid on the failure path only;
     * most offsets fail the cheap length test.
     */
    private static int nextValidRecord(byte[] bytes, int from, int limit, CRC32C crc) {
        for (int at = from; at + HEADER_BYTES < limit; at++) {
            if (problemAt(bytes, at, limit, crc) == null) {
                return at;
            }
        }
        return -1;
    }

    static int checksum(CRC32C crc, byte[] bytes, int recordStart, int length) {
        crc.reset();
        crc.update(bytes, recordStart, 4);
        crc.update(bytes, recordStart + HEADER_BYTES, length);
        return (int) crc.getValue();
    }

    private static WalRecord decode(byte[] bytes, int at, int length, String source) {
        int p = at + HEADER_BYTES;
        int type = bytes[p] & 0xff;
        if (type == ENTRY && length >= ENTRY_FIXED_BYTES) {
            long term = readLong(bytes, p + 1);
            long index = readLong(bytes, p + 9);
            EntryType entryType = entryType(bytes[p + 17] & 0xff, source, at);
            byte[] data = new byte[length - ENTRY_FIXED_BYTES];
            System.arraycopy(bytes, p + ENTRY_FIXED_BYTES, data, 0, data.length);
            try {
                return new WalRecord.EntryRecord(new Entry(term, index, entryType, data));
            } catch (IllegalArgumentException e) {
                throw new CorruptLogException(source, at, "impossible entry: " + e.getMessage());
            }
        }
        if (type == HARD_STATE && length == HARD_STATE_BYTES) {
            long term = readLong(bytes, p + 1);
            int votedFor = readInt(bytes, p + 9);
            long commitIndex = readLong(bytes, p + 13);
            try {
                return new WalRecord.HardStateRecord(new HardState(term, votedFor == 0 ? null : NodeId.of(votedFor),
                        commitIndex));
            } catch (IllegalArgumentException e) {
                throw new CorruptLogException(source, at, "impossible hard state: " + e.getMessage());
            }
        }
        throw new CorruptLogException(source, at, "record of type " + type + " and length " + length
                + " passes its checksum but is not a known record (written by a newer version?)");
    }

    static int entryTypeCode(EntryType type) {
        return switch (type) {
            case COMMAND -> 1;
            case NOOP -> 2;
            case MEMBERSHIP -> 3;
        };
    }

    private static EntryType entryType(int code, String source, int at) {
        return switch (code) {
            case 1 -> EntryType.COMMAND;
            case 2 -> EntryType.NOOP;
            case 3 -> EntryType.MEMBERSHIP;
            default -> throw new CorruptLogException(source, at, "unknown entry type " + code);
        };
    }

    static int readInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    static long readLong(byte[] b, int at) {
        return (long) readInt(b, at) << 32 | (readInt(b, at + 4) & 0xffffffffL);
    }
}
