package titan.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

import titan.node.NodeDriver;
import titan.node.Replica;
import titan.node.Transport;
import titan.raft.UnsafeMode;
import titan.node.kv.KvConfig;
import titan.node.kv.KvStateMachine;
import titan.node.storage.RecoveredState;
import titan.raft.Entry;
import titan.raft.Membership;
import titan.raft.Message;
import titan.raft.NodeId;
import titan.raft.PersistentState;
import titan.raft.RaftConfig;
import titan.raft.RaftCore;
import titan.raft.Ready;
import titan.raft.Role;
import titan.raft.Snapshot;

/**
 * One simulated Titan server: the real {@link RaftCore}, {@link Replica} and
 * {@link KvStateMachine} over a {@link SimDisk}, driven the way the real node's event loop drives
 * them. A sync takes {@link SimOptions#fsyncMicros()}; inputs that arrive meanwhile wait in an
 * inbox and are stepped together afterwards, so batches form as they do under group commit. A
 * crash during a sync loses what was not yet synced, possibly tearing the last record.
 */
final class SimNode {
    enum State { UP, PAUSED, DOWN }

    final NodeId id;
    private final Simulation sim;
    private final RaftConfig raftConfig;
    private final Membership bootstrap;
    private final RandomGenerator random;
    private final SimDisk disk;

    private RaftCore core;
    private Replica replica;
    private NodeDriver driver;
    private State state = State.DOWN;
    private int epoch;
    private double clockRate = 1.0;
    private Role lastRole = Role.FOLLOWER;
    private long lastTerm;
    private long crashes;
    private long tornTails;
    private long elections;
    private long snapshotsInstalled;
    private long membershipChanges;
    /** Inputs that arrived while paused: stepped in a random order on resume. */
    private final List<Runnable> pausedInbox = new ArrayList<>();
    /** Armed protocol-timed crashes (0: not armed): the downtime to use when the moment comes. */
    private long crashInSyncDowntime;
    private boolean crashInSyncOnOverwrite;
    /** Overwrite-armed crashes fire up to this many times (catch-up after a partition overwrites often). */
    private int crashInSyncShots;
    private long crashAfterAckDowntime;
    /** Whether the Ready being synced replaced entries already written (a truncating write). */
    private boolean syncOverwrites;
    private int diskSlowdown = 1;

    SimNode(NodeId id, Simulation sim, RaftConfig raftConfig, Membership bootstrap, RandomGenerator random) {
        this.id = id;
        this.sim = sim;
        this.raftConfig = raftConfig;
        this.bootstrap = bootstrap;
        this.random = random;
        this.disk = new SimDisk(id.toString(), sim.options().unsafe().contains(UnsafeMode.NO_FSYNC));
    }

    // ---------------------------------------------------------------- lifecycle

    void start() {
        RecoveredState recovered = disk.recover();
        if (recovered.tornTailBytes() > 0) {
            tornTails++;
            sim.trace().event(sim.now(), id, "recover", () -> "recovery cut a torn tail of "
                    + recovered.tornTailBytes() + " bytes");
        }
        PersistentState state = recovered.toPersistentState(bootstrap);
        sim.monitor().started(id, state, disk);
        KvStateMachine stateMachine = new KvStateMachine(KvConfig.DEFAULT.withNoDedup(
                sim.options().unsafe().contains(UnsafeMode.NO_DEDUP)));
        if (state.snapshot().meta().index() > 0) {
            stateMachine.restore(state.snapshot().data());
        }
        core = new RaftCore(raftConfig, state, random);
        Transport network = sim.network().transportFor(id);
        Transport checked = m -> {
            sim.monitor().sending(id, m);
            network.send(m);
            maybeCrashAfterAck(m);
        };
        replica = new Replica(core, disk, checked, stateMachine,
                new Replica.Options(sim.config().snapshotEveryEntries(), sim.options().unsafe()), new MonitorHook());
        int startedEpoch = ++epoch;
        long baseFsyncMicros = sim.config().fsyncMicros(id.value());
        driver = new NodeDriver(replica, durable -> {
            long fsyncMicros = baseFsyncMicros * diskSlowdown;
            sim.scheduler().after(fsyncMicros, () -> {
                if (startedEpoch == epoch) { // else the node crashed during the sync: nothing became durable
                    disk.sync();
                    durable.run();
                }
            });
            maybeCrashInSync(fsyncMicros);
        }, this::observe);
        this.state = State.UP;
        lastRole = Role.FOLLOWER;
        lastTerm = core.term();
        driver.drive();
    }

    /** Power loss: the process dies and unsynced writes may be lost or torn. */
    void crash() {
        crash(random.nextBoolean());
    }

    /** Power loss; with {@code atRecordBoundary} the unsynced tail is cut between two records. */
    void crash(boolean atRecordBoundary) {
        if (state == State.DOWN) {
            return;
        }
        state = State.DOWN;
        epoch++;
        crashes++;
        // Half the crashes (and every crash timed into a sync) cut the unsynced tail between
        // records, so whole records are lost and none is torn: the cut a write-order bug needs.
        disk.crash(random, atRecordBoundary);
        pausedInbox.clear();
        core = null;
        replica = null;
        driver = null;
        sim.trace().event(sim.now(), id, "crash", () -> "crashed");
    }

    void restart() {
        if (state != State.DOWN) {
            return;
        }
        start();
        sim.trace().event(sim.now(), id, "restart", () -> "restarted at term " + core.term() + ", last index "
                + core.lastIndex() + ", commit " + core.commitIndex());
    }

    void pause() {
        if (state == State.UP) {
            state = State.PAUSED;
            driver.hold();
            sim.trace().event(sim.now(), id, "pause", () -> "paused");
        }
    }

    void resume() {
        if (state != State.PAUSED) {
            return;
        }
        state = State.UP;
        sim.trace().event(sim.now(), id, "resume", () -> "resumed, " + pausedInbox.size() + " inputs in a random order");
        driver.release();
        // The inputs that queued while the process was stopped are taken in a random order, as
        // sockets drained by several threads would deliver them.
        List<Runnable> queued = new ArrayList<>(pausedInbox);
        pausedInbox.clear();
        for (int i = queued.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Runnable t = queued.get(i);
            queued.set(i, queued.get(j));
            queued.set(j, t);
        }
        for (Runnable work : queued) {
            if (state != State.UP) {
                return;
            }
            input(work);
        }
    }

    // ---------------------------------------------------------------- faults timed to the protocol

    /** Crashes this node inside its next fsync window, then restarts it after {@code downtimeMicros}. */
    void armCrashInSync(long downtimeMicros, boolean onOverwrite) {
        crashInSyncDowntime = Math.max(1, downtimeMicros);
        crashInSyncOnOverwrite = onOverwrite;
        crashInSyncShots = onOverwrite ? 3 : 1;
    }

    /** A slow-disk fault: every sync takes {@code factor} times as long until set back to 1. */
    void setDiskSlowdown(int factor) {
        diskSlowdown = Math.max(1, factor);
    }

    /** Crashes this node right after it next grants a vote or acknowledges an append. */
    void armCrashAfterAck(long downtimeMicros) {
        crashAfterAckDowntime = Math.max(1, downtimeMicros);
    }

    void disarm() {
        crashInSyncDowntime = 0;
        crashAfterAckDowntime = 0;
    }

    /** Kills the node now and restarts it after {@code downtimeMicros} unless something else restarted it. */
    void crashFor(long downtimeMicros, String why) {
        crashFor(downtimeMicros, why, random.nextBoolean());
    }

    private void crashFor(long downtimeMicros, String why, boolean atRecordBoundary) {
        if (state == State.DOWN) {
            return;
        }
        crash(atRecordBoundary);
        long crashNumber = crashes;
        sim.trace().event(sim.now(), id, "crash", () -> why + "; down for " + downtimeMicros + "us");
        sim.scheduler().after(downtimeMicros, () -> {
            if (crashes == crashNumber && state == State.DOWN) {
                restart();
            }
        });
    }

    private void maybeCrashInSync(long fsyncMicros) {
        if (crashInSyncDowntime == 0 || (crashInSyncOnOverwrite && !syncOverwrites)) {
            maybeBuggifyCrash(fsyncMicros);
            return;
        }
        long downtime = crashInSyncDowntime;
        if (--crashInSyncShots <= 0) {
            crashInSyncDowntime = 0;
        }
        long at = fsyncMicros <= 1 ? 0 : random.nextLong(fsyncMicros); // strictly before the sync completes
        sim.scheduler().after(at, () -> crashFor(downtime, "crash inside the fsync window", true));
    }

    /**
     * Crashes timed into syncs by the seed's configuration (FoundationDB's BUGGIFY: rare moments made
     * common on the seeds that draw them), while faults run and crashes are among them: a share
     * {@link SimConfig#overwriteCrashPercent()} of the syncs that replace log entries (a follower
     * overwriting a stale suffix writes the new entries and, often in the same batch, the commit
     * index it learned with them), and {@link SimConfig#syncCrashPermille()} of all syncs (a leader
     * that dies with appended entries nobody else has leaves such a stale suffix behind). The cut
     * falls at a record boundary; the node comes back after up to two election timeouts.
     */
    private void maybeBuggifyCrash(long fsyncMicros) {
        int percent = sim.config().overwriteCrashPercent();
        int permille = sim.config().syncCrashPermille();
        if ((percent == 0 || !syncOverwrites) && permille == 0 || !sim.faultsActive()
                || !sim.options().faultKinds().contains(FaultSchedule.Kind.CRASH)) {
            return;
        }
        boolean crash = syncOverwrites && percent > 0 && random.nextInt(100) < percent
                || permille > 0 && random.nextInt(1000) < permille;
        if (!crash) {
            return;
        }
        long downtime = SimConfig.logUniform(random, 10, sim.electionMicros() * 2);
        long at = fsyncMicros <= 1 ? 0 : random.nextLong(fsyncMicros);
        int syncEpoch = epoch;
        sim.scheduler().after(at, () -> {
            if (epoch == syncEpoch) { // the same process, still inside its sync
                crashFor(downtime, "crash inside the fsync window (swarm)", true);
            }
        });
    }

    private void maybeCrashAfterAck(titan.raft.Message m) {
        if (crashAfterAckDowntime == 0) {
            return;
        }
        boolean ack = (m instanceof titan.raft.Message.VoteResponse v && v.granted() && !v.preVote())
                || (m instanceof titan.raft.Message.AppendResponse a && a.success());
        if (ack) {
            long downtime = crashAfterAckDowntime;
            crashAfterAckDowntime = 0;
            sim.scheduler().after(0, () -> crashFor(downtime, "crash right after sending " + m.getClass().getSimpleName()));
        }
    }

    void setClockRate(double rate) {
        this.clockRate = rate;
    }

    // ---------------------------------------------------------------- inputs

    /** One tick of this node's clock; schedules the next one at its (possibly skewed) rate. */
    void tick() {
        sim.scheduler().after(Math.max(1, (long) (sim.options().tickMicros() / clockRate)), this::tick);
        if (state == State.UP) {
            input(() -> core.tick());
        }
    }

    void receive(Message m) {
        if (state == State.PAUSED) {
            pausedInbox.add(() -> core.step(m));
        } else if (state == State.UP) {
            driver.input(m);
        }
    }

    /** A client request arriving at this node; lost if the node is down. */
    void clientRequest(Consumer<Replica> request) {
        if (state == State.PAUSED) {
            pausedInbox.add(() -> request.accept(replica));
        } else if (state == State.UP) {
            input(() -> request.accept(replica));
        }
    }

    private void input(Runnable work) {
        driver.input(work);
    }

    private void observe() {
        sim.monitor().observe(id, core);
        if (core.role() != lastRole || core.term() != lastTerm) {
            if (core.role() == Role.LEADER) {
                elections++;
            }
            Role from = lastRole;
            lastRole = core.role();
            lastTerm = core.term();
            sim.trace().event(sim.now(), id, "role", () -> from + " -> " + core.role() + " at term " + core.term());
        }
    }

    // ---------------------------------------------------------------- observation

    State state() {
        return state;
    }

    boolean isUp() {
        return state == State.UP;
    }

    RaftCore core() {
        return core;
    }

    Replica replica() {
        return replica;
    }

    long crashes() {
        return crashes;
    }

    long tornTails() {
        return tornTails;
    }

    long elections() {
        return elections;
    }

    long snapshotsInstalled() {
        return snapshotsInstalled;
    }

    long membershipChanges() {
        return membershipChanges;
    }

    /** Feeds the safety monitor from inside the replica. */
    private final class MonitorHook implements Replica.Observer {
        @Override
        public void persisting(NodeId node, Ready ready) {
            if (ready.snapshotToInstall() != null) {
                sim.monitor().installedSnapshot(node, ready.snapshotToInstall());
            }
            if (core.role() == Role.LEADER) {
                sim.monitor().leaderAppending(node, core, ready.entriesToPersist());
            }
            syncOverwrites = !ready.entriesToPersist().isEmpty()
                    && ready.entriesToPersist().get(0).index() <= disk.lastIndex();
            sim.monitor().persisting(node, ready.entriesToPersist());
        }

        @Override
        public void applied(NodeId node, Entry entry) {
            sim.monitor().applied(node, entry);
            if (entry.type() == titan.raft.EntryType.MEMBERSHIP && core.role() == Role.LEADER) {
                membershipChanges++;
            }
        }

        @Override
        public void snapshotRestored(NodeId node, Snapshot snapshot) {
            snapshotsInstalled++;
            sim.trace().event(sim.now(), node, "snapshot", () -> "installed " + snapshot);
        }

        @Override
        public void compacted(NodeId node, Snapshot snapshot) {
            sim.monitor().compacted(node, snapshot.meta().index());
            sim.trace().event(sim.now(), node, "snapshot", () -> "compacted to " + snapshot);
        }
    }
}
