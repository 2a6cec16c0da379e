package titan.node.storage;

import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import titan.raft.Entry;
import titan.raft.HardState;

/**
 * A growable byte array of encoded WAL records ({@link WalCodec}). The file store batches a group
 * commit in one and writes it with one call; the simulated disk keeps its whole content in one.
 * Growth doubles, so appending costs amortized O(record size), never a copy of the whole buffer.
 * Not thread-safe.
 */
public final class WalBuffer {
    private final CRC32C crc = new CRC32C();
    private byte[] bytes;
    private int length;

    public WalBuffer(int initialBytes) {
        bytes = new byte[Math.max(initialBytes, 64)];
    }

    /** The backing array; bytes {@code [0, length())} are valid. Valid until the next append. */
    public byte[] array() {
        return bytes;
    }

    public int length() {
        return length;
    }

    /** Encodes {@code entry} as one record; throws {@link IllegalArgumentException} if it is too large. */
    public void appendEntry(Entry entry) {
        long recordBytes = (long) WalCodec.ENTRY_FIXED_BYTES + entry.data().length;
        if (recordBytes > WalCodec.RECORD_BYTES_MAX) {
            throw new IllegalArgumentException("entry " + entry.index() + " of " + entry.data().length
                    + " bytes is over the WAL record limit of " + WalCodec.RECORD_BYTES_MAX + " bytes");
        }
        int start = begin((int) recordBytes);
        putByte(WalCodec.ENTRY);
        putLong(entry.term());
        putLong(entry.index());
        putByte(WalCodec.entryTypeCode(entry.type()));
        System.arraycopy(entry.data(), 0, bytes, length, entry.data().length);
        length += entry.data().length;
        seal(start);
    }

    /**
     * Encodes every entry, or none: if one is too large, throws {@link IllegalArgumentException}
     * and leaves the buffer as it was, so a refused batch never leaves a partial write behind.
     */
    public void appendEntries(List<Entry> entries) {
        int mark = length;
        try {
            for (Entry e : entries) {
                appendEntry(e);
            }
        } catch (IllegalArgumentException e) {
            truncate(mark);
            throw e;
        }
    }

    public void appendHardState(HardState state) {
        int start = begin(WalCodec.HARD_STATE_BYTES);
        putByte(WalCodec.HARD_STATE);
        putLong(state.term());
        putInt(state.votedFor() == null ? 0 : state.votedFor().value());
        putLong(state.commitIndex());
        seal(start);
    }

    /** Drops everything from {@code newLength} on. */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate " + length + " bytes to " + newLength);
        }
        length = newLength;
    }

    public void clear() {
        length = 0;
    }

    /** Appends raw bytes, e.g. a recovered disk image. */
    public void appendRaw(byte[] source, int offset, int count) {
        ensure(count);
        System.arraycopy(source, offset, bytes, length, count);
        length += count;
    }

    private int begin(int recordBytes) {
        ensure(WalCodec.HEADER_BYTES + recordBytes);
        int start = length;
        putInt(recordBytes);
        length += 4; // the checksum, filled in by seal()
        return start;
    }

    private void seal(int start) {
        int recordBytes = length - start - WalCodec.HEADER_BYTES;
        int checksum = WalCodec.checksum(crc, bytes, start, recordBytes);
        int end = length;
        length = start + 4;
        putInt(checksum);
        length = end;
    }

    private void ensure(int extra) {
        long needed = (long) length + extra;
        if (needed > bytes.length) {
            if (needed > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("WAL buffer cannot grow past 2 GiB");
            }
            bytes = Arrays.copyOf(bytes, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(needed, 2L * bytes.length)));
        }
    }

    private void putByte(int v) {
        bytes[length++] = (byte) v;
    }

    private void putInt(int v) {
        bytes[length] = (byte) (v >>> 24);
        bytes[length + 1] = (byte) (v >>> 16);
        bytes[length + 2] = (byte) (v >>> 8);
        bytes[length + 3] = (byte) v;
        length += 4;
    }

    private void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }
}
