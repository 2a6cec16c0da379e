package titan.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import titan.node.storage.RecoveredState;
import titan.raft.Entry;
import titan.raft.HardState;
import titan.raft.NodeId;

/**
 * Crashes cut at record boundaries (issue 7): no torn record is left for recovery to cut, whole
 * records of the unsynced tail are lost in write order, and every boundary is reachable, including
 * the one that keeps a hard state but not the entries written after it.
 */
class SimDiskBoundaryCrashTest {

    @Test
    void boundaryCutsLeaveNoTornRecordAndReachEveryBoundary() {
        Set<String> seen = new HashSet<>();
        for (long seed = 0; seed < 200; seed++) {
            SimDisk disk = new SimDisk("n1");
            disk.recover();
            disk.append(List.of(Entry.command(1, 1, new byte[] {1})));
            disk.saveHardState(new HardState(1, NodeId.of(1), 1));
            disk.sync();
            // Unsynced: a hard state, then two entries, then another hard state.
            disk.saveHardState(new HardState(2, NodeId.of(2), 1));
            disk.append(List.of(Entry.command(2, 2, new byte[] {2})));
            disk.append(List.of(Entry.command(2, 3, new byte[] {3})));
            disk.saveHardState(new HardState(2, NodeId.of(2), 3));
            disk.crash(new SplittableRandom(seed), true);
            RecoveredState r = disk.recover();
            assertThat(r.tornTailBytes()).as("seed %d", seed).isZero();
            assertThat(r.entries()).isNotEmpty();
            assertThat(r.entries().get(0).index()).isEqualTo(1);
            seen.add(r.hardState().term() + "/" + r.hardState().commitIndex() + "/" + r.entries().size());
        }
        // Every prefix of the four unsynced records survives on some seed: synced only; + hard state;
        // + entry 2; + entry 3; + the last hard state.
        assertThat(seen).containsExactlyInAnyOrder("1/1/1", "2/1/1", "2/1/2", "2/1/3", "2/3/3");
    }

    @Test
    void theSyncedStateIsWhatTheLastSyncCovered() {
        SimDisk disk = new SimDisk("n1");
        disk.recover();
        disk.saveHardState(new HardState(3, NodeId.of(2), 0));
        disk.append(List.of(Entry.command(3, 1, new byte[] {1})));
        assertThat(disk.syncedHardState()).isEqualTo(HardState.INITIAL);
        assertThat(disk.syncedLastIndex()).isZero();
        disk.sync();
        assertThat(disk.syncedHardState()).isEqualTo(new HardState(3, NodeId.of(2), 0));
        assertThat(disk.syncedLastIndex()).isEqualTo(1);
        SimDisk noFsync = new SimDisk("n2", true);
        noFsync.recover();
        noFsync.saveHardState(new HardState(3, NodeId.of(2), 0));
        noFsync.sync();
        assertThat(noFsync.syncedHardState()).isEqualTo(HardState.INITIAL);
    }
}
