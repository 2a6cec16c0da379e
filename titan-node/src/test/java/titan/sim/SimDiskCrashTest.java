package titan.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;
import titan.node.storage.LogStoreContract;
import titan.node.storage.RecoveredState;
import titan.node.storage.WalBuffer;
import titan.raft.Entry;
import titan.raft.HardState;
import titan.raft.NodeId;
import titan.raft.Snapshot;

/** SimDisk's crash model: synced writes survive, and of the unsynced ones a prefix in write order. */
class SimDiskCrashTest {

    /** One step of a random workload; {@code a} and {@code b} are folded into valid arguments when run. */
    record Step(int kind, int a, int b) {}

    /** The state a correct store may recover: the hard state, the snapshot index and the entries after it. */
    record State(HardState hardState, long snapshotIndex, List<Entry> entries) {
        static State of(RecoveredState r) {
            return new State(r.hardState(), r.snapshot() == null ? 0 : r.snapshot().meta().index(), r.entries());
        }

        long lastIndex() {
            return entries.isEmpty() ? snapshotIndex : entries.get(entries.size() - 1).index();
        }

        State append(List<Entry> batch) {
            List<Entry> next = new ArrayList<>(entries);
            long first = batch.get(0).index();
            next.removeIf(e -> e.index() >= first); // §5.3
            next.addAll(batch);
            return new State(hardState, snapshotIndex, next);
        }

        State withHardState(HardState h) {
            return new State(h, snapshotIndex, entries);
        }

        State compact(long index) {
            List<Entry> next = new ArrayList<>(entries);
            next.removeIf(e -> e.index() <= index);
            return new State(hardState, index, next);
        }
    }

    @Property(tries = 300)
    void aCrashKeepsTheSyncedStateAndAPrefixOfTheRest(@ForAll("workloads") List<Step> steps,
                                                     @ForAll boolean noFsync) {
        // Method: run random writes, syncs, snapshots, restarts and crashes against SimDisk and a model
        // that is a list of the writes since the last durable point. After a crash the recovered state
        // must equal the durable state plus some prefix of those writes, counted in entries, not calls (with noFsync, syncs move no
        // durable point, so older writes may be lost too: that is the unsafe mode's point).
        SimDisk disk = new SimDisk("prop", noFsync);
        disk.recover();
        State durable = new State(HardState.INITIAL, 0, List.of());
        List<State> sinceDurable = new ArrayList<>(); // the state after each write since `durable`
        long term = 0;
        for (Step step : steps) {
            State current = sinceDurable.isEmpty() ? durable : sinceDurable.get(sinceDurable.size() - 1);
            switch (step.kind()) {
                case 0, 1, 2, 3 -> {
                    long start = current.snapshotIndex() + 1 + Math.floorMod(step.a(),
                            current.lastIndex() - current.snapshotIndex() + 1);
                    List<Entry> batch = LogStoreContract.entries(++term, start, start + Math.floorMod(step.b(), 4));
                    disk.append(batch);
                    for (int k = 1; k <= batch.size(); k++) {
                        sinceDurable.add(current.append(batch.subList(0, k))); // a batch may survive in part
                    }
                }
                case 4 -> {
                    HardState h = new HardState(term, step.a() % 3 == 0 ? null : NodeId.of(1 + Math.floorMod(step.a(), 3)),
                            Math.floorMod(step.b(), 50));
                    disk.saveHardState(h);
                    sinceDurable.add(current.withHardState(h));
                }
                case 5, 6 -> {
                    disk.sync();
                    if (!noFsync) {
                        durable = current;
                        sinceDurable.clear();
                    }
                }
                case 7 -> {
                    long index = current.snapshotIndex() + Math.floorMod(step.a(),
                            current.lastIndex() - current.snapshotIndex() + 1);
                    disk.saveSnapshot(snapshotAt(index));
                    durable = current.compact(index); // durable on return, with every earlier write
                    sinceDurable.clear();
                }
                case 8 -> {
                    long index = current.lastIndex() + Math.floorMod(step.a(), 5) - 2;
                    index = Math.max(index, 1);
                    disk.installSnapshot(snapshotAt(index));
                    durable = new State(current.hardState(), index, List.of());
                    sinceDurable.clear();
                }
                case 9 -> {
                    disk.close(); // a process kill: the operating system still has every write
                    assertThat(State.of(disk.recover())).isEqualTo(current);
                }
                default -> {
                    disk.crash(new SplittableRandom(step.a()));
                    State recovered = State.of(disk.recover());
                    List<State> allowed = new ArrayList<>(List.of(durable));
                    allowed.addAll(sinceDurable);
                    assertThat(allowed).contains(recovered);
                    Statistics.label("writes kept").collect(allowed.indexOf(recovered) == sinceDurable.size() ? "all"
                            : allowed.indexOf(recovered) == 0 ? "none" : "some");
                    durable = recovered;
                    sinceDurable.clear();
                }
            }
        }
    }

    @Provide
    Arbitrary<List<Step>> workloads() {
        Arbitrary<Step> step = Combinators.combine(Arbitraries.integers().between(0, 10), Arbitraries.integers(),
                Arbitraries.integers()).as(Step::new);
        return step.list().ofMaxSize(60);
    }

    @Test
    void aCutAtEveryOffsetOfTheUnsyncedTailKeepsTheWholeRecordsBeforeIt() {
        // Method: sync one entry, write two more unsynced, and crash with every possible cut length.
        int synced = recordBytes(LogStoreContract.entry(1, 1));
        int second = recordBytes(LogStoreContract.entry(1, 2));
        int third = recordBytes(LogStoreContract.entry(1, 3));
        for (int cut = 0; cut <= second + third; cut++) {
            SimDisk disk = new SimDisk("cut");
            disk.recover();
            disk.append(LogStoreContract.entries(1, 1, 1));
            disk.sync();
            disk.append(LogStoreContract.entries(1, 2, 3));
            disk.crash(cutAfter(cut));
            RecoveredState state = disk.recover();
            int whole = cut < second ? 0 : cut < second + third ? second : second + third;
            assertThat(state.entries()).as("cut %d", cut).hasSize(1 + (whole == 0 ? 0 : whole == second ? 1 : 2));
            assertThat(state.tornTailBytes()).isEqualTo(cut - whole);
            assertThat(disk.writtenBytes()).isEqualTo(synced + whole); // the torn bytes are gone
            disk.append(LogStoreContract.entries(2, state.lastIndex() + 1, state.lastIndex() + 1));
            disk.sync();
            assertThat(disk.recover().entries()).hasSize(state.entries().size() + 1);
        }
    }

    @Test
    void noFsyncLosesAcknowledgedWrites() {
        // The unsafe mode must really lose synced data, or the lab could not prove it detects the loss.
        SimDisk safe = new SimDisk("safe");
        SimDisk unsafe = new SimDisk("unsafe", true);
        for (SimDisk disk : List.of(safe, unsafe)) {
            disk.recover();
            disk.append(LogStoreContract.entries(1, 1, 3));
            disk.saveHardState(new HardState(1, NodeId.of(1), 3));
            disk.sync();
            disk.crash(cutAfter(0));
        }
        assertThat(safe.recover().entries()).hasSize(3);
        RecoveredState lost = unsafe.recover();
        assertThat(lost.entries()).isEmpty();
        assertThat(lost.hardState()).isEqualTo(HardState.INITIAL); // a lost vote: double voting becomes possible
    }

    @Test
    void snapshotsSurviveCrashesEvenWithNoFsync() {
        SimDisk disk = new SimDisk("snap", true);
        disk.recover();
        disk.append(LogStoreContract.entries(1, 1, 5));
        disk.saveSnapshot(snapshotAt(3));
        disk.append(LogStoreContract.entries(1, 6, 6));
        disk.crash(cutAfter(0));
        RecoveredState state = disk.recover();
        assertThat(state.snapshot().meta().index()).isEqualTo(3);
        assertThat(state.entries()).isEqualTo(LogStoreContract.entries(1, 4, 5));
    }

    private static Snapshot snapshotAt(long index) {
        return LogStoreContract.snapshot(index, index == 0 ? 0 : 1, "s" + index);
    }

    /** A generator whose every bounded draw is {@code cut}: the crash keeps exactly that many unsynced bytes. */
    private static RandomGenerator cutAfter(int cut) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException("only bounded draws are expected");
            }

            @Override
            public int nextInt(int bound) {
                return Math.min(cut, bound - 1);
            }
        };
    }

    private static int recordBytes(Entry entry) {
        WalBuffer buffer = new WalBuffer(64);
        buffer.appendEntry(entry);
        return buffer.length();
    }
}
