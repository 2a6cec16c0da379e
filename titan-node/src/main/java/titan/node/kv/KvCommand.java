package titan.node.kv;

import java.util.Arrays;
import java.util.Objects;

/**
 * A command for the key-value state machine. Every command names a client session: the client's
 * id and the sequence number of this request within it (dissertation §6.3). A client must start
 * each session at sequence 1, raise the sequence for every new request, and resend a request it
 * is unsure about with the same sequence; the state machine then applies it at most once.
 *
 * <p>Keys are 1 to 1024 bytes of UTF-8 (checked here); values are checked against
 * {@link KvConfig#valueBytesMax()} by the codec and the state machine. Byte arrays are owned by the
 * command and must not be modified after construction.
 */
public sealed interface KvCommand {
    long clientId();

    /** The request's number within the client's session, from 1. */
    long sequence();

    String key();

    /** Sets {@code key} to {@code value}. */
    record Put(long clientId, long sequence, String key, byte[] value) implements KvCommand {
        public Put {
            checkCommon(sequence, key);
            Objects.requireNonNull(value, "value");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Put p && clientId == p.clientId && sequence == p.sequence && key.equals(p.key)
                    && Arrays.equals(value, p.value);
        }

        @Override
        public int hashCode() {
            return Objects.hash(clientId, sequence, key) * 31 + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Put[" + clientId + "#" + sequence + " " + key + "=" + ByteText.of(value) + "]";
        }
    }

    /** Removes {@code key}; deleting a missing key is answered {@link KvResult.NotFound}. */
    record Delete(long clientId, long sequence, String key) implements KvCommand {
        public Delete {
            checkCommon(sequence, key);
        }
    }

    /**
     * Sets {@code key} to {@code value} only if its current value equals {@code expected}, where a
     * {@code null} expected value means the key must be absent.
     */
    record Cas(long clientId, long sequence, String key, byte[] expected, byte[] value) implements KvCommand {
        public Cas {
            checkCommon(sequence, key);
            Objects.requireNonNull(value, "value");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Cas c && clientId == c.clientId && sequence == c.sequence && key.equals(c.key)
                    && Arrays.equals(expected, c.expected) && Arrays.equals(value, c.value);
        }

        @Override
        public int hashCode() {
            return (Objects.hash(clientId, sequence, key) * 31 + Arrays.hashCode(expected)) * 31
                    + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Cas[" + clientId + "#" + sequence + " " + key + " " + ByteText.of(expected) + "->"
                    + ByteText.of(value) + "]";
        }
    }

    /** Appends {@code suffix} to the value of {@code key}; a missing key is treated as empty. */
    record Append(long clientId, long sequence, String key, byte[] suffix) implements KvCommand {
        public Append {
            checkCommon(sequence, key);
            Objects.requireNonNull(suffix, "suffix");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Append a && clientId == a.clientId && sequence == a.sequence && key.equals(a.key)
                    && Arrays.equals(suffix, a.suffix);
        }

        @Override
        public int hashCode() {
            return Objects.hash(clientId, sequence, key) * 31 + Arrays.hashCode(suffix);
        }

        @Override
        public String toString() {
            return "Append[" + clientId + "#" + sequence + " " + key + "+=" + ByteText.of(suffix) + "]";
        }
    }

    /**
     * Reads {@code key} through the log. Linearizable but slow (a log write per read); kept as the
     * baseline that ReadIndex reads ({@link KvStateMachine#get(String)}) are compared against.
     */
    record Get(long clientId, long sequence, String key) implements KvCommand {
        public Get {
            checkCommon(sequence, key);
        }
    }

    private static void checkCommon(long sequence, String key) {
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence numbers start at 1, got " + sequence);
        }
        Keys.check(key);
    }
}
