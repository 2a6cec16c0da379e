package titan.node.kv;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The replicated key-value map with client sessions. Pure and deterministic: the same entries
 * applied in the same order with the same {@link KvConfig} give the same results and the same
 * {@link #snapshot()} bytes on every replica. Not thread-safe: one driver owns it.
 *
 * <p><b>Sessions</b> (dissertation §6.3). Each client id has a session holding the newest sequence
 * applied for it and that request's result. A command with that same sequence is a retry and gets
 * the cached result without being applied again; an older sequence gets {@link KvResult.Stale}; a
 * newer one is applied and cached. A session is created by a request with sequence 1 only; any
 * other sequence without a session gets {@link KvResult.SessionExpired}, because its session may
 * have been evicted after applying it. Sessions beyond {@link KvConfig#sessionCountMax()} are
 * evicted least-recently-used first, where "used" is the log index of the session's latest
 * command, so every replica evicts the same ones. One hazard remains, as in the dissertation:
 * a retry of a session's <em>first</em> request that arrives after the session was evicted is
 * applied again; keep {@code sessionCountMax} well above the number of active clients.
 *
 * <p><b>Snapshot format</b> (big-endian, keys sorted by {@link String#compareTo}, sessions by client
 * id, so equal states give equal bytes):
 * <pre>
 *  +-------+-----+------------+----------+-------------+--------------+-----------------+--------+
 *  | magic | ver | appliedIdx | keyCount | pairs ...   | sessionCount | sessions ...    | crc32c |
 *  | TKVS  | 1 B | 8 B        | u32      |             | u32          |                 | 4 B    |
 *  +-------+-----+------------+----------+-------------+--------------+-----------------+--------+
 *   pair:    keyLen u16 | key UTF-8 | valueLen u32 | value
 *   session: clientId 8 B | sequence 8 B | lastIndex 8 B | resultLen u32 | result ({@link KvResultCodec})
 *   crc32c:  CRC32C of every byte before it
 * </pre>
 */
public final class KvStateMachine {
    private static final byte[] MAGIC = {'T', 'K', 'V', 'S'};
    private static final int VERSION = 1;
    private static final int FIXED_BYTES = MAGIC.length + 1 + 8 + 4 + 4 + 4;

    /** A client session: its newest sequence, that request's result, and when it was last used. */
    private record Session(long sequence, KvResult result, long lastIndex) {}

    private final KvConfig config;
    private final KvCommandCodec codec;
    private Map<String, byte[]> data = new HashMap<>();
    /** Ordered least recently used first; insertion order equals lastIndex order. */
    private LinkedHashMap<Long, Session> sessions = new LinkedHashMap<>();
    private long appliedIndex;

    public KvStateMachine(KvConfig config) {
        this.config = config;
        this.codec = new KvCommandCodec(config.valueBytesMax());
    }

    public KvConfig config() {
        return config;
    }

    /** The codec whose limits match this machine; proposers should encode with it. */
    public KvCommandCodec codec() {
        return codec;
    }

    /** The index of the last entry applied (or skipped), 0 for a fresh machine. */
    public long appliedIndex() {
        return appliedIndex;
    }

    /**
     * Applies the command entry at {@code index}. Must be called once per command entry, in log
     * order: {@code index} must be above {@link #appliedIndex()} (throws {@link IllegalStateException}
     * otherwise, a driver bug). Never throws on the bytes: a malformed or oversized command is
     * answered {@link KvResult.Rejected} and changes nothing but the applied index.
     */
    public KvResult apply(long index, byte[] command) {
        advanceTo(index);
        KvCommand decoded;
        try {
            decoded = codec.decode(command);
        } catch (IllegalArgumentException e) {
            return new KvResult.Rejected("malformed command: " + e.getMessage());
        }
        return config.noDedup() ? execute(decoded) : applyInSession(index, decoded);
    }

    /**
     * Records that entries up to {@code index} that carry no command (no-ops, membership changes)
     * have been applied, so {@link #appliedIndex()} and snapshots stay aligned with the log.
     */
    public void skipTo(long index) {
        advanceTo(index);
    }

    /**
     * The current value of {@code key}, for reads served after ReadIndex (dissertation §6.4). The
     * array is owned by the machine and must not be modified.
     */
    public Optional<byte[]> get(String key) {
        return Optional.ofNullable(data.get(key));
    }

    public int keyCount() {
        return data.size();
    }

    public int sessionCount() {
        return sessions.size();
    }

    private void advanceTo(long index) {
        if (index <= appliedIndex) {
            throw new IllegalStateException("entry " + index + " applied after entry " + appliedIndex
                    + ": each index must be applied once, in order");
        }
        appliedIndex = index;
    }

    // ---- sessions (dissertation §6.3) ----

    private KvResult applyInSession(long index, KvCommand command) {
        long clientId = command.clientId();
        Session session = sessions.remove(clientId); // re-inserted below: moves it to the young end
        if (session == null) {
            if (command.sequence() != 1) {
                return new KvResult.SessionExpired(clientId, command.sequence());
            }
            return remember(clientId, command.sequence(), execute(command), index);
        }
        if (command.sequence() < session.sequence()) {
            sessions.put(clientId, new Session(session.sequence(), session.result(), index));
            return new KvResult.Stale(clientId, command.sequence(), session.sequence());
        }
        if (command.sequence() == session.sequence()) {
            sessions.put(clientId, new Session(session.sequence(), session.result(), index));
            return session.result(); // a retry: answered from the cache, not applied again
        }
        return remember(clientId, command.sequence(), execute(command), index);
    }

    private KvResult remember(long clientId, long sequence, KvResult result, long index) {
        sessions.put(clientId, new Session(sequence, result, index));
        evictBeyond(sessions, config.sessionCountMax());
        return result;
    }

    private static void evictBeyond(LinkedHashMap<Long, Session> sessions, int countMax) {
        Iterator<Long> oldestFirst = sessions.keySet().iterator();
        while (sessions.size() > countMax) {
            oldestFirst.next();
            oldestFirst.remove();
        }
    }

    // ---- commands ----

    private KvResult execute(KvCommand command) {
        if (command instanceof KvCommand.Put put) {
            data.put(put.key(), put.value());
            return KvResult.Ok.WRITTEN;
        } else if (command instanceof KvCommand.Delete delete) {
            return data.remove(delete.key()) == null ? KvResult.NotFound.INSTANCE : KvResult.Ok.WRITTEN;
        } else if (command instanceof KvCommand.Cas cas) {
            return compareAndSet(cas);
        } else if (command instanceof KvCommand.Append append) {
            return append(append);
        }
        byte[] value = data.get(command.key());
        return value == null ? KvResult.NotFound.INSTANCE : new KvResult.Ok(value);
    }

    private KvResult compareAndSet(KvCommand.Cas cas) {
        byte[] current = data.get(cas.key());
        if (!Arrays.equals(current, cas.expected())) { // null equals null: "must be absent" holds
            return new KvResult.CasMismatch(current);
        }
        data.put(cas.key(), cas.value());
        return KvResult.Ok.WRITTEN;
    }

    private KvResult append(KvCommand.Append append) {
        byte[] current = data.getOrDefault(append.key(), new byte[0]);
        long length = (long) current.length + append.suffix().length;
        if (length > config.valueBytesMax()) {
            return new KvResult.Rejected("append would make the value " + length + " bytes, over valueBytesMax "
                    + config.valueBytesMax());
        }
        byte[] joined = Arrays.copyOf(current, (int) length);
        System.arraycopy(append.suffix(), 0, joined, current.length, append.suffix().length);
        data.put(append.key(), joined);
        return KvResult.Ok.WRITTEN;
    }

    // ---- snapshots ----

    /** The whole state (map, sessions, applied index) in the format drawn in the class comment. */
    public byte[] snapshot() {
        List<Map.Entry<String, byte[]>> pairs = new ArrayList<>(data.entrySet());
        pairs.sort(Map.Entry.comparingByKey());
        List<Map.Entry<Long, Session>> byClient = new ArrayList<>(sessions.entrySet());
        byClient.sort(Map.Entry.comparingByKey());
        List<byte[]> keys = new ArrayList<>(pairs.size());
        List<byte[]> results = new ArrayList<>(byClient.size());
        long size = FIXED_BYTES;
        for (Map.Entry<String, byte[]> pair : pairs) {
            byte[] key = pair.getKey().getBytes(StandardCharsets.UTF_8);
            keys.add(key);
            size += 2 + key.length + 4 + pair.getValue().length;
        }
        for (Map.Entry<Long, Session> session : byClient) {
            byte[] result = KvResultCodec.encode(session.getValue().result());
            results.add(result);
            size += 8 + 8 + 8 + 4 + result.length;
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("state of " + size + " bytes does not fit one snapshot array");
        }
        ByteBuffer out = ByteBuffer.allocate((int) size);
        out.put(MAGIC).put((byte) VERSION).putLong(appliedIndex).putInt(pairs.size());
        for (int i = 0; i < pairs.size(); i++) {
            byte[] value = pairs.get(i).getValue();
            out.putShort((short) keys.get(i).length).put(keys.get(i)).putInt(value.length).put(value);
        }
        out.putInt(byClient.size());
        for (int i = 0; i < byClient.size(); i++) {
            Session s = byClient.get(i).getValue();
            out.putLong(byClient.get(i).getKey()).putLong(s.sequence()).putLong(s.lastIndex());
            out.putInt(results.get(i).length).put(results.get(i));
        }
        out.putInt(crc32c(out.array(), out.position()));
        return out.array();
    }

    /**
     * Replaces the whole state by {@code snapshot} (from {@link #snapshot()} on any replica).
     * Throws {@link IllegalArgumentException} naming the problem (checksum mismatch, bad magic,
     * truncation) on a corrupt snapshot, and then leaves this machine unchanged.
     */
    public void restore(byte[] snapshot) {
        if (snapshot.length < FIXED_BYTES) {
            throw new IllegalArgumentException("corrupt kv snapshot: " + snapshot.length + " bytes is shorter than "
                    + "the " + FIXED_BYTES + "-byte minimum");
        }
        int bodyBytes = snapshot.length - 4;
        int stored = ByteBuffer.wrap(snapshot, bodyBytes, 4).getInt();
        int computed = crc32c(snapshot, bodyBytes);
        if (stored != computed) {
            throw new IllegalArgumentException(String.format("corrupt kv snapshot: checksum mismatch (stored %08x, "
                    + "computed %08x over %d bytes)", stored, computed, bodyBytes));
        }
        try {
            readSnapshot(new ByteReader(snapshot, bodyBytes));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("corrupt kv snapshot: " + e.getMessage(), e);
        }
    }

    private void readSnapshot(ByteReader in) {
        byte[] magic = in.bytes(MAGIC.length, "magic");
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IllegalArgumentException("not a kv snapshot (magic " + ByteText.of(magic) + ")");
        }
        int version = in.u8("version");
        if (version != VERSION) {
            throw new IllegalArgumentException("unsupported snapshot version " + version);
        }
        long index = in.i64("applied index");
        int keyCount = in.count("key count", 2 + 1 + 4);
        Map<String, byte[]> newData = new HashMap<>(keyCount * 2);
        for (int i = 0; i < keyCount; i++) {
            String key = in.utf8(in.u16("key length"), "key");
            newData.put(key, in.bytes(in.length("value length", Integer.MAX_VALUE), "value"));
        }
        int sessionCount = in.count("session count", 8 + 8 + 8 + 4 + 1);
        List<Map.Entry<Long, Session>> restored = new ArrayList<>(sessionCount);
        for (int i = 0; i < sessionCount; i++) {
            long clientId = in.i64("client id");
            long sequence = in.i64("sequence");
            long lastIndex = in.i64("last index");
            byte[] result = in.bytes(in.length("result length", Integer.MAX_VALUE), "result");
            restored.add(Map.entry(clientId, new Session(sequence, KvResultCodec.decode(result, Integer.MAX_VALUE),
                    lastIndex)));
        }
        in.expectEnd("snapshot");
        restored.sort(Comparator.comparingLong(e -> e.getValue().lastIndex()));
        LinkedHashMap<Long, Session> newSessions = new LinkedHashMap<>();
        restored.forEach(e -> newSessions.put(e.getKey(), e.getValue()));
        evictBeyond(newSessions, config.sessionCountMax());
        data = newData;
        sessions = newSessions;
        appliedIndex = index;
    }

    private static int crc32c(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }
}
