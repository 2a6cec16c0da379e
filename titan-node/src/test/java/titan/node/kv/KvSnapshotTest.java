package titan.node.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Snapshot and restore of the whole state, sessions included, and detection of corrupt snapshots. */
class KvSnapshotTest {
    private static final KvConfig CONFIG = new KvConfig(64, 4, false);

    @Property
    void aRestoredMachineIsIndistinguishableFromTheOriginal(@ForAll("histories") List<KvCommand> history,
                                                            @ForAll("histories") List<KvCommand> future) {
        // Method: apply a random history, restore its snapshot into a fresh machine, then drive both
        // with the same random future. Equal results and equal bytes mean nothing was lost, sessions included.
        KvStateMachine original = new KvStateMachine(CONFIG);
        applyAll(original, history, 1);
        KvStateMachine restored = new KvStateMachine(CONFIG);
        restored.restore(original.snapshot());
        assertThat(restored.snapshot()).isEqualTo(original.snapshot());
        assertThat(restored.appliedIndex()).isEqualTo(original.appliedIndex());
        long index = original.appliedIndex() + 1;
        for (KvCommand command : future) {
            byte[] bytes = original.codec().encode(command);
            assertThat(restored.apply(index, bytes)).isEqualTo(original.apply(index, bytes));
            index++;
        }
        assertThat(restored.snapshot()).isEqualTo(original.snapshot());
    }

    @Provide
    Arbitrary<List<KvCommand>> histories() {
        // Few clients and small sequences, so retries, stale requests and evictions all happen.
        return KvGenerators.commands(KvGenerators.fewKeys(), Arbitraries.longs().between(1, 6),
                Arbitraries.longs().between(1, 4)).list().ofMaxSize(40);
    }

    @Test
    void equalStatesGiveEqualBytesWhateverTheInsertionOrder() {
        KvStateMachine a = new KvStateMachine(CONFIG);
        KvStateMachine b = new KvStateMachine(CONFIG);
        applyAll(a, List.of(new KvCommand.Put(1, 1, "x", new byte[] {1}), new KvCommand.Put(2, 1, "y", new byte[] {2})), 1);
        applyAll(b, List.of(new KvCommand.Put(2, 1, "y", new byte[] {2}), new KvCommand.Put(1, 1, "x", new byte[] {1})), 1);
        assertThat(a.get("x")).isPresent();
        assertThat(a.snapshot()).isNotEqualTo(b.snapshot()); // session last-use indexes differ: truly different
        KvStateMachine c = new KvStateMachine(CONFIG.withNoDedup(true));
        KvStateMachine d = new KvStateMachine(CONFIG.withNoDedup(true));
        applyAll(c, List.of(new KvCommand.Put(1, 1, "x", new byte[] {1}), new KvCommand.Put(2, 1, "y", new byte[] {2})), 1);
        applyAll(d, List.of(new KvCommand.Put(2, 1, "y", new byte[] {2}), new KvCommand.Put(1, 1, "x", new byte[] {1})), 1);
        assertThat(c.snapshot()).isEqualTo(d.snapshot());
    }

    @Test
    void everyFlippedBitIsDetectedAndLeavesTheMachineUnchanged() {
        KvStateMachine source = new KvStateMachine(CONFIG);
        applyAll(source, List.of(new KvCommand.Put(1, 1, "key", new byte[] {1, 2, 3}),
                new KvCommand.Get(2, 1, "key")), 1);
        byte[] snapshot = source.snapshot();
        KvStateMachine target = new KvStateMachine(CONFIG);
        applyAll(target, List.of(new KvCommand.Put(1, 1, "other", new byte[] {9})), 1);
        byte[] before = target.snapshot();
        for (int bit = 0; bit < snapshot.length * 8; bit++) {
            byte[] corrupt = snapshot.clone();
            corrupt[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThatThrownBy(() -> target.restore(corrupt)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("corrupt kv snapshot");
        }
        assertThat(target.snapshot()).isEqualTo(before);
    }

    @Test
    void truncatedAndForeignSnapshotsAreRefusedClearly() {
        KvStateMachine source = new KvStateMachine(CONFIG);
        applyAll(source, List.of(new KvCommand.Put(1, 1, "key", new byte[] {1, 2, 3})), 1);
        byte[] snapshot = source.snapshot();
        KvStateMachine target = new KvStateMachine(CONFIG);
        assertThatThrownBy(() -> target.restore(new byte[3])).hasMessageContaining("shorter than");
        assertThatThrownBy(() -> target.restore(Arrays.copyOf(snapshot, snapshot.length - 1)))
                .hasMessageContaining("checksum mismatch");
        byte[] foreign = "not a snapshot, but with a valid checksum".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = Arrays.copyOf(foreign, foreign.length + 4);
        CRC32C crc = new CRC32C();
        crc.update(foreign);
        ByteBuffer.wrap(sealed).putInt(foreign.length, (int) crc.getValue());
        assertThatThrownBy(() -> target.restore(sealed)).hasMessageContaining("not a kv snapshot");
    }

    private static void applyAll(KvStateMachine kv, List<KvCommand> commands, long firstIndex) {
        long index = firstIndex;
        for (KvCommand command : commands) {
            kv.apply(index++, kv.codec().encode(command));
        }
    }
}
