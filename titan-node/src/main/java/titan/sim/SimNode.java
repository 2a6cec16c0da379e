package titan.sim;

import java.util.function.Consumer;
import java.util.random.RandomGenerator;

import titan.node.NodeDriver;
import titan.node.Replica;
import titan.node.UnsafeSwitch;
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

    SimNode(NodeId id, Simulation sim, RaftConfig raftConfig, Membership bootstrap, RandomGenerator random) {
        this.id = id;
        this.sim = sim;
        this.raftConfig = raftConfig;
        this.bootstrap = bootstrap;
        this.random = random;
        this.disk = new SimDisk(id.toString(), sim.options().unsafe().contains(UnsafeSwitch.NO_FSYNC));
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
        sim.monitor().started(id, state);
        KvStateMachine stateMachine = new KvStateMachine(KvConfig.DEFAULT.withNoDedup(
                sim.options().unsafe().contains(UnsafeSwitch.NO_DEDUP)));
        if (state.snapshot().meta().index() > 0) {
            stateMachine.restore(state.snapshot().data());
        }
        core = new RaftCore(raftConfig, state, random);
        replica = new Replica(core, disk, sim.network().transportFor(id), stateMachine,
                new Replica.Options(sim.options().snapshotEveryEntries(), sim.options().unsafe()), new MonitorHook());
        int startedEpoch = ++epoch;
        driver = new NodeDriver(replica, durable -> sim.scheduler().after(sim.options().fsyncMicros(), () -> {
            if (startedEpoch == epoch) { // else the node crashed during the sync: nothing became durable
                disk.sync();
                durable.run();
            }
        }), this::observe);
        this.state = State.UP;
        lastRole = Role.FOLLOWER;
        lastTerm = core.term();
        driver.drive();
    }

    /** Power loss: the process dies and unsynced writes may be lost or torn. */
    void crash() {
        if (state == State.DOWN) {
            return;
        }
        state = State.DOWN;
        epoch++;
        crashes++;
        disk.crash(random);
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
        sim.trace().event(sim.now(), id, "resume", () -> "resumed");
        driver.release();
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
        if (state != State.DOWN) {
            input(() -> core.step(m));
        }
    }

    /** A client request arriving at this node; lost if the node is down. */
    void clientRequest(Consumer<Replica> request) {
        if (state != State.DOWN) {
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
