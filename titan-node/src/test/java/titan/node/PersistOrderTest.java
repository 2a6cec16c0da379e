package titan.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;

import titan.node.kv.KvConfig;
import titan.node.kv.KvStateMachine;
import titan.raft.Entry;
import titan.raft.HardState;
import titan.raft.Membership;
import titan.raft.Message;
import titan.raft.NodeId;
import titan.raft.PersistentState;
import titan.raft.RaftConfig;
import titan.raft.RaftCore;
import titan.raft.Ready;
import titan.raft.UnsafeMode;
import titan.sim.SimDisk;

/**
 * The order in which {@link Replica#persist} writes one {@link Ready}, against power loss at every
 * byte of the sync that follows it.
 *
 * <p>The story (found by review, not by the simulator): follower n2 durably holds a stale,
 * uncommitted {@code 2@1} and commit index 1. The term-2 leader sends
 * {@code AppendRequest(prev=1@1, [2@2], commit=2)}. n2's Ready carries the entry {@code 2@2} and
 * a hard state with {@code commit=2}. If the hard state is written first and the power fails after
 * it but before {@code 2@2}, n2 restarts with {@code commit=2} over {@code 2@1} and applies an entry
 * that was never committed. Entries first, hard state last closes that window.
 */
class PersistOrderTest {
    private static final NodeId N1 = new NodeId(1);
    private static final NodeId N2 = new NodeId(2);
    private static final Membership VOTERS = Membership.ofVoters(Set.of(N1, N2, new NodeId(3)));

    @Test
    void noCrashPointRecoversACommitIndexOverAStaleEntry() {
        // Method: cut the unsynced bytes at every offset, recover, and apply what the recovered core
        // believes committed; the stale 2@1 must never be among it.
        List<Entry> applied = appliedAfterEveryCut(Set.of());
        assertThat(applied).noneMatch(e -> e.index() == 2 && e.term() == 1);
        assertThat(applied).anyMatch(e -> e.index() == 2 && e.term() == 2); // the cut after everything
    }

    @Test
    void theOldOrderAppliesTheStaleEntryAtSomeCrashPoint() {
        // The same story with the fix reverted must go wrong, or the test above proves nothing.
        List<Entry> applied = appliedAfterEveryCut(Set.of(UnsafeMode.HARD_STATE_FIRST));
        assertThat(applied).anyMatch(e -> e.index() == 2 && e.term() == 1);
    }

    /** Every entry that a restarted n2 applies, over all crash points of the one sync. */
    private static List<Entry> appliedAfterEveryCut(Set<UnsafeMode> unsafe) {
        List<Entry> applied = new ArrayList<>();
        int unsyncedBytes = storyUpToTheSync(new SimDisk("n2"), unsafe);
        for (int cut = 0; cut <= unsyncedBytes; cut++) {
            SimDisk disk = new SimDisk("n2");
            storyUpToTheSync(disk, unsafe);
            disk.crash(cutAfter(cut));
            RaftCore restarted = new RaftCore(RaftConfig.defaults(N2), disk.recover().toPersistentState(VOTERS),
                    new SplittableRandom(1));
            restarted.ready().ifPresent(ready -> applied.addAll(ready.entriesToApply()));
        }
        return applied;
    }

    /**
     * Brings {@code disk} to the moment of the sync: durable {@code [1@1, 2@1]} with commit 1, then
     * n2's Ready for the term-2 append written but not synced. Returns the unsynced byte count.
     */
    private static int storyUpToTheSync(SimDisk disk, Set<UnsafeMode> unsafe) {
        disk.recover();
        disk.append(List.of(Entry.command(1, 1, new byte[] {1}), Entry.command(1, 2, new byte[] {2})));
        disk.saveHardState(new HardState(1, N1, 1));
        disk.sync();
        PersistentState state = disk.recover().toPersistentState(VOTERS);
        RaftCore core = new RaftCore(RaftConfig.defaults(N2), state, new SplittableRandom(1));
        core.ready().ifPresent(core::advance); // applies 1@1
        Replica replica = new Replica(core, disk, message -> { }, new KvStateMachine(KvConfig.DEFAULT),
                new Replica.Options(10_000, unsafe), new Replica.Observer() { });
        core.step(new Message.AppendRequest(N1, N2, 2, 1, 1, List.of(Entry.command(2, 2, new byte[] {3})), 2));
        Ready ready = replica.nextReady().orElseThrow();
        assertThat(ready.hardState().commitIndex()).isEqualTo(2);
        assertThat(ready.entriesToPersist()).extracting(Entry::index).containsExactly(2L);
        replica.persist(ready);
        return disk.writtenBytes() - disk.durableBytes();
    }

    /** A generator whose only use, SimDisk's crash, keeps exactly {@code bytes} of the unsynced tail. */
    private static RandomGenerator cutAfter(int bytes) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int nextInt(int bound) {
                return bytes;
            }
        };
    }
}
