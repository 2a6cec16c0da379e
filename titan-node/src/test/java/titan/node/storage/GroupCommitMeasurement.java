package titan.node.storage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import titan.raft.Entry;
import titan.raft.HardState;
import titan.raft.Membership;
import titan.raft.Snapshot;
import titan.raft.SnapshotMeta;
import titan.sim.SimDisk;

/**
 * A rough printout, not an assertion and not a benchmark (the JMH one belongs in jmh-bench): how
 * many 300-byte entries per second {@link FileLogStore} makes durable when each batch ends with one
 * sync, the group commit of DESIGN.md's "Limits of these machines". The pitfall it guards against is
 * a silent regression to one write or one fsync per entry, which would show as a 10-100x drop.
 * Run with {@code ./mvnw -pl titan-node -Pall-tests test -Dtest=GroupCommitMeasurement}.
 */
@Tag("slow")
class GroupCommitMeasurement {
    private static final int ENTRY_BYTES = 300;

    @TempDir
    Path temp;

    @Test
    void printEntriesPerSecond() {
        for (int batch : new int[] {1, 10, 100, 1000}) {
            int entries = batch == 1 ? 5_000 : 200_000;
            measure(batch, entries); // warm-up
            double perSecond = measure(batch, entries);
            System.out.printf("FileLogStore group commit: %5d entries/sync -> %,10.0f entries/s%n", batch, perSecond);
        }
        for (int round = 0; round < 3; round++) {
            System.out.printf("SimDisk append+sync, compaction every 10k: 100 entries/sync -> %,10.0f entries/s%n",
                    measureSim(100, 1_000_000));
        }
    }

    private double measure(int batch, int total) {
        Path dir = temp.resolve("run-" + System.nanoTime());
        try (FileLogStore store = new FileLogStore(dir)) {
            store.recover();
            long start = System.nanoTime();
            append(store, batch, total);
            return total / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static double measureSim(int batch, int total) {
        SimDisk disk = new SimDisk("bench");
        disk.recover();
        long start = System.nanoTime();
        append(disk, batch, total, 10_000);
        return total / ((System.nanoTime() - start) / 1e9);
    }

    private static void append(LogStore store, int batch, int total) {
        append(store, batch, total, Integer.MAX_VALUE);
    }

    private static void append(LogStore store, int batch, int total, int compactEvery) {
        byte[] data = new byte[ENTRY_BYTES];
        for (int first = 1; first <= total; first += batch) {
            List<Entry> entries = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                entries.add(Entry.command(1, first + i, data));
            }
            store.append(entries);
            store.saveHardState(new HardState(1, null, first));
            store.sync();
            int last = first + batch - 1;
            if (last % compactEvery == 0) {
                store.saveSnapshot(new Snapshot(new SnapshotMeta(last - batch, 1, Membership.ofVoters(3)), data));
            }
        }
    }
}
