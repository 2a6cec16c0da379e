package titan.client;

/**
 * The honest outcome of one client call. Every call ends in exactly one of three kinds:
 * <pre>
 *   definite success    Ok, NotFound, CasMismatch      the operation took effect (CasMismatch: the
 *                                                      comparison took effect and failed)
 *   definite failure    Failed                         the operation did NOT take effect, ever
 *   unknown             Indeterminate                  it may have taken effect, now or later
 *                                                      (timeout, connection lost after sending, ...)
 * </pre>
 * A history records Ok/NotFound/CasMismatch as {@code ok} (or {@code fail} for a cas mismatch),
 * Failed as {@code fail}, Indeterminate as {@code info}. Never turn Indeterminate into Failed.
 *
 * <p>A read has no effect, so a history may record an indeterminate read as {@code fail}; the client
 * still reports it as Indeterminate, because it cannot tell whether the read was served.
 */
public sealed interface Outcome {
    /** The node that answered (or was last tried), e.g. {@code n2}; null when no node was involved. */
    String node();

    /** Success; {@code value} is the value read (null for writes). */
    record Ok(byte[] value, String node) implements Outcome {}

    /** A read or delete found no such key. */
    record NotFound(String node) implements Outcome {}

    /** A cas found {@code current} (null: absent) instead of the expected value; nothing was written. */
    record CasMismatch(byte[] current, String node) implements Outcome {}

    /** Definitely not applied, with the reason (no leader reachable, refused, too large, bad request, ...). */
    record Failed(String reason, String node) implements Outcome {}

    /** May or may not have been applied. */
    record Indeterminate(String reason, String node) implements Outcome {}
}
