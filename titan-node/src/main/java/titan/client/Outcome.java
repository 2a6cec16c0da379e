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
 */
public sealed interface Outcome {
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
