package titan.node.kv;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The binary form of a {@link KvCommand}, the payload of a Raft log entry. All integers are
 * big-endian; every length is checked against its limit before anything is allocated.
 * <pre>
 *  +------+-----------+-----------+---------+-------------+----------------------+
 *  | op   | clientId  | sequence  | keyLen  | key (UTF-8) | body (depends on op) |
 *  | 1 B  | 8 B       | 8 B       | u16     | keyLen B    |                      |
 *  +------+-----------+-----------+---------+-------------+----------------------+
 *   op 1 PUT     valueLen u32 | value
 *   op 2 DELETE  (empty)
 *   op 3 CAS     hasExpected u8 (0|1) | [expectedLen u32 | expected] | valueLen u32 | value
 *   op 4 APPEND  suffixLen u32 | suffix
 *   op 5 GET     (empty)
 *
 *   keyLen 1..1024; every value length &lt;= valueBytesMax; no trailing bytes.
 * </pre>
 * A changed layout must take a new op code, never reuse one: entries stay in logs and snapshots
 * across upgrades. Thread-safe (stateless apart from the limit).
 */
public final class KvCommandCodec {
    static final int PUT = 1;
    static final int DELETE = 2;
    static final int CAS = 3;
    static final int APPEND = 4;
    static final int GET = 5;
    private static final int HEADER_BYTES = 1 + 8 + 8 + 2;

    private final int valueBytesMax;

    public KvCommandCodec(int valueBytesMax) {
        if (valueBytesMax < 0) {
            throw new IllegalArgumentException("valueBytesMax must not be negative: " + valueBytesMax);
        }
        this.valueBytesMax = valueBytesMax;
    }

    public int valueBytesMax() {
        return valueBytesMax;
    }

    /**
     * Encodes {@code command}. Throws {@link IllegalArgumentException} when a value is over
     * {@code valueBytesMax}, so an oversized command is refused before it reaches the log.
     */
    public byte[] encode(KvCommand command) {
        byte[] key = command.key().getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + key.length + bodyBytes(command));
        out.put((byte) opCode(command)).putLong(command.clientId()).putLong(command.sequence());
        out.putShort((short) key.length).put(key);
        if (command instanceof KvCommand.Put put) {
            putValue(out, put.value(), "value");
        } else if (command instanceof KvCommand.Cas cas) {
            out.put((byte) (cas.expected() == null ? 0 : 1));
            if (cas.expected() != null) {
                putValue(out, cas.expected(), "expected value");
            }
            putValue(out, cas.value(), "value");
        } else if (command instanceof KvCommand.Append append) {
            putValue(out, append.suffix(), "suffix");
        }
        return out.array();
    }

    /**
     * Decodes one command. Throws {@link IllegalArgumentException} with the reason and offset on an
     * unknown op code, truncated input, an oversized length, bad UTF-8 or trailing bytes; never
     * anything else.
     */
    public KvCommand decode(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        int op = in.u8("op code");
        long clientId = in.i64("client id");
        long sequence = in.i64("sequence");
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence numbers start at 1, got " + sequence);
        }
        int keyLength = in.u16("key length");
        if (keyLength < 1 || keyLength > Keys.KEY_BYTES_MAX) {
            throw new IllegalArgumentException("key length " + keyLength + " is outside 1.." + Keys.KEY_BYTES_MAX);
        }
        String key = in.utf8(keyLength, "key");
        KvCommand command = switch (op) {
            case PUT -> new KvCommand.Put(clientId, sequence, key, value(in, "value"));
            case DELETE -> new KvCommand.Delete(clientId, sequence, key);
            case CAS -> decodeCas(in, clientId, sequence, key);
            case APPEND -> new KvCommand.Append(clientId, sequence, key, value(in, "suffix"));
            case GET -> new KvCommand.Get(clientId, sequence, key);
            default -> throw new IllegalArgumentException("unknown op code " + op);
        };
        in.expectEnd("command");
        return command;
    }

    private KvCommand decodeCas(ByteReader in, long clientId, long sequence, String key) {
        int hasExpected = in.u8("CAS expected-value flag");
        if (hasExpected > 1) {
            throw new IllegalArgumentException("CAS expected-value flag must be 0 or 1, got " + hasExpected);
        }
        byte[] expected = hasExpected == 1 ? value(in, "expected value") : null;
        return new KvCommand.Cas(clientId, sequence, key, expected, value(in, "value"));
    }

    private byte[] value(ByteReader in, String field) {
        return in.bytes(in.length(field + " length", valueBytesMax), field);
    }

    private void putValue(ByteBuffer out, byte[] value, String field) {
        if (value.length > valueBytesMax) {
            throw new IllegalArgumentException(field + " of " + value.length + " bytes is over valueBytesMax "
                    + valueBytesMax);
        }
        out.putInt(value.length).put(value);
    }

    private static int opCode(KvCommand command) {
        if (command instanceof KvCommand.Put) {
            return PUT;
        } else if (command instanceof KvCommand.Delete) {
            return DELETE;
        } else if (command instanceof KvCommand.Cas) {
            return CAS;
        } else if (command instanceof KvCommand.Append) {
            return APPEND;
        }
        return GET;
    }

    private static int bodyBytes(KvCommand command) {
        if (command instanceof KvCommand.Put put) {
            return 4 + put.value().length;
        } else if (command instanceof KvCommand.Cas cas) {
            return 1 + (cas.expected() == null ? 0 : 4 + cas.expected().length) + 4 + cas.value().length;
        } else if (command instanceof KvCommand.Append append) {
            return 4 + append.suffix().length;
        }
        return 0;
    }
}
