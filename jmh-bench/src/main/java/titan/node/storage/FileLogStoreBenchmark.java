package titan.node.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import titan.raft.Entry;
import titan.raft.HardState;
import titan.raft.Membership;
import titan.raft.Snapshot;
import titan.raft.SnapshotMeta;
import titan.sim.SimDisk;

/**
 * Group commit in {@link FileLogStore}, on a real disk: each invocation appends {@code batch}
 * entries of {@code entryBytes}, saves the hard state and syncs once, as the node's driver does
 * for one Ready. The score is batches per second; the auxiliary counters {@code entries} and
 * {@code fsyncs} give entries/s and fsyncs/s. The fsync is the point: at batch 1 the score is the
 * device's flush rate, and the entries/s at larger batches show what grouping buys (measured earlier on an idle machine of this kind: about 10-15K flushes/s here, hundreds of thousands of entries/s in
 * batches of 100-1000). A regression to one write or one flush per entry shows as a 10-100x drop.
 *
 * <p>{@link #baselineWriteAndForce} writes the same bytes to a plain file with one write and one
 * force per batch: the device's floor, so the difference is what the WAL's records, CRCs, segments
 * and hard state add. {@link #simDiskAppendAndSync} runs the same calls on the simulator's in-memory
 * {@link LogStore} ({@code SimDisk}, same record format, no I/O): the CPU cost of the format alone.
 *
 * <p>Pitfalls guarded against: the log is compacted (a snapshot every {@value #COMPACT_EVERY}
 * entries, counted as an fsync like any other) and segments are small, so the disk does not fill
 * and the measurement does not drift with the file size; the temporary directory is on the disk
 * the JVM's {@code java.io.tmpdir} names (a tmpfs there would make the fsync free: pass
 * {@code -jvmArgsAppend -Djava.io.tmpdir=DIR} to measure another disk); the last index is
 * returned so nothing is eliminated.
 *
 * <p><b>A planted regression.</b> {@code -jvmArgsAppend -Dtitan.bench.syncPerEntry=true} makes the
 * log-store benchmarks sync after each entry instead of once per batch (the device baseline is left
 * alone): what a regression from group commit to one fsync per write would cost. The figures keep
 * their names, so {@code titan-lab gate} compares such a run with a baseline and must fail it
 * (docs/benchmarks.md shows it once).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FileLogStoreBenchmark {
    static final int COMPACT_EVERY = 200_000;
    static final boolean SYNC_PER_ENTRY = Boolean.getBoolean("titan.bench.syncPerEntry");
    private static final long SEGMENT_BYTES = 16L << 20;
    private static final long RAW_FILE_BYTES_MAX = 64L << 20;

    @Param({"1", "10", "100", "1000"})
    int batch;

    @Param({"256"})
    int entryBytes;

    private Path directory;
    private FileLogStore store;
    private SimDisk simDisk;
    private long simLastIndex;
    private long simLastSnapshotIndex;
    private FileChannel raw;
    private ByteBuffer rawBatch;
    private byte[] data;
    private long lastIndex;
    private long lastSnapshotIndex;

    /** Per-iteration counts that JMH turns into rates (entries/s, fsyncs/s) beside the score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long entries;
        public long fsyncs;

        @Setup(Level.Iteration)
        public void reset() {
            entries = 0;
            fsyncs = 0;
        }
    }

    @Setup(Level.Trial)
    public void open() throws IOException {
        directory = Files.createTempDirectory("titan-wal-bench");
        store = new FileLogStore(directory.resolve("wal"), SEGMENT_BYTES);
        store.recover();
        raw = FileChannel.open(directory.resolve("raw.bin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        rawBatch = ByteBuffer.allocateDirect(batch * entryBytes);
        data = new byte[entryBytes];
        lastIndex = 0;
        lastSnapshotIndex = 0;
        simDisk = new SimDisk("bench");
        simDisk.recover();
        simLastIndex = 0;
        simLastSnapshotIndex = 0;
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        store.close();
        raw.close();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Benchmark
    public long appendAndSync(Counters counters) {
        lastIndex = appendBatch(store, lastIndex, counters);
        if (lastIndex - lastSnapshotIndex >= COMPACT_EVERY) {
            compact(store, lastIndex, counters);
            lastSnapshotIndex = lastIndex;
        }
        return lastIndex;
    }

    /** The same calls on the in-memory store: what the record format costs without the device. */
    @Benchmark
    public long simDiskAppendAndSync(Counters counters) {
        simLastIndex = appendBatch(simDisk, simLastIndex, counters);
        if (simLastIndex - simLastSnapshotIndex >= COMPACT_EVERY) {
            compact(simDisk, simLastIndex, counters);
            simLastSnapshotIndex = simLastIndex;
        }
        return simLastIndex;
    }

    private long appendBatch(LogStore target, long last, Counters counters) {
        if (SYNC_PER_ENTRY) {
            for (int i = 1; i <= batch; i++) {
                target.append(List.of(Entry.command(1, last + i, data)));
                target.saveHardState(new HardState(1, null, last + i));
                target.sync();
                counters.fsyncs++;
            }
            counters.entries += batch;
            return last + batch;
        }
        List<Entry> entries = new ArrayList<>(batch);
        for (int i = 1; i <= batch; i++) {
            entries.add(Entry.command(1, last + i, data));
        }
        target.append(entries);
        long newLast = last + batch;
        target.saveHardState(new HardState(1, null, newLast));
        target.sync();
        counters.entries += batch;
        counters.fsyncs++;
        return newLast;
    }

    private void compact(LogStore target, long index, Counters counters) {
        target.saveSnapshot(new Snapshot(new SnapshotMeta(index, 1, Membership.ofVoters(3)), data));
        counters.fsyncs++;
    }

    /** The device's floor: the same bytes in one write and one force per batch, no WAL format. */
    @Benchmark
    public long baselineWriteAndForce(Counters counters) {
        try {
            if (raw.position() >= RAW_FILE_BYTES_MAX) {
                raw.truncate(0);
                raw.position(0);
            }
            rawBatch.clear();
            while (rawBatch.hasRemaining()) {
                raw.write(rawBatch);
            }
            raw.force(false);
            counters.fsyncs++;
            counters.entries += batch;
            return raw.position();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
