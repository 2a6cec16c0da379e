package titan.client;

/**
 * What one attempt of a call came back with, whichever protocol carried it. {@link ClientCore}
 * turns it into an {@link Outcome} or another attempt.
 */
sealed interface Answer {
    /** Success; the value read, or null for a write. */
    record Value(byte[] value) implements Answer {}

    /** A read or delete found no such key. */
    record Missing() implements Answer {}

    /** A cas found {@code current} (null: absent). */
    record Mismatch(byte[] current) implements Answer {}

    /** The node is not the leader; {@code leader} and its advertised {@code address} may be null. */
    record NotLeader(String leader, String address) implements Answer {}

    /** The server said the request definitely did not take effect (refused, rejected, bad request). */
    record Failure(String reason) implements Answer {}

    /** The session answered stale/expired: this copy did nothing (and it is the only copy: see ClientCore). */
    record Session(String reason) implements Answer {}

    /** It may or may not take effect: the server said so, or the connection was lost after sending. */
    record Unknown(String reason) implements Answer {}

    /** The request never left the client (connection refused, or closed before it was written). */
    record NotSent(String reason) implements Answer {}
}
