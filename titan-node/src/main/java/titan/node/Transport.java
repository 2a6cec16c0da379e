package titan.node;

import titan.raft.Message;

/** Carries Raft messages between peers. */
public interface Transport {
    /**
     * Sends {@code message} to {@code message.to()} at most once.
     * <p>Must not block the caller and must not throw: a lost message is indistinguishable from a
     * dropped packet, and Raft retries on its own.
     */
    void send(Message message);

    /**
     * Sends a round of messages, as {@link #send} does each; an implementation may put the whole
     * round on the wire at once (one write and flush per peer). Same contract as {@link #send}.
     */
    default void sendAll(java.util.Collection<? extends Message> messages) {
        for (Message m : messages) {
            send(m);
        }
    }
}
