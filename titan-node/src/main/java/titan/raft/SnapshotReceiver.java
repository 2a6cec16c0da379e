package titan.raft;

import java.util.Arrays;

/**
 * A follower's buffer for a snapshot arriving in chunks (§7: "create new snapshot file if first
 * chunk; write data into snapshot file at given offset"). Chunks must arrive in order; anything
 * else is answered with the offset the receiver expects.
 */
final class SnapshotReceiver {
    private final SnapshotMeta meta;
    private byte[] data = new byte[1024];
    private int size;

    SnapshotReceiver(SnapshotMeta meta) {
        this.meta = meta;
    }

    SnapshotMeta meta() {
        return meta;
    }

    long size() {
        return size;
    }

    void append(byte[] chunk) {
        if (size + chunk.length > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, size + chunk.length));
        }
        System.arraycopy(chunk, 0, data, size, chunk.length);
        size += chunk.length;
    }

    Snapshot finish() {
        return new Snapshot(meta, Arrays.copyOf(data, size));
    }
}
