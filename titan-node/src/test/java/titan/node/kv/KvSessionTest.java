package titan.node.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Client sessions (dissertation §6.3): exactly-once retries, stale requests, deterministic eviction. */
class KvSessionTest {
    private final KvStateMachine kv = new KvStateMachine(new KvConfig(1024, 3, false));
    private long index;

    @Test
    void aRetryIsAnsweredFromTheCacheAndAppliedOnce() {
        // The Jepsen lost-update story: an append is retried after a timeout; both copies reach the log.
        assertThat(apply(new KvCommand.Append(7, 1, "k", bytes("x")))).isEqualTo(KvResult.Ok.WRITTEN);
        assertThat(apply(new KvCommand.Append(7, 1, "k", bytes("x")))).isEqualTo(KvResult.Ok.WRITTEN);
        assertThat(value("k")).isEqualTo("x");
        assertThat(apply(new KvCommand.Append(7, 2, "k", bytes("y")))).isEqualTo(KvResult.Ok.WRITTEN);
        assertThat(value("k")).isEqualTo("xy");
    }

    @Test
    void aRetriedReadReturnsTheFirstAnswerEvenAfterLaterWrites() {
        apply(new KvCommand.Put(1, 1, "k", bytes("old")));
        KvResult first = apply(new KvCommand.Get(2, 1, "k"));
        apply(new KvCommand.Put(1, 2, "k", bytes("new")));
        assertThat(apply(new KvCommand.Get(2, 1, "k"))).isEqualTo(first).isEqualTo(new KvResult.Ok(bytes("old")));
    }

    @Test
    void aRetriedCasMismatchStaysAMismatch() {
        apply(new KvCommand.Cas(1, 1, "k", bytes("a"), bytes("b")));
        apply(new KvCommand.Put(2, 1, "k", bytes("a")));
        assertThat(apply(new KvCommand.Cas(1, 1, "k", bytes("a"), bytes("b")))).isEqualTo(new KvResult.CasMismatch(null));
        assertThat(value("k")).isEqualTo("a");
    }

    @Test
    void anOlderSequenceIsStaleAndDoesNothing() {
        apply(new KvCommand.Put(7, 1, "k", bytes("a")));
        apply(new KvCommand.Put(7, 3, "k", bytes("c")));
        assertThat(apply(new KvCommand.Put(7, 2, "k", bytes("b")))).isEqualTo(new KvResult.Stale(7, 2, 3));
        assertThat(apply(new KvCommand.Put(7, 1, "k", bytes("a")))).isEqualTo(new KvResult.Stale(7, 1, 3));
        assertThat(value("k")).isEqualTo("c");
    }

    @Test
    void aSessionStartsOnlyAtSequenceOne() {
        // Without a session we cannot tell a fresh request from a retry whose session was evicted.
        assertThat(apply(new KvCommand.Put(7, 2, "k", bytes("a")))).isEqualTo(new KvResult.SessionExpired(7, 2));
        assertThat(kv.get("k")).isEmpty();
        assertThat(kv.sessionCount()).isZero();
    }

    @Test
    void theLeastRecentlyUsedSessionIsEvictedAndItsRetriesAreRefused() {
        // sessionCountMax is 3. Client 1 is used last by index 4 (a retry counts as use), so client 2 is oldest.
        apply(new KvCommand.Put(1, 1, "k", bytes("a")));
        apply(new KvCommand.Put(2, 1, "k", bytes("b")));
        apply(new KvCommand.Put(3, 1, "k", bytes("c")));
        apply(new KvCommand.Put(1, 1, "k", bytes("a")));
        apply(new KvCommand.Put(4, 1, "k", bytes("d")));
        assertThat(kv.sessionCount()).isEqualTo(3);
        assertThat(apply(new KvCommand.Put(2, 2, "k", bytes("b2")))).isEqualTo(new KvResult.SessionExpired(2, 2));
        assertThat(apply(new KvCommand.Put(1, 2, "k", bytes("a2")))).isEqualTo(KvResult.Ok.WRITTEN);
        assertThat(apply(new KvCommand.Put(3, 2, "k", bytes("c2")))).isEqualTo(KvResult.Ok.WRITTEN);
        assertThat(value("k")).isEqualTo("c2");
    }

    @Test
    void evictionIsTheSameOnEveryReplicaAndAfterRestore() {
        // Replica B restores a snapshot mid-way; both then evict the same session and agree byte for byte.
        KvStateMachine b = new KvStateMachine(kv.config());
        for (int client = 1; client <= 3; client++) {
            apply(new KvCommand.Put(client, 1, "k" + client, bytes("v")));
        }
        apply(new KvCommand.Get(1, 2, "k1"));
        b.restore(kv.snapshot());
        byte[] next = kv.codec().encode(new KvCommand.Put(9, 1, "k9", bytes("v")));
        kv.apply(++index, next);
        b.apply(index, next);
        assertThat(b.snapshot()).isEqualTo(kv.snapshot());
        byte[] evicted = kv.codec().encode(new KvCommand.Put(2, 2, "k2", bytes("w")));
        assertThat(kv.apply(++index, evicted)).isEqualTo(b.apply(index, evicted))
                .isEqualTo(new KvResult.SessionExpired(2, 2));
    }

    @Test
    void noDedupAppliesRetriesTwice() {
        // The unsafe no-dedup mode must really be unsafe, or the lab could not prove it catches it.
        KvStateMachine unsafe = new KvStateMachine(new KvConfig(1024, 3, true));
        byte[] append = unsafe.codec().encode(new KvCommand.Append(7, 1, "k", bytes("x")));
        unsafe.apply(1, append);
        unsafe.apply(2, append);
        assertThat(new String(unsafe.get("k").orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("xx");
        assertThat(unsafe.sessionCount()).isZero();
    }

    private KvResult apply(KvCommand command) {
        return kv.apply(++index, kv.codec().encode(command));
    }

    private String value(String key) {
        return kv.get(key).map(v -> new String(v, StandardCharsets.UTF_8)).orElse(null);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
