package titan.node.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import titan.raft.Entry;
import titan.raft.HardState;
import titan.raft.NodeId;

/** The {@link LogStore} contract on a real directory, plus what only files have: tearing, corruption, segments. */
class FileLogStoreTest extends LogStoreContract {
    /** Small segments, so that the contract tests roll and delete segments too. */
    private static final long SEGMENT_BYTES = 4096;

    @TempDir
    Path temp;
    private int stores;

    @Override
    protected LogStore newStore() {
        return new FileLogStore(temp.resolve("store-" + ++stores), SEGMENT_BYTES);
    }

    @Override
    protected LogStore reopen(LogStore store) {
        store.close();
        return new FileLogStore(((FileLogStore) store).directory(), SEGMENT_BYTES);
    }

    @Test
    void aTornLastRecordIsCutAtEveryByteOffset() throws IOException {
        // Method: write three entries, then for every cut inside the last record copy the prefix into a
        // fresh directory and recover. A crash can stop a write anywhere; each cut must lose only entry 3.
        Path source = temp.resolve("whole");
        try (FileLogStore store = new FileLogStore(source)) {
            store.recover();
            store.append(entries(1, 1, 3));
            store.sync();
        }
        byte[] wal = Files.readAllBytes(onlySegment(source));
        int lastRecordStart = wal.length - recordBytes(entry(1, 3));
        for (int cut = lastRecordStart; cut < wal.length; cut++) {
            Path dir = Files.createDirectory(temp.resolve("cut-" + cut));
            Files.write(dir.resolve(onlySegment(source).getFileName()), Arrays.copyOf(wal, cut));
            try (FileLogStore store = new FileLogStore(dir)) {
                RecoveredState state = store.recover();
                assertThat(state.entries()).as("cut at %d", cut).isEqualTo(entries(1, 1, 2));
                assertThat(state.tornTailBytes()).isEqualTo(cut - lastRecordStart);
                store.append(List.of(entry(2, 3))); // the log continues cleanly after the cut
                store.sync();
            }
            try (FileLogStore store = new FileLogStore(dir)) {
                assertThat(store.recover().entries()).isEqualTo(List.of(entry(1, 1), entry(1, 2), entry(2, 3)));
            }
        }
    }

    @Test
    void aLastRecordFailingItsChecksumIsATornTail() throws IOException {
        Path dir = temp.resolve("bitflip-tail");
        writeEntries(dir, 3);
        Path segment = onlySegment(dir);
        byte[] wal = Files.readAllBytes(segment);
        wal[wal.length - 1] ^= 1;
        Files.write(segment, wal);
        try (FileLogStore store = new FileLogStore(dir)) {
            RecoveredState state = store.recover();
            assertThat(state.entries()).isEqualTo(entries(1, 1, 2));
            assertThat(state.tornTailBytes()).isEqualTo(recordBytes(entry(1, 3)));
        }
        assertThat(Files.size(segment)).isEqualTo(wal.length - recordBytes(entry(1, 3)));
    }

    @Test
    void corruptionInTheMiddleIsRefusedWithTheFileAndOffset() throws IOException {
        // A flipped bit in entry 2 of 3 cannot come from a crash: entry 3 was written after it and is intact.
        Path dir = temp.resolve("bitflip-middle");
        writeEntries(dir, 3);
        Path segment = onlySegment(dir);
        byte[] wal = Files.readAllBytes(segment);
        int second = recordBytes(entry(1, 1));
        wal[second + 12] ^= 0x10;
        Files.write(segment, wal);
        try (FileLogStore store = new FileLogStore(dir)) {
            assertThatThrownBy(store::recover).isInstanceOfSatisfying(CorruptLogException.class, e -> {
                assertThat(e.source()).isEqualTo(segment.toString());
                assertThat(e.offset()).isEqualTo(second);
            }).hasMessageContaining(segment.getFileName().toString()).hasMessageContaining("offset " + second)
                    .hasMessageContaining("checksum mismatch").hasMessageContaining("valid record follows");
        }
        assertThat(Files.readAllBytes(segment)).isEqualTo(wal); // refused, not "repaired"
    }

    @Test
    void aDamagedLengthFieldInTheMiddleIsRefusedToo() throws IOException {
        // A length that points past the end looks like an incomplete record; the valid records after it say otherwise.
        Path dir = temp.resolve("length-middle");
        writeEntries(dir, 3);
        Path segment = onlySegment(dir);
        byte[] wal = Files.readAllBytes(segment);
        ByteBuffer.wrap(wal).putInt(0, 1 << 20);
        Files.write(segment, wal);
        try (FileLogStore store = new FileLogStore(dir)) {
            assertThatThrownBy(store::recover).isInstanceOf(CorruptLogException.class)
                    .hasMessageContaining("offset 0").hasMessageContaining("incomplete record");
        }
    }

    @Test
    void segmentsRollAtTheLimitAndCompactionDeletesCoveredOnes() throws IOException {
        Path dir = temp.resolve("segments");
        try (FileLogStore store = new FileLogStore(dir, 4096)) {
            store.recover();
            for (int batch = 0; batch < 20; batch++) {
                store.append(bigEntries(batch * 10 + 1, batch * 10 + 10));
                store.saveHardState(new HardState(1, NodeId.of(1), batch * 10));
                store.sync();
            }
            assertThat(segments(dir)).hasSizeGreaterThan(3);
            for (Path segment : segments(dir)) {
                assertThat(Files.size(segment)).isLessThanOrEqualTo(4096);
            }
            store.saveSnapshot(snapshot(150, 1, "s"));
            assertThat(segments(dir)).hasSizeLessThanOrEqualTo(3);
        }
        try (FileLogStore store = new FileLogStore(dir, 4096)) {
            RecoveredState state = store.recover();
            assertThat(state.entries()).isEqualTo(bigEntries(151, 200));
            assertThat(state.hardState()).isEqualTo(new HardState(1, NodeId.of(1), 190));
        }
    }

    @Test
    void aHardStateSavedOnceSurvivesTheDeletionOfItsSegment() throws IOException {
        // The vote is written once, into segment 1; compaction later deletes segment 1. Every new segment
        // opens with the current hard state, so the vote must still be recovered (Figure 2: never forget a vote).
        Path dir = temp.resolve("vote-survives");
        try (FileLogStore store = new FileLogStore(dir, 4096)) {
            store.recover();
            store.saveHardState(new HardState(7, NodeId.of(3), 0));
            for (int batch = 0; batch < 20; batch++) {
                store.append(bigEntries(batch * 10 + 1, batch * 10 + 10));
                store.sync();
            }
            store.saveSnapshot(snapshot(190, 1, "s"));
            assertThat(segments(dir).get(0).getFileName().toString()).isNotEqualTo("wal-00000000000000000001.log");
        }
        try (FileLogStore store = new FileLogStore(dir, 4096)) {
            RecoveredState state = store.recover();
            assertThat(state.hardState()).isEqualTo(new HardState(7, NodeId.of(3), 0));
            assertThat(state.entries()).isEqualTo(bigEntries(191, 200));
        }
    }

    @Test
    void aTornRecordInASegmentThatIsNotTheLastIsCorruption() throws IOException {
        Path dir = temp.resolve("torn-middle-segment");
        try (FileLogStore store = new FileLogStore(dir, 4096)) {
            store.recover();
            for (int batch = 0; batch < 10; batch++) {
                store.append(bigEntries(batch * 10 + 1, batch * 10 + 10));
                store.sync();
            }
        }
        Path first = segments(dir).get(0);
        byte[] bytes = Files.readAllBytes(first);
        Files.write(first, Arrays.copyOf(bytes, bytes.length - 3));
        try (FileLogStore store = new FileLogStore(dir, 4096)) {
            assertThatThrownBy(store::recover).isInstanceOf(CorruptLogException.class)
                    .hasMessageContaining(first.getFileName().toString()).hasMessageContaining("followed by another");
        }
    }

    @Test
    void aMissingSegmentIsCorruption() throws IOException {
        Path dir = temp.resolve("missing-segment");
        try (FileLogStore store = new FileLogStore(dir, 4096)) {
            store.recover();
            for (int batch = 0; batch < 10; batch++) {
                store.append(bigEntries(batch * 10 + 1, batch * 10 + 10));
                store.sync();
            }
        }
        Files.delete(segments(dir).get(1));
        try (FileLogStore store = new FileLogStore(dir, 4096)) {
            assertThatThrownBy(store::recover).isInstanceOf(CorruptLogException.class)
                    .hasMessageContaining("WAL segment 2 is missing");
        }
    }

    @Test
    void segmentsLeftBehindByAnInterruptedInstallAreIgnoredAndDeleted() throws IOException {
        // A crash right after the snapshot rename leaves the replaced segments on disk; recovery must not
        // resurrect their entries, which may conflict with the installed snapshot.
        Path dir = temp.resolve("install");
        byte[] oldSegment;
        Path oldName;
        try (FileLogStore store = new FileLogStore(dir)) {
            store.recover();
            store.append(entries(1, 1, 10));
            store.sync();
            oldName = onlySegment(dir);
            oldSegment = Files.readAllBytes(oldName);
            store.installSnapshot(snapshot(5, 2, "leader's"));
        }
        Files.write(oldName, oldSegment); // as if the deletion had not happened
        Files.write(dir.resolve("snapshot-00000000000000000009.snap.tmp"), new byte[] {1, 2, 3});
        try (FileLogStore store = new FileLogStore(dir)) {
            RecoveredState state = store.recover();
            assertThat(state.entries()).isEmpty();
            assertThat(state.snapshot().meta().index()).isEqualTo(5);
        }
        assertThat(oldName).doesNotExist();
        assertThat(dir.resolve("snapshot-00000000000000000009.snap.tmp")).doesNotExist();
    }

    @Test
    void aDamagedSnapshotFileIsRefused() throws IOException {
        Path dir = temp.resolve("bad-snapshot");
        try (FileLogStore store = new FileLogStore(dir)) {
            store.recover();
            store.append(entries(1, 1, 3));
            store.saveSnapshot(snapshot(2, 1, "data"));
        }
        Path snapshotFile;
        try (Stream<Path> files = Files.list(dir)) {
            snapshotFile = files.filter(p -> p.getFileName().toString().endsWith(".snap")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(snapshotFile);
        bytes[bytes.length / 2] ^= 1;
        Files.write(snapshotFile, bytes);
        try (FileLogStore store = new FileLogStore(dir)) {
            assertThatThrownBy(store::recover).isInstanceOf(CorruptLogException.class)
                    .hasMessageContaining(snapshotFile.getFileName().toString())
                    .hasMessageContaining("snapshot checksum mismatch");
        }
    }

    @Test
    void oneDirectoryCannotBeOpenedTwice() {
        Path dir = temp.resolve("locked");
        try (FileLogStore first = new FileLogStore(dir); FileLogStore second = new FileLogStore(dir)) {
            first.recover();
            assertThatThrownBy(second::recover).isInstanceOf(StorageException.class).hasMessageContaining("LOCK");
        }
        try (FileLogStore again = new FileLogStore(dir)) {
            assertThat(again.recover().entries()).isEmpty(); // closing released the lock
        }
    }

    @Test
    void anIoErrorSurfacesAsStorageException() throws IOException {
        Path notADirectory = Files.writeString(temp.resolve("plain-file"), "x");
        try (FileLogStore store = new FileLogStore(notADirectory)) {
            assertThatThrownBy(store::recover).isInstanceOf(StorageException.class)
                    .hasMessageContaining(notADirectory.toString());
        }
    }

    private static void writeEntries(Path dir, int count) {
        try (FileLogStore store = new FileLogStore(dir)) {
            store.recover();
            store.append(entries(1, 1, count));
            store.sync();
        }
    }

    /** Entries of 100-byte payloads, so that a few batches fill several 4 KiB segments. */
    private static List<Entry> bigEntries(long first, long last) {
        List<Entry> out = new ArrayList<>();
        for (long i = first; i <= last; i++) {
            byte[] data = new byte[100];
            data[0] = (byte) i;
            out.add(Entry.command(1, i, data));
        }
        return out;
    }

    private static int recordBytes(Entry entry) {
        WalBuffer buffer = new WalBuffer(64);
        buffer.appendEntry(entry);
        return buffer.length();
    }

    private static Path onlySegment(Path dir) throws IOException {
        List<Path> segments = segments(dir);
        assertThat(segments).hasSize(1);
        return segments.get(0);
    }

    private static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("wal-")).sorted().toList();
        }
    }
}
