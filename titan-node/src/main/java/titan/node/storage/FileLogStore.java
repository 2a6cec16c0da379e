package titan.node.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import titan.raft.Entry;
import titan.raft.HardState;
import titan.raft.Snapshot;
import titan.raft.SnapshotMeta;

/**
 * A {@link LogStore} in one directory: a segmented write-ahead log ({@link WalCodec} records) and
 * snapshot files ({@link SnapshotFile}).
 * <pre>
 *   dir/LOCK                              held while open: one process per directory
 *   dir/snapshot-00000000000000000007.snap  the current snapshot (generation 7); names firstSegment
 *   dir/wal-00000000000000000012.log      segments, numbered; read from firstSegment on, in order
 *   dir/wal-00000000000000000013.log      the active segment: appends go here
 * </pre>
 * <b>Group commit.</b> {@link #append} and {@link #saveHardState} encode records into one memory
 * buffer; {@link #sync()} writes the buffer with one call and forces the file once. (On these
 * machines one write per batch is what lifts 300 B records from ~0.5M/s to ~1.8M/s; see docs/benchmarks.md.)
 * A buffer that outgrows 1 MiB before a sync is written early, still without a force.
 *
 * <p><b>Segments.</b> When a write would take the active segment past {@code segmentBytesMax}, the
 * segment is forced and closed and a new one starts, opening with the current hard state. So
 * <em>every segment but the last is complete and durable</em> (damage in one is corruption, never a
 * torn tail), and the latest hard state is always in a segment that compaction keeps.
 *
 * <p><b>Snapshots.</b> Written to a temporary file, forced, renamed, then the directory is forced,
 * so a crash leaves the old or the new one. A snapshot file names the first segment recovery must
 * read: for compaction, the first segment with entries above the snapshot index; for an installed
 * snapshot, a fresh segment started just before it, so the replaced log is never read again.
 * Segments before that one are deleted (again at recovery, if a crash interrupted the deletion).
 *
 * <p><b>Power loss.</b> Recovery assumes a crash leaves a prefix of the unsynced writes, which holds
 * for a killed process. After a power failure the kernel may have written unsynced pages out of
 * order; a hole followed by valid unsynced records is then refused as corruption (with the offset),
 * not silently truncated: losing only unsynced data is safe, but telling that apart from real
 * damage is a decision left to an operator.
 *
 * <p><b>Power-loss emulation (fault injection).</b> A SIGKILL is not a power failure: the kernel
 * keeps a killed process's unsynced writes. As Jepsen's LazyFS does with a file system, the store
 * keeps a record of what is durable, the active segment's length at its last completed force (every
 * other segment is forced whole before the next one starts; snapshot files are atomic), and
 * {@link #losePower} cuts the active segment back to it, or to a prefix of the unsynced tail
 * ({@link PowerCut}), after which every write and force of this store fails. The caller then halts
 * the process. Writes and the recording of a completed force hold one lock that the cut also
 * holds, so a cut never interleaves with a write, and a force that the cut overtook is never
 * reported durable. Recovery forces the active segment it reopens, so what it read is durable. Not
 * modelled: deletions of obsolete files (unforced) that a real power failure could undo.
 */
public final class FileLogStore implements LogStore {
    public static final long SEGMENT_BYTES_MAX_DEFAULT = 64L << 20;
    private static final int WRITE_BUFFER_BYTES = 1 << 20;
    private static final Pattern SEGMENT_NAME = Pattern.compile("wal-(\\d{20})\\.log");
    private static final Pattern SNAPSHOT_NAME = Pattern.compile("snapshot-(\\d{20})\\.snap");
    private static final Pattern TEMP_NAME = Pattern.compile("snapshot-(\\d{20})\\.snap\\.tmp");
    private static final String TEMP_SUFFIX = ".tmp";

    /** One WAL segment file and the highest entry index it holds (0: none), for compaction. */
    private static final class Segment {
        final long number;
        final Path path;
        long entryIndexMax;

        Segment(long number, Path path) {
            this.number = number;
            this.path = path;
        }
    }

    private final Path directory;
    private final long segmentBytesMax;
    private final WalBuffer pending = new WalBuffer(1 << 16);
    private final ArrayList<Segment> segments = new ArrayList<>();
    private FileChannel lockChannel;
    private FileLock lock;
    private FileChannel active;
    private long activeBytes;
    private boolean activeDirty;
    private long pendingEntryIndexMax;
    /** The latest hard state saved; the one still only in {@code pending}; the latest handed to the OS. */
    private HardState hardState;
    private HardState pendingHardState;
    private HardState writtenHardState;
    private SnapshotMeta snapshotMeta;
    private long snapshotGeneration;
    private long lastIndex;
    private boolean open;
    /** Guards the fields below, every write to {@code active}, and {@link #losePower}. */
    private final Object powerLock = new Object();
    private Path activePath;
    /** The active segment's length at its last completed force: what a power failure keeps. */
    private long durableBytes;
    private boolean powerLost;
    private PowerCut armedCut;
    private RandomGenerator armedRandom;
    private Runnable armedHalt;
    /** The armed power loss waits for a sync that replaces entries ({@link #unsyncedOverwrite}). */
    private boolean armedOnOverwrite;
    /** Whether the writes since the last force replace an entry already in the log (a conflicting suffix, §5.3). */
    private volatile boolean unsyncedOverwrite;

    public FileLogStore(Path directory) {
        this(directory, SEGMENT_BYTES_MAX_DEFAULT);
    }

    /** Does no I/O: {@link #recover()} opens the directory, creating it if needed. */
    public FileLogStore(Path directory, long segmentBytesMax) {
        if (segmentBytesMax < 1024) {
            throw new IllegalArgumentException("segmentBytesMax must be at least 1 KiB: " + segmentBytesMax);
        }
        this.directory = directory;
        this.segmentBytesMax = segmentBytesMax;
    }

    public Path directory() {
        return directory;
    }

    // ---- recovery ----

    @Override
    public RecoveredState recover() {
        if (open) {
            throw new IllegalStateException("recover() must be called once, before any write");
        }
        try {
            Files.createDirectories(directory);
            lock();
        } catch (IOException e) {
            throw new StorageException("cannot open " + directory + ": " + e, e);
        }
        try {
            return load();
        } catch (IOException e) {
            closeChannels();
            throw new StorageException("cannot recover " + directory + ": " + e, e);
        } catch (RuntimeException e) {
            closeChannels(); // release the lock, so that a repaired directory can be opened again
            throw e;
        }
    }

    private RecoveredState load() throws IOException {
        deleteFiles(list(TEMP_NAME).values());
        SnapshotFile snapshot = loadLatestSnapshot();
        long firstSegment = snapshot == null ? 1 : snapshot.firstSegment();
        deleteFiles(list(SEGMENT_NAME).headMap(firstSegment).values());
        LogReplay replay = new LogReplay();
        long tornBytes = replaySegments(list(SEGMENT_NAME), firstSegment, snapshot != null, replay);
        reset(snapshot, replay.hardState());
        long snapshotIndex = snapshotIndex();
        List<Entry> entries = replay.entriesAfter(snapshotIndex, directory.toString());
        lastIndex = entries.isEmpty() ? snapshotIndex : entries.get(entries.size() - 1).index();
        if (segments.isEmpty()) {
            startSegment(firstSegment);
        } else {
            openActive(lastSegment().path);
        }
        open = true;
        return new RecoveredState(hardState, snapshot == null ? null : snapshot.snapshot(), entries, tornBytes);
    }

    private long replaySegments(TreeMap<Long, Path> files, long firstSegment, boolean hasSnapshot, LogReplay replay)
            throws IOException {
        long expected = firstSegment;
        long tornBytes = 0;
        for (var file : files.entrySet()) {
            if (file.getKey() != expected) {
                throw new CorruptLogException(directory.toString(), 0, "WAL segment " + expected + " is missing");
            }
            expected++;
            Segment segment = new Segment(file.getKey(), file.getValue());
            String source = file.getValue().toString();
            byte[] bytes = Files.readAllBytes(file.getValue());
            WalCodec.Scan scan = WalCodec.scan(bytes, bytes.length, source, (record, offset) -> {
                replay.add(record, source, offset);
                if (record instanceof WalRecord.EntryRecord e) {
                    segment.entryIndexMax = Math.max(segment.entryIndexMax, e.entry().index());
                }
            });
            if (scan.tornBytes() > 0) {
                if (!file.getKey().equals(files.lastKey())) {
                    throw new CorruptLogException(source, scan.validBytes(), "damaged record in a segment that is "
                            + "followed by another (segments are forced before the next one starts)");
                }
                truncate(file.getValue(), scan.validBytes());
                tornBytes = scan.tornBytes();
            }
            segments.add(segment);
        }
        if (files.isEmpty() && hasSnapshot) {
            throw new CorruptLogException(directory.toString(), 0, "WAL segment " + firstSegment + " is missing");
        }
        return tornBytes;
    }

    private void reset(SnapshotFile snapshot, HardState recovered) {
        hardState = recovered;
        writtenHardState = recovered;
        pendingHardState = null;
        pending.clear();
        pendingEntryIndexMax = 0;
        snapshotMeta = snapshot == null ? null : snapshot.snapshot().meta();
        snapshotGeneration = snapshot == null ? 0 : snapshot.generation();
    }

    private SnapshotFile loadLatestSnapshot() throws IOException {
        TreeMap<Long, Path> files = list(SNAPSHOT_NAME);
        if (files.isEmpty()) {
            return null;
        }
        Path latest = files.lastEntry().getValue();
        SnapshotFile snapshot = SnapshotFile.decode(Files.readAllBytes(latest), latest.toString());
        if (snapshot.generation() != files.lastKey()) {
            throw new CorruptLogException(latest.toString(), 0, "holds generation " + snapshot.generation());
        }
        deleteFiles(files.headMap(files.lastKey()).values());
        return snapshot;
    }

    // ---- writes ----

    @Override
    public void append(List<Entry> entries) {
        checkOpen();
        if (entries.isEmpty()) {
            return;
        }
        LogReplay.checkAppendable(entries, snapshotIndex(), lastIndex);
        if (entries.get(0).index() <= lastIndex) {
            unsyncedOverwrite = true;
        }
        pending.appendEntries(entries);
        lastIndex = entries.get(entries.size() - 1).index();
        pendingEntryIndexMax = Math.max(pendingEntryIndexMax, lastIndex);
        if (pending.length() >= WRITE_BUFFER_BYTES) {
            flush();
        }
    }

    @Override
    public void saveHardState(HardState state) {
        checkOpen();
        pending.appendHardState(state);
        hardState = state;
        pendingHardState = state;
    }

    @Override
    public void sync() {
        checkOpen();
        try {
            flush();
            if (activeDirty) {
                maybeLosePowerInSync();
                forceActive();
                activeDirty = false;
                unsyncedOverwrite = false;
            }
        } catch (IOException e) {
            throw new StorageException("cannot sync " + lastSegment().path + ": " + e, e);
        }
    }

    /** Hands the buffered records to the OS with one write, rolling to a new segment first if full. */
    private void flush() {
        if (pending.length() == 0) {
            return;
        }
        try {
            if (activeBytes > 0 && activeBytes + pending.length() > segmentBytesMax) {
                startSegment(lastSegment().number + 1);
            }
            write(pending.array(), pending.length());
        } catch (IOException e) {
            throw new StorageException("cannot write " + lastSegment().path + ": " + e, e);
        }
        lastSegment().entryIndexMax = Math.max(lastSegment().entryIndexMax, pendingEntryIndexMax);
        if (pendingHardState != null) {
            writtenHardState = pendingHardState;
        }
        pending.clear();
        pendingEntryIndexMax = 0;
        pendingHardState = null;
    }

    // ---- snapshots ----

    @Override
    public void saveSnapshot(Snapshot snapshot) {
        checkOpen();
        long index = snapshot.meta().index();
        if (index < snapshotIndex()) {
            throw new IllegalArgumentException("snapshot at " + index + " is older than the stored one at "
                    + snapshotIndex());
        }
        sync();
        if (index > lastIndex) {
            // Nothing after the snapshot, and the next entry (index + 1) would not continue the stored
            // ones: start the log afresh in a new segment, as an install does.
            commitSnapshot(snapshot, startFreshSegment());
            lastIndex = index;
            return;
        }
        long firstSegment = lastSegment().number;
        for (Segment s : segments) {
            if (s.entryIndexMax > index) {
                firstSegment = s.number; // §7: entries after the snapshot must stay readable
                break;
            }
        }
        commitSnapshot(snapshot, firstSegment);
    }

    @Override
    public void installSnapshot(Snapshot snapshot) {
        checkOpen();
        pending.clear(); // unsynced entries belong to the log being replaced
        pendingEntryIndexMax = 0;
        pendingHardState = null;
        writtenHardState = hardState; // the new segment opens with it, so it survives the old segments
        commitSnapshot(snapshot, startFreshSegment());
        lastIndex = snapshot.meta().index();
    }

    /** Starts a durable new segment that opens with the hard state; returns its number. */
    private long startFreshSegment() {
        try {
            startSegment(lastSegment().number + 1);
            forceActive();
            activeDirty = false;
        } catch (IOException e) {
            throw new StorageException("cannot start a WAL segment in " + directory + ": " + e, e);
        }
        return lastSegment().number;
    }

    /** Writes the snapshot file atomically, then deletes what it makes obsolete. */
    private void commitSnapshot(Snapshot snapshot, long firstSegment) {
        SnapshotFile file = new SnapshotFile(snapshotGeneration + 1, firstSegment, snapshot);
        Path target = directory.resolve(String.format("snapshot-%020d.snap", file.generation()));
        Path temp = directory.resolve(target.getFileName() + TEMP_SUFFIX);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                writeFully(channel, file.encode());
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            forceDirectory();
            snapshotGeneration = file.generation();
            snapshotMeta = snapshot.meta();
            deleteFiles(list(SNAPSHOT_NAME).headMap(snapshotGeneration).values());
            deleteFiles(list(SEGMENT_NAME).headMap(firstSegment).values());
        } catch (IOException e) {
            throw new StorageException("cannot write snapshot " + target + ": " + e, e);
        }
        segments.removeIf(s -> s.number < firstSegment);
    }

    // ---- files ----

    private void startSegment(long number) throws IOException {
        if (active != null) {
            forceActive(); // every segment but the last is durable: see the class comment
            active.close();
        }
        Path path = directory.resolve(String.format("wal-%020d.log", number));
        active = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        forceDirectory();
        segments.add(new Segment(number, path));
        activeBytes = 0;
        synchronized (powerLock) {
            checkPower();
            activePath = path;
            durableBytes = 0;
        }
        if (!writtenHardState.equals(HardState.INITIAL)) {
            WalBuffer header = new WalBuffer(64);
            header.appendHardState(writtenHardState);
            write(header.array(), header.length());
        }
    }

    /**
     * Reopens the last segment for appends. Forces it first: what recovery read may be a killed
     * predecessor's unsynced writes, still only in the page cache, and the node acts on it now.
     */
    private void openActive(Path path) throws IOException {
        active = FileChannel.open(path, StandardOpenOption.WRITE);
        activeBytes = active.size();
        active.position(activeBytes);
        active.force(false);
        synchronized (powerLock) {
            activePath = path;
            durableBytes = activeBytes;
        }
    }

    private void write(byte[] bytes, int length) throws IOException {
        synchronized (powerLock) {
            checkPower();
            writeFully(active, bytes, length);
        }
        activeBytes += length;
        activeDirty = true;
    }

    /** Forces the active segment and records its length as durable, unless the power went first. */
    private void forceActive() throws IOException {
        long bytes = activeBytes;
        active.force(false);
        synchronized (powerLock) {
            checkPower();
            durableBytes = bytes;
        }
    }

    // ---- power-loss emulation (fault injection; see the class comment) ----

    /**
     * Emulates a power failure now: cuts the active segment back to its durable length plus what
     * {@code cut} keeps of the unsynced tail (drawn from {@code random}), forces that, and makes
     * every later write, force or sync of this store throw {@link StorageException}. Safe to call
     * from any thread; the caller is expected to halt the process next. Buffered records not yet
     * handed to the OS are lost as well, since they never reach the file.
     *
     * @return what was cut, for the log and the lab's history
     */
    public String losePower(PowerCut cut, RandomGenerator random) {
        synchronized (powerLock) {
            if (powerLost) {
                return "the power is already lost";
            }
            powerLost = true;
            if (activePath == null) {
                return "no WAL segment open";
            }
            try {
                long written = Files.size(activePath);
                long unsynced = written - durableBytes;
                long kept = unsynced <= 0 ? 0 : keptBytes(cut, unsynced, random);
                try (FileChannel channel = FileChannel.open(activePath, StandardOpenOption.WRITE)) {
                    channel.truncate(durableBytes + kept);
                    channel.force(true);
                }
                return String.format("%s: kept %d of %d unsynced bytes (%s) after %d durable", activePath.getFileName(),
                        kept, Math.max(unsynced, 0), cut.flag(), durableBytes);
            } catch (IOException e) {
                throw new StorageException("cannot emulate a power loss in " + activePath + ": " + e, e);
            }
        }
    }

    /**
     * Arms a power loss inside the next sync that has written anything: after the write reaches
     * the OS and before its force completes (the fsync window). Then {@code halt} runs (it should
     * not return; if it does, the sync throws).
     */
    public void armPowerLossInSync(PowerCut cut, RandomGenerator random, Runnable halt) {
        armPowerLossInSync(cut, random, halt, false);
    }

    /**
     * {@link #armPowerLossInSync(PowerCut, RandomGenerator, Runnable)}, and with {@code onOverwrite}
     * only inside the first sync whose writes replace entries already in the log: a follower
     * truncating a stale suffix (§5.3), often with the commit index it learned in the same batch.
     * That is the one sync where the order of a batch's records decides what a restart applies
     * (the simulator's overwrite-armed crashes aim at it too).
     */
    public void armPowerLossInSync(PowerCut cut, RandomGenerator random, Runnable halt, boolean onOverwrite) {
        synchronized (powerLock) {
            armedCut = cut;
            armedRandom = random;
            armedHalt = halt;
            armedOnOverwrite = onOverwrite;
        }
    }

    /** Whether a power loss inside a sync is armed and has not happened yet. */
    public boolean powerLossArmed() {
        synchronized (powerLock) {
            return armedCut != null;
        }
    }

    /** Cancels {@link #armPowerLossInSync}; returns whether it was still armed. */
    public boolean disarmPowerLoss() {
        synchronized (powerLock) {
            boolean armed = armedCut != null;
            armedCut = null;
            armedRandom = null;
            armedHalt = null;
            return armed;
        }
    }

    private void maybeLosePowerInSync() {
        PowerCut cut;
        RandomGenerator random;
        Runnable halt;
        synchronized (powerLock) {
            if (armedCut == null || (armedOnOverwrite && !unsyncedOverwrite)) {
                return;
            }
            cut = armedCut;
            random = armedRandom;
            halt = armedHalt;
            armedCut = null;
        }
        losePower(cut, random);
        halt.run();
        throw new StorageException("power lost inside a sync (fault injection)");
    }

    /** How much of an unsynced tail of {@code unsynced} bytes a cut keeps. */
    private long keptBytes(PowerCut cut, long unsynced, RandomGenerator random) throws IOException {
        return switch (cut) {
            case LOSE_TAIL -> 0;
            case TORN_BYTES -> random.nextLong(unsynced + 1);
            case TORN_RECORDS -> {
                List<Long> boundaries = recordBoundaries(unsynced, false);
                yield boundaries.get(random.nextInt(boundaries.size()));
            }
            case BEFORE_ENTRIES -> recordBoundaries(unsynced, true).get(0);
        };
    }

    /**
     * Offsets within the unsynced tail where a record starts (only entry records when
     * {@code entriesOnly}) or the last whole record ends.
     */
    private List<Long> recordBoundaries(long unsynced, boolean entriesOnly) throws IOException {
        if (unsynced > Integer.MAX_VALUE - 16) {
            throw new IOException("unsynced tail of " + unsynced + " bytes is too large to scan");
        }
        byte[] tail = new byte[(int) unsynced];
        try (FileChannel channel = FileChannel.open(activePath, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.wrap(tail);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, durableBytes + buffer.position()) < 0) {
                    break;
                }
            }
        }
        List<Long> boundaries = new ArrayList<>();
        WalCodec.Scan scan = WalCodec.scan(tail, tail.length, activePath.toString(),
                (record, offset) -> {
                    if (!entriesOnly || record instanceof WalRecord.EntryRecord) {
                        boundaries.add(offset);
                    }
                });
        boundaries.add((long) scan.validBytes());
        return boundaries;
    }

    private void checkPower() {
        if (powerLost) {
            throw new StorageException("the power is lost (fault injection): " + directory + " takes no more writes");
        }
    }

    private static void writeFully(FileChannel channel, byte[] bytes) throws IOException {
        writeFully(channel, bytes, bytes.length);
    }

    private static void writeFully(FileChannel channel, byte[] bytes, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private void truncate(Path path, long length) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
            channel.truncate(length);
            channel.force(true);
        }
    }

    private void forceDirectory() throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    private void lock() throws IOException {
        lockChannel = FileChannel.open(directory.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new StorageException(directory + " is already open in another FileLogStore (LOCK is held)");
        }
    }

    /** The files whose names match {@code pattern}, by the number in their name. */
    private TreeMap<Long, Path> list(Pattern pattern) throws IOException {
        TreeMap<Long, Path> found = new TreeMap<>();
        try (Stream<Path> files = Files.list(directory)) {
            files.forEach(path -> {
                Matcher m = pattern.matcher(path.getFileName().toString());
                if (m.matches()) {
                    found.put(Long.parseLong(m.group(1)), path);
                }
            });
        }
        return found;
    }

    /** Deletes files made obsolete by a durable snapshot; unforced, since recovery deletes them again. */
    private static void deleteFiles(Iterable<Path> paths) throws IOException {
        for (Path path : paths) {
            Files.deleteIfExists(path);
        }
    }

    // ---- state ----

    private long snapshotIndex() {
        return snapshotMeta == null ? 0 : snapshotMeta.index();
    }

    private Segment lastSegment() {
        return segments.get(segments.size() - 1);
    }

    private void checkOpen() {
        if (!open) {
            throw new IllegalStateException("the store is not open: call recover() first");
        }
    }

    @Override
    public void close() {
        if (!open) {
            return;
        }
        open = false;
        try {
            flush();
        } finally {
            closeChannels();
        }
    }

    /** Closes the active segment and the lock file, which releases the lock. */
    private void closeChannels() {
        IOException failure = null;
        for (FileChannel channel : new FileChannel[] {active, lockChannel}) {
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException e) {
                failure = e;
            }
        }
        active = null;
        lockChannel = null;
        lock = null;
        segments.clear();
        if (failure != null) {
            throw new StorageException("cannot close files in " + directory + ": " + failure, failure);
        }
    }
}
