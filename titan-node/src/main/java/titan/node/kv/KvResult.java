package titan.node.kv;

import java.util.Arrays;
import java.util.Objects;

/**
 * The outcome of applying one log entry to the {@link KvStateMachine}. Every replica computes the
 * same result for the same entry, so any replica's answer may be returned to the client.
 *
 * <p>How a client must read each outcome:
 * <pre>
 *   Ok, NotFound, CasMismatch   the command took effect (or, for CasMismatch, definitely did not)
 *   Rejected                    the command definitely did not take effect
 *   Stale, SessionExpired       this copy did nothing, but the request's fate is UNKNOWN: another
 *                               copy of it may have been applied earlier (or may still be in the
 *                               log); report it as indeterminate, never as failed
 * </pre>
 */
public sealed interface KvResult {
    /**
     * The command took effect. {@code value} is the value read by a {@link KvCommand.Get} and
     * {@code null} for writes: writes do not echo values, so that the session cache stays small.
     */
    record Ok(byte[] value) implements KvResult {
        public static final Ok WRITTEN = new Ok(null);

        @Override
        public boolean equals(Object o) {
            return o instanceof Ok ok && Arrays.equals(value, ok.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return value == null ? "Ok" : "Ok[" + ByteText.of(value) + "]";
        }
    }

    /** A {@link KvCommand.Get} or {@link KvCommand.Delete} found no such key. */
    record NotFound() implements KvResult {
        public static final NotFound INSTANCE = new NotFound();
    }

    /** A {@link KvCommand.Cas} found {@code current} ({@code null}: absent) instead of the expected value. */
    record CasMismatch(byte[] current) implements KvResult {
        @Override
        public boolean equals(Object o) {
            return o instanceof CasMismatch m && Arrays.equals(current, m.current);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(current);
        }

        @Override
        public String toString() {
            return "CasMismatch[current=" + ByteText.of(current) + "]";
        }
    }

    /**
     * The entry was refused without effect: it could not be decoded, a value was over the limit, or
     * an append would grow a value past it. Deterministic, so every replica refuses it alike.
     */
    record Rejected(String reason) implements KvResult {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The request's sequence is older than the newest one its session has seen, so its cached result
     * is gone. Its fate is unknown to the state machine (see the class comment).
     */
    record Stale(long clientId, long sequence, long latestSequence) implements KvResult {}

    /**
     * No session exists for the client and the request is not the session's first (sequence 1): the
     * session was evicted, or the client's first request never reached the log. Applying it could
     * apply a retry twice, so it is refused; the client must start a new session (a new client id).
     */
    record SessionExpired(long clientId, long sequence) implements KvResult {}
}
