package titan.node.storage;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;
import titan.raft.Membership;
import titan.raft.Snapshot;
import titan.raft.SnapshotMeta;

/**
 * The content of one snapshot file of a {@link FileLogStore}: the snapshot and where the log that
 * continues it starts.
 * <pre>
 *  +-------+-----+------------+--------------+-------+------+-----------------+------------+---------+------+--------+
 *  | magic | ver | generation | firstSegment | index | term | membershipBytes | membership | dataLen | data | crc32c |
 *  | TSNP  | 1 B | 8 B        | 8 B          | 8 B   | 8 B  | u32             |            | u32     |      | 4 B    |
 *  +-------+-----+------------+--------------+-------+------+-----------------+------------+---------+------+--------+
 *   membership: {@link Membership#encode()}; crc32c: CRC32C of every byte before it
 * </pre>
 *
 * @param generation   increases with every snapshot the store writes; the highest on disk is current
 * @param firstSegment the first WAL segment recovery must read; older ones are covered by this
 *                     snapshot (compaction) or replaced by it (install) and are deleted
 */
record SnapshotFile(long generation, long firstSegment, Snapshot snapshot) {
    private static final byte[] MAGIC = {'T', 'S', 'N', 'P'};
    private static final int VERSION = 1;
    private static final int FIXED_BYTES = MAGIC.length + 1 + 8 * 4 + 4 + 4 + 4;

    byte[] encode() {
        byte[] membership = snapshot.meta().membership().encode();
        byte[] data = snapshot.data();
        ByteBuffer out = ByteBuffer.allocate(FIXED_BYTES + membership.length + data.length);
        out.put(MAGIC).put((byte) VERSION).putLong(generation).putLong(firstSegment);
        out.putLong(snapshot.meta().index()).putLong(snapshot.meta().term());
        out.putInt(membership.length).put(membership).putInt(data.length).put(data);
        out.putInt(crc32c(out.array(), out.position()));
        return out.array();
    }

    /** Decodes a whole snapshot file; throws {@link CorruptLogException} naming {@code source} if damaged. */
    static SnapshotFile decode(byte[] bytes, String source) {
        if (bytes.length < FIXED_BYTES) {
            throw new CorruptLogException(source, 0, "snapshot file of " + bytes.length + " bytes is shorter than "
                    + FIXED_BYTES);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int stored = in.getInt(bytes.length - 4);
        int computed = crc32c(bytes, bytes.length - 4);
        if (stored != computed) {
            throw new CorruptLogException(source, 0, String.format("snapshot checksum mismatch (stored %08x, "
                    + "computed %08x)", stored, computed));
        }
        byte[] magic = new byte[MAGIC.length];
        in.get(magic);
        int version = in.get() & 0xff;
        if (!Arrays.equals(magic, MAGIC) || version != VERSION) {
            throw new CorruptLogException(source, 0, "not a version-" + VERSION + " Titan snapshot file");
        }
        try {
            long generation = in.getLong();
            long firstSegment = in.getLong();
            long index = in.getLong();
            long term = in.getLong();
            Membership membership = Membership.decode(slice(in, in.getInt()));
            byte[] data = slice(in, in.getInt());
            if (in.remaining() != 4) {
                throw new IllegalArgumentException(in.remaining() - 4 + " unexpected bytes before the checksum");
            }
            return new SnapshotFile(generation, firstSegment, new Snapshot(new SnapshotMeta(index, term, membership),
                    data));
        } catch (IllegalArgumentException | BufferUnderflowException e) {
            throw new CorruptLogException(source, in.position(), "impossible snapshot content: " + e);
        }
    }

    private static byte[] slice(ByteBuffer in, int length) {
        if (length < 0 || length > in.remaining() - 4) {
            throw new IllegalArgumentException("length " + length + " runs past the end");
        }
        byte[] out = new byte[length];
        in.get(out);
        return out;
    }

    private static int crc32c(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }
}
