package titan.node.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import titan.raft.Entry;
import titan.raft.EntryType;
import titan.raft.HardState;
import titan.raft.NodeId;

/** The WAL record format and the recovery rule: torn tails are cut, damage in the middle is refused. */
class WalCodecTest {

    @Property
    void recordsRoundTripInOrder(@ForAll("records") List<WalRecord> records) {
        WalBuffer buffer = encode(records);
        List<WalRecord> decoded = new ArrayList<>();
        WalCodec.Scan scan = WalCodec.scan(buffer.array(), buffer.length(), "test", (r, offset) -> decoded.add(r));
        assertThat(decoded).isEqualTo(records);
        assertThat(scan).isEqualTo(new WalCodec.Scan(buffer.length(), 0));
    }

    @Property
    void anyCutKeepsExactlyTheWholeRecordsBeforeIt(@ForAll("records") List<WalRecord> records,
                                                   @ForAll @IntRange(max = 100_000) int cutSeed) {
        // A crash may stop the byte stream anywhere; what survives must be the records wholly before the cut.
        WalBuffer buffer = encode(records);
        int cut = cutSeed % (buffer.length() + 1);
        List<WalRecord> decoded = new ArrayList<>();
        WalCodec.Scan scan = WalCodec.scan(buffer.array(), cut, "test", (r, offset) -> decoded.add(r));
        int whole = 0;
        int end = 0;
        for (WalRecord r : records) {
            int next = end + encode(List.of(r)).length();
            if (next > cut) {
                break;
            }
            end = next;
            whole++;
        }
        assertThat(decoded).isEqualTo(records.subList(0, whole));
        assertThat(scan).isEqualTo(new WalCodec.Scan(end, cut - end));
    }

    @Provide
    Arbitrary<List<WalRecord>> records() {
        Arbitrary<WalRecord> entry = Combinators.combine(Arbitraries.longs().between(1, Long.MAX_VALUE),
                Arbitraries.longs().between(1, Long.MAX_VALUE), Arbitraries.of(EntryType.class),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40))
                .as((term, index, type, data) -> new WalRecord.EntryRecord(new Entry(term, index, type, data)));
        Arbitrary<WalRecord> hardState = Combinators.combine(Arbitraries.longs().between(0, Long.MAX_VALUE),
                Arbitraries.integers().between(0, 9), Arbitraries.longs().between(0, Long.MAX_VALUE))
                .as((term, vote, commit) -> new WalRecord.HardStateRecord(
                        new HardState(term, vote == 0 ? null : NodeId.of(vote), commit)));
        return Arbitraries.oneOf(entry, hardState).list().ofMaxSize(8);
    }

    @Test
    void layoutMatchesTheDrawing() {
        WalBuffer buffer = new WalBuffer(64);
        buffer.appendEntry(Entry.command(2, 3, new byte[] {9}));
        byte[] b = Arrays.copyOf(buffer.array(), buffer.length());
        ByteBuffer in = ByteBuffer.wrap(b);
        assertThat(in.getInt(0)).isEqualTo(1 + 8 + 8 + 1 + 1);
        CRC32C crc = new CRC32C();
        crc.update(b, 0, 4);
        crc.update(b, 8, b.length - 8);
        assertThat(in.getInt(4)).isEqualTo((int) crc.getValue());
        assertThat(b[8]).isEqualTo((byte) 1);
        assertThat(in.getLong(9)).isEqualTo(2);
        assertThat(in.getLong(17)).isEqualTo(3);
        assertThat(b[25]).isEqualTo((byte) 1);
        assertThat(b[26]).isEqualTo((byte) 9);
    }

    @Test
    void everyFlippedBitInTheLastRecordIsATornTailAndInAnEarlierOneIsCorruption() {
        WalBuffer buffer = encode(List.of(entry(1), entry(2), entry(3)));
        int recordBytes = buffer.length() / 3;
        for (int bit = 0; bit < buffer.length() * 8; bit++) {
            byte[] bytes = Arrays.copyOf(buffer.array(), buffer.length());
            bytes[bit / 8] ^= (byte) (1 << (bit % 8));
            int damaged = bit / 8 / recordBytes;
            if (damaged == 2) {
                List<WalRecord> decoded = new ArrayList<>();
                WalCodec.Scan scan = WalCodec.scan(bytes, bytes.length, "wal", (r, o) -> decoded.add(r));
                assertThat(decoded).as("bit %d", bit).hasSize(2);
                assertThat(scan.validBytes()).isEqualTo(2 * recordBytes);
            } else {
                assertThatThrownBy(() -> WalCodec.scan(bytes, bytes.length, "wal", (r, o) -> { }))
                        .as("bit %d", bit).isInstanceOf(CorruptLogException.class)
                        .hasMessageStartingWith("wal is corrupt at offset " + damaged * recordBytes);
            }
        }
    }

    @Test
    void zerosAfterTheLastRecordAreATornTail() {
        // File systems may leave zero-filled blocks after a crash that extended the file.
        WalBuffer buffer = encode(List.of(entry(1)));
        byte[] bytes = Arrays.copyOf(buffer.array(), buffer.length() + 4096);
        WalCodec.Scan scan = WalCodec.scan(bytes, bytes.length, "wal", (r, o) -> { });
        assertThat(scan).isEqualTo(new WalCodec.Scan(buffer.length(), 4096));
    }

    @Test
    void aRecordWithAValidChecksumButUnknownContentIsCorruptionEvenAtTheEnd() {
        byte[] record = sealed(new byte[] {7, 1, 2, 3});
        assertThatThrownBy(() -> WalCodec.scan(record, record.length, "wal", (r, o) -> { }))
                .isInstanceOf(CorruptLogException.class).hasMessageContaining("type 7");
        byte[] badHardState = sealed(new byte[] {2, 0, 0});
        assertThatThrownBy(() -> WalCodec.scan(badHardState, badHardState.length, "wal", (r, o) -> { }))
                .isInstanceOf(CorruptLogException.class).hasMessageContaining("not a known record");
        byte[] zeroIndex = sealed(ByteBuffer.allocate(18).put((byte) 1).putLong(1).putLong(0).put((byte) 1).array());
        assertThatThrownBy(() -> WalCodec.scan(zeroIndex, zeroIndex.length, "wal", (r, o) -> { }))
                .isInstanceOf(CorruptLogException.class).hasMessageContaining("impossible entry");
    }

    @Test
    void oversizedEntriesAreRefusedBeforeTheyAreWritten() {
        WalBuffer buffer = new WalBuffer(64);
        assertThatThrownBy(() -> buffer.appendEntry(Entry.command(1, 1, new byte[WalCodec.RECORD_BYTES_MAX])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("over the WAL record limit");
        assertThat(buffer.length()).isZero();
    }

    /** A record with a correct length and checksum around an arbitrary body. */
    private static byte[] sealed(byte[] body) {
        byte[] out = ByteBuffer.allocate(8 + body.length).putInt(body.length).putInt(0).put(body).array();
        CRC32C crc = new CRC32C();
        crc.update(out, 0, 4);
        crc.update(out, 8, body.length);
        ByteBuffer.wrap(out).putInt(4, (int) crc.getValue());
        return out;
    }

    private static WalRecord entry(long index) {
        return new WalRecord.EntryRecord(Entry.command(1, index, new byte[] {1, 2, 3}));
    }

    private static WalBuffer encode(List<WalRecord> records) {
        WalBuffer buffer = new WalBuffer(16);
        for (WalRecord r : records) {
            if (r instanceof WalRecord.EntryRecord e) {
                buffer.appendEntry(e.entry());
            } else {
                buffer.appendHardState(((WalRecord.HardStateRecord) r).hardState());
            }
        }
        return buffer;
    }
}
