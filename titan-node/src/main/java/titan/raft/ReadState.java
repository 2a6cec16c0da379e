package titan.raft;

/**
 * The outcome of a ReadIndex request (dissertation §6.4). When {@code confirmed}, the driver may
 * serve the read once its state machine has applied {@code readIndex}. When not confirmed, the
 * read was dropped (this peer lost leadership before a quorum confirmed it) and definitely did
 * not happen; the client may retry elsewhere.
 */
public record ReadState(long requestId, long readIndex, boolean confirmed) {
    public static ReadState confirmed(long requestId, long readIndex) {
        return new ReadState(requestId, readIndex, true);
    }

    public static ReadState dropped(long requestId) {
        return new ReadState(requestId, 0, false);
    }
}
