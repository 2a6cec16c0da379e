package titan.raft;

/** The identity of one Titan server. Small positive integers; shown as {@code n1}, {@code n2}, … */
public record NodeId(int value) implements Comparable<NodeId> {
    public NodeId {
        if (value <= 0) {
            throw new IllegalArgumentException("node ids are positive: " + value);
        }
    }

    public static NodeId of(int value) {
        return new NodeId(value);
    }

    /** Parses {@code n3} or {@code 3}. */
    public static NodeId parse(String text) {
        String digits = text.startsWith("n") ? text.substring(1) : text;
        try {
            return new NodeId(Integer.parseInt(digits));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a node id: '" + text + "' (expected n1, n2, ...)");
        }
    }

    @Override
    public int compareTo(NodeId other) {
        return Integer.compare(value, other.value);
    }

    @Override
    public String toString() {
        return "n" + value;
    }
}
