package titan.raft;

/**
 * A state-machine snapshot: its metadata and the state machine's serialized state. The data array
 * is owned by the snapshot and must not be modified.
 */
public record Snapshot(SnapshotMeta meta, byte[] data) {
    public Snapshot {
        data = data == null ? new byte[0] : data;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Snapshot s && meta.equals(s.meta) && java.util.Arrays.equals(data, s.data);
    }

    @Override
    public int hashCode() {
        return meta.hashCode() * 31 + java.util.Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Snapshot[" + meta.index() + "@" + meta.term() + " " + meta.membership() + " " + data.length + "B]";
    }
}
