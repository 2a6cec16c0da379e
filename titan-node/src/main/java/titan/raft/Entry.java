package titan.raft;

import java.util.Arrays;

/**
 * One Raft log entry. The {@code data} array is owned by the entry and must not be modified after
 * construction; equality is by value.
 */
public record Entry(long term, long index, EntryType type, byte[] data) {
    private static final byte[] EMPTY = new byte[0];

    public Entry {
        if (term <= 0 || index <= 0) {
            throw new IllegalArgumentException("entries have positive term and index: term=" + term + " index=" + index);
        }
        if (type == null) {
            throw new IllegalArgumentException("entry type is required");
        }
        data = data == null ? EMPTY : data;
    }

    public static Entry command(long term, long index, byte[] data) {
        return new Entry(term, index, EntryType.COMMAND, data);
    }

    public static Entry noop(long term, long index) {
        return new Entry(term, index, EntryType.NOOP, EMPTY);
    }

    /** The number of bytes this entry counts for in batching and flow-control limits. */
    public int sizeBytes() {
        return data.length + 24;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Entry other && term == other.term && index == other.index
                && type == other.type && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return ((Long.hashCode(term) * 31 + Long.hashCode(index)) * 31 + type.hashCode()) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Entry[" + index + "@" + term + " " + type + " " + data.length + "B]";
    }
}
