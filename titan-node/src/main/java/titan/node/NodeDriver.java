package titan.node;

import java.util.ArrayDeque;
import java.util.Optional;

import titan.raft.Message;
import titan.raft.RaftCore;
import titan.raft.Ready;

/**
 * The node's driver loop, the one piece that joins the pure core to time, disk and network. The
 * server runs it on its loop thread; the simulator runs the very same class in its one thread. Each
 * round takes every input that arrived, then handles the {@link Ready} they produced:
 * <pre>
 *   step inputs ──► ready ──► persist (buffered) ──► send requests ──► sync ─────► finish
 *        ▲                                           apply what was    (off the    (send responses,
 *        │                                           durable already    loop)       apply the rest,
 *        │                                           (early, below)                 answer, advance)
 *        └──── inputs that arrive during the sync wait in the inbox ◄───────────────
 *              except acknowledgements to the leader: stepped at once, and what they
 *              commit (if durable here) is applied and answered during the sync
 * </pre>
 * <b>Group commit.</b> While a sync runs, inputs queue in the inbox; when it completes they are all
 * stepped together, so their entries share the next sync and the next AppendRequest.
 *
 * <p><b>Requests before the sync</b> (etcd's asynchronous storage writes). The leader's
 * AppendRequests, heartbeats, snapshot chunks, TimeoutNow and a candidate's vote requests leave while
 * the sync runs: none of them claims that anything is durable here. The core counts the leader
 * towards a quorum only for entries it has reported durable (after {@link Replica#finish}), and a
 * candidate counts votes only after its own vote is durable (responses wait in the inbox). Every
 * response (vote grants, append acknowledgements) waits for the sync: it promises durable state
 * (Figure 2).
 *
 * <p><b>Apply without waiting for a sync</b> (the rest of etcd's asynchronous storage writes that
 * Titan takes). Committed entries that are durable here are final, so they are applied and their
 * clients answered as soon as they are known: a Ready's entries to apply that were durable before
 * it are applied before its sync ({@link Replica#applyBeforeSync}), and the leader steps the append
 * and heartbeat acknowledgements that arrive during a sync at once ({@link #deliver}), applying
 * what they commit ({@link Replica#applyWhileSyncing}). A leader's own entries count towards a
 * commit only once durable here, so nothing a sync is still writing is ever applied early. Without
 * this, a write waited for the leader's sync, the follower's, the end of the leader's next sync
 * (its acknowledgement waited in the inbox) and one more sync (its apply rode on the Ready of the
 * next batch): see docs/performance.md.
 *
 * <p>Not thread-safe: one thread (the owner) calls every method. {@link SyncRunner} implementations
 * must report back on that thread.
 */
public final class NodeDriver {
    /** Makes the store durable somewhere, possibly on another thread, then reports back. */
    public interface SyncRunner {
        /**
         * Starts a sync of the store. Must later run {@code durable} on the driver's thread, after the
         * store's sync has returned, unless the node died meanwhile (then never). Must not block.
         */
        void startSync(Runnable durable);
    }

    /** Called after every input and every handled Ready, on the driver's thread. */
    public interface AfterStep {
        AfterStep NONE = () -> { };

        void afterStep();
    }

    private final Replica replica;
    private final SyncRunner syncs;
    private final AfterStep afterStep;
    private final boolean applyDuringSync;
    private final ArrayDeque<Runnable> inbox = new ArrayDeque<>();
    private boolean syncing;
    private boolean held;
    private boolean syncDoneWhileHeld;
    private Ready inProgress;
    private long syncCount;
    private long syncedEntries;

    public NodeDriver(Replica replica, SyncRunner syncs, AfterStep afterStep) {
        this(replica, syncs, afterStep, true);
    }

    /**
     * @param applyDuringSync false restores the earlier rhythm (every input waits for the sync, and
     *                        applying waits for the sync of the Ready that carries it), kept only to
     *                        measure the two side by side (WritePathProbe in the tests)
     */
    NodeDriver(Replica replica, SyncRunner syncs, AfterStep afterStep, boolean applyDuringSync) {
        this.replica = replica;
        this.syncs = syncs;
        this.afterStep = afterStep;
        this.applyDuringSync = applyDuringSync;
    }

    public Replica replica() {
        return replica;
    }

    /** Steps {@code work} (a tick, a peer message, a client request) now, or queues it during a sync. */
    public void step(Runnable work) {
        if (held || syncing) {
            inbox.add(work);
            return;
        }
        work.run();
        afterStep.afterStep();
    }

    /**
     * Steps a peer message. During a sync, an acknowledgement to the leader (what
     * {@link RaftCore#steppableWhilePending} admits) is stepped at once, and the entries it commits
     * that are durable here are applied and their clients answered without waiting for the sync;
     * any other message is queued as in {@link #step}.
     */
    public void deliver(Message message) {
        if (applyDuringSync && syncing && !held && RaftCore.steppableWhilePending(message)) {
            replica.core().step(message);
            afterStep.afterStep(); // observers see the commit before anything is applied
            replica.applyWhileSyncing();
            afterStep.afterStep();
            return;
        }
        step(() -> replica.core().step(message));
    }

    /** {@link #step} then {@link #drive}: one input, one round (the simulator's rhythm). */
    public void input(Runnable work) {
        step(work);
        drive();
    }

    /** {@link #deliver} then {@link #drive}: one message, one round (the simulator's rhythm). */
    public void input(Message message) {
        deliver(message);
        drive();
    }

    /** Handles Readys until there is none, or until a sync must complete first. */
    public void drive() {
        while (!held && !syncing) {
            Optional<Ready> next = replica.nextReady();
            if (next.isEmpty()) {
                return;
            }
            Ready ready = next.get();
            replica.persist(ready);
            if (replica.mustSync(ready)) {
                replica.sendBeforeSync(ready);
                if (applyDuringSync) {
                    replica.applyBeforeSync(ready);
                }
                syncing = true;
                inProgress = ready;
                syncs.startSync(this::syncDone);
                return;
            }
            replica.finish(ready);
            afterStep.afterStep();
        }
    }

    /** A paused process: nothing is stepped, finished or driven until {@link #release()}. */
    public void hold() {
        held = true;
    }

    public void release() {
        if (!held) {
            return;
        }
        held = false;
        if (syncDoneWhileHeld) {
            syncDoneWhileHeld = false;
            syncDone();
        } else {
            drainInbox();
        }
    }

    public boolean isSyncing() {
        return syncing;
    }

    /** Inputs waiting for the current sync (or a release). */
    public int inboxSize() {
        return inbox.size();
    }

    /** Entries of the Ready whose sync is in progress (0 when none). */
    public int inProgressEntries() {
        return inProgress == null ? 0 : inProgress.entriesToPersist().size();
    }

    /** Syncs completed so far. */
    public long syncCount() {
        return syncCount;
    }

    /** Entries made durable by completed syncs so far (entries per sync = this / syncCount). */
    public long syncedEntries() {
        return syncedEntries;
    }

    private void syncDone() {
        if (held) {
            syncDoneWhileHeld = true;
            return;
        }
        Ready ready = inProgress;
        inProgress = null;
        syncing = false;
        syncCount++;
        syncedEntries += ready.entriesToPersist().size();
        replica.finish(ready);
        afterStep.afterStep();
        drainInbox();
    }

    private void drainInbox() {
        while (!held && !syncing && !inbox.isEmpty()) {
            inbox.poll().run();
            afterStep.afterStep();
        }
        drive();
    }
}
