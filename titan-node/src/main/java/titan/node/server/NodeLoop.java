package titan.node.server;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import titan.node.ClientOutcome;
import titan.node.NodeDriver;
import titan.node.Replica;
import titan.node.api.KvRequest;
import titan.node.api.KvService;
import titan.node.api.NodeStatus;
import titan.node.storage.LogStore;
import titan.raft.MembershipChange;
import titan.raft.Message;
import titan.raft.NodeId;
import titan.raft.ProposalResult;
import titan.raft.RaftCore;
import titan.raft.Role;

/**
 * The server's thread around {@link NodeDriver}: one loop thread owns the core, the replica and the
 * store; every other thread (Netty's) talks to it through a bounded mailbox. Each round the loop
 * takes everything that arrived (peer messages, client requests, the tick that is due) and then
 * drives once, so a burst of requests becomes one Ready, one write and one fsync (group commit).
 * The fsync runs on a second thread, and the loop keeps taking input meanwhile: that input waits in
 * the driver's inbox and forms the next batch.
 * <pre>
 *   netty threads ──► mailbox ──► loop thread: step all, tick if due, drive ──► sync thread: fsync
 *                        ▲                                                          │
 *                        └───────────────────── "durable" ◄─────────────────────────┘
 * </pre>
 * Time: ticks every {@code tickNanos / clockRate} of the given nanosecond clock; the clock nemesis
 * changes {@code clockRate} through the admin endpoint.
 *
 * <p>A storage error stops the node: the loop reports it to {@code fatal} and ends (no retry).
 */
public final class NodeLoop implements KvService, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeLoop.class);
    private static final int DRAIN_MAX = 4096;
    private static final Runnable STOP_SYNCS = () -> { };
    /** One timer thread for every node in this JVM, for membership changes' deadlines (rare). */
    private static final io.netty.util.HashedWheelTimer TIMER = new io.netty.util.HashedWheelTimer(
            r -> {
                Thread t = new Thread(r, "titan-request-deadlines");
                t.setDaemon(true);
                return t;
            }, 10, TimeUnit.MILLISECONDS);
    private static final long REQUEST_TIMEOUT_MILLIS = 10_000;
    private static final long REQUEST_TIMEOUT_NANOS = TimeUnit.MILLISECONDS.toNanos(REQUEST_TIMEOUT_MILLIS);

    /** Where the leader serves clients, as far as this node knows (from the peers' handshakes). */
    public interface LeaderDirectory {
        LeaderDirectory NONE = id -> null;

        /** {@code {http, tcp}} addresses as {@code host:port}, or {@code null} when unknown. */
        String[] clientAddresses(NodeId node);
    }

    private final NodeId id;
    private final String clusterId;
    private final RaftCore core;
    private final Replica replica;
    private final LogStore store;
    private final NodeDriver driver;
    private final BlockingQueue<Runnable> mailbox;
    private final LongSupplier nanoClock;
    private final long tickNanos;
    private final LeaderDirectory directory;
    private final Consumer<Throwable> fatal;
    private final Thread loopThread;
    private final Thread syncThread;
    private final BlockingQueue<Runnable> syncQueue = new ArrayBlockingQueue<>(4);
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Touched only by the loop thread. */
    private final PendingMembershipChanges membershipChanges = new PendingMembershipChanges();
    /** Client requests' deadlines, oldest first; touched only by the loop thread. */
    private final ArrayDeque<Deadline> deadlines = new ArrayDeque<>();

    private volatile boolean running;
    private volatile double clockRate = 1.0;
    private volatile NodeStatus status;
    private Role lastRole;
    private long lastTerm = -1;
    private NodeId lastLeader;

    // Metrics (Micrometer; exported in Prometheus text format by the server).
    private final Counter proposals;
    private final Counter refusedBusy;
    private final Counter fsyncs;
    private final DistributionSummary entriesPerFsync;
    private final Timer fsyncTimer;

    public NodeLoop(NodeId id, String clusterId, RaftCore core, Replica replica, LogStore store, int mailboxCapacity,
                    LongSupplier nanoClock, long tickNanos, LeaderDirectory directory, MeterRegistry metrics,
                    Consumer<Throwable> fatal) {
        this.id = id;
        this.clusterId = clusterId;
        this.core = core;
        this.replica = replica;
        this.store = store;
        this.mailbox = new ArrayBlockingQueue<>(mailboxCapacity);
        this.nanoClock = nanoClock;
        this.tickNanos = tickNanos;
        this.directory = directory;
        this.fatal = fatal;
        this.driver = new NodeDriver(replica, this::startSync, NodeDriver.AfterStep.NONE);
        this.loopThread = new Thread(this::run, "titan-loop-" + id);
        this.syncThread = new Thread(this::runSyncs, "titan-sync-" + id);
        this.syncThread.setDaemon(true);

        this.proposals = Counter.builder("titan_proposals").description("client writes proposed to Raft")
                .register(metrics);
        this.refusedBusy = Counter.builder("titan_requests_refused_busy")
                .description("requests refused because the node's mailbox was full").register(metrics);
        this.fsyncs = Counter.builder("titan_fsyncs").description("WAL syncs (one per group commit)")
                .register(metrics);
        this.entriesPerFsync = DistributionSummary.builder("titan_entries_per_fsync")
                .description("log entries made durable by one sync").publishPercentileHistogram().register(metrics);
        this.fsyncTimer = Timer.builder("titan_fsync_seconds").description("time of one WAL sync")
                .publishPercentileHistogram().register(metrics);
        Gauge.builder("titan_term", this, l -> l.status.term()).register(metrics);
        Gauge.builder("titan_commit_index", this, l -> l.status.commitIndex()).register(metrics);
        Gauge.builder("titan_applied_index", this, l -> l.status.appliedIndex()).register(metrics);
        Gauge.builder("titan_is_leader", this, l -> "leader".equals(l.status.role()) ? 1 : 0).register(metrics);
        Gauge.builder("titan_clock_rate", this, l -> l.clockRate).register(metrics);
        publishStatus();
    }

    public void start() {
        running = true;
        syncThread.start();
        loopThread.start();
    }

    // ---------------------------------------------------------------- from other threads

    /** A peer message from the transport; dropped (like a lost packet) when the mailbox is full. */
    public void deliver(Message message) {
        if (!mailbox.offer(() -> driver.deliver(message))) {
            log.debug("mailbox full: dropped {}", message.getClass().getSimpleName());
        }
    }

    @Override
    public void submit(KvRequest request, Consumer<ClientOutcome> clientReply) {
        Deadline reply = new Deadline(request instanceof KvRequest.Write, clientReply);
        Runnable work;
        if (request instanceof KvRequest.Write w) {
            work = () -> {
                proposals.increment();
                replica.write(w.command(), reply);
            };
        } else {
            KvRequest.Read r = (KvRequest.Read) request;
            work = r.stale() ? () -> replica.readStale(r.key(), reply) : () -> replica.read(r.key(), reply);
        }
        // The deadline starts when the loop takes the request from the mailbox, not when the driver
        // steps it: during a sync the driver holds it in its inbox, and a stuck sync must time out.
        if (!running || !mailbox.offer(() -> {
            reply.start(nanoClock.getAsLong() + REQUEST_TIMEOUT_NANOS, deadlines);
            driver.step(work);
        })) {
            refusedBusy.increment();
            reply.accept(new ClientOutcome.Refused(running ? "busy: the node's request queue is full"
                    : "the node is stopping"));
        }
    }

    /**
     * A client request's reply, answered at most once; when the node has not answered within the
     * request deadline, the loop's sweep ({@link #expireDeadlines}) answers: a write then is
     * indeterminate (its entry may still commit), a read refused (it changed nothing). Without this, a
     * write whose entry a deposed leader truncated could wait until some later entry reaches its
     * index, which in a quiet cluster may be never. Every answer but a refusal at the mailbox comes
     * from the loop thread (the replica answers there, the sweep runs there), so {@code answered}
     * needs no atomic, and a request refused at the mailbox never reaches the sweep.
     */
    private static final class Deadline implements Consumer<ClientOutcome> {
        final boolean write;
        final Consumer<ClientOutcome> reply;
        long deadlineNanos;
        boolean answered;

        Deadline(boolean write, Consumer<ClientOutcome> reply) {
            this.write = write;
            this.reply = reply;
        }

        /** On the loop thread, when the request leaves the mailbox: its deadline joins the sweep's queue. */
        void start(long deadlineNanos, ArrayDeque<Deadline> deadlines) {
            this.deadlineNanos = deadlineNanos;
            deadlines.add(this);
        }

        @Override
        public void accept(ClientOutcome outcome) {
            if (!answered) {
                answered = true;
                reply.accept(outcome);
            }
        }
    }

    /**
     * On the loop thread, every round: answers the requests whose deadline passed. The queue is in
     * deadline order (one timeout for all, started in loop order), so the sweep stops at the first
     * unanswered request still in time; answered ones at the head are dropped on the way.
     */
    private void expireDeadlines() {
        long now = nanoClock.getAsLong();
        for (Deadline d = deadlines.peek(); d != null; d = deadlines.peek()) {
            if (!d.answered && now - d.deadlineNanos < 0) {
                return;
            }
            deadlines.poll();
            if (!d.answered) {
                d.accept(d.write
                        ? new ClientOutcome.Indeterminate("no outcome within " + REQUEST_TIMEOUT_MILLIS + " ms on "
                                + id + " (e.g. a leader change); the write may still take effect")
                        : new ClientOutcome.Refused("no outcome within " + REQUEST_TIMEOUT_MILLIS + " ms on " + id));
            }
        }
    }

    /**
     * Asks this node, as leader, for one single-server membership change (dissertation §4.1).
     * {@code reply} hears exactly once, on some other thread than the caller's: refused (not the
     * leader, a change in progress, an invalid change), accepted (when {@code awaitCommit} is false:
     * appended, not yet committed), committed, lost, or unknown after {@code timeoutMillis}.
     */
    public void changeMembership(MembershipChange change, boolean awaitCommit, long timeoutMillis,
                                 Consumer<MembershipOutcome> clientReply) {
        java.util.concurrent.atomic.AtomicBoolean answered = new java.util.concurrent.atomic.AtomicBoolean();
        io.netty.util.Timeout timeout = TIMER.newTimeout(t -> {
            if (answered.compareAndSet(false, true)) {
                clientReply.accept(new MembershipOutcome.Unknown("no outcome within " + timeoutMillis + " ms on " + id
                        + "; the change may still take effect"));
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        Consumer<MembershipOutcome> reply = outcome -> {
            if (answered.compareAndSet(false, true)) {
                timeout.cancel();
                clientReply.accept(outcome);
            }
        };
        Runnable work = () -> {
            ProposalResult result = core.proposeMembership(change);
            if (result instanceof ProposalResult.Rejected r) {
                reply.accept(new MembershipOutcome.Refused(r));
                return;
            }
            ProposalResult.Accepted a = (ProposalResult.Accepted) result;
            log.info("membership change {} appended at index {}", change, a.index());
            if (awaitCommit) {
                membershipChanges.await(a.index(), a.term(), reply);
            } else {
                reply.accept(new MembershipOutcome.Accepted(a.index(), core.membership()));
            }
        };
        if (!running || !mailbox.offer(() -> driver.step(work))) {
            reply.accept(new MembershipOutcome.Busy(running ? "the node's request queue is full" : "the node is stopping"));
        }
    }

    @Override
    public NodeStatus status() {
        return status;
    }

    /** The clock nemesis: ticks come {@code rate} times as fast as real time (0.5 slow, 2 fast). */
    public void setClockRate(double rate) {
        if (!(rate > 0.01 && rate < 100)) {
            throw new IllegalArgumentException("clock rate must be in (0.01, 100), got " + rate);
        }
        log.warn("FAULT INJECTION: clock rate set to {}", rate);
        clockRate = rate;
    }

    public double clockRate() {
        return clockRate;
    }

    /**
     * Stops the loop: requests still pending are answered (writes indeterminate, reads refused), an
     * fsync in progress completes, and the store is closed. Waits up to five seconds.
     */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false; // the loop sees it within one tick; never interrupt it (see stopLoop)
        try {
            if (!stopped.await(5, TimeUnit.SECONDS)) {
                log.warn("the loop did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- the loop thread

    private void run() {
        MDC.put("node", id.toString());
        long nextTick = nanoClock.getAsLong() + tickInterval();
        List<Runnable> batch = new ArrayList<>(DRAIN_MAX);
        try {
            while (running) {
                long now = nanoClock.getAsLong();
                if (now - nextTick >= 0) {
                    driver.step(core::tick);
                    // A loop that fell far behind (a long pause: SIGSTOP) ticks once, not a burst.
                    nextTick = Math.max(nextTick + tickInterval(), now);
                }
                Runnable first = mailbox.poll(Math.max(0, nextTick - now), TimeUnit.NANOSECONDS);
                if (first != null) {
                    first.run();
                    mailbox.drainTo(batch, DRAIN_MAX);
                    for (Runnable r : batch) {
                        r.run();
                    }
                    batch.clear();
                }
                expireDeadlines();
                driver.drive();
                membershipChanges.check(core);
                publishStatus();
            }
        } catch (Throwable t) {
            running = false;
            log.error("node {} stops: {}", id, t.toString(), t);
            fatal.accept(t);
        } finally {
            stopLoop();
        }
    }

    private long tickInterval() {
        return (long) (tickNanos / clockRate);
    }

    private void stopLoop() {
        try {
            // An fsync in flight finishes before the store closes; its Ready is abandoned with the rest.
            // Nothing here interrupts a thread: an interrupted FileChannel closes under its user.
            syncQueue.put(STOP_SYNCS);
            syncThread.join(5_000);
            replica.abandonPending("the node stopped before the request's fate was known");
            membershipChanges.abandon("the node stopped before the change's fate was known");
            store.close();
        } catch (Throwable t) {
            log.warn("error while stopping: {}", t.toString());
        } finally {
            MDC.clear();
            stopped.countDown();
        }
    }

    private void startSync(Runnable durable) {
        int entries = driver.inProgressEntries();
        syncQueue.add(() -> {
            long start = System.nanoTime();
            store.sync();
            fsyncTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            fsyncs.increment();
            entriesPerFsync.record(entries);
            // The loop drains the mailbox while it runs, so a blocking put ends; once it stopped,
            // nobody waits for this signal any more.
            while (running) {
                try {
                    if (mailbox.offer(durable, 10, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        });
    }

    private void runSyncs() {
        try {
            for (Runnable sync = syncQueue.take(); sync != STOP_SYNCS; sync = syncQueue.take()) {
                sync.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            running = false;
            log.error("node {} stops: the WAL sync failed: {}", id, t.toString(), t);
            fatal.accept(t);
        }
    }

    private void publishStatus() {
        Role role = core.role();
        long term = core.term();
        NodeId leader = core.leader();
        if (role != lastRole || term != lastTerm || !java.util.Objects.equals(leader, lastLeader)) {
            MDC.put("term", Long.toString(term));
            MDC.put("role", roleName(role));
            if (lastRole != null) {
                log.info("{} at term {}, leader {}", roleName(role), term, leader == null ? "unknown" : leader);
            }
            lastRole = role;
            lastTerm = term;
            lastLeader = leader;
        }
        String[] addresses = leader == null ? null : directory.clientAddresses(leader);
        var membership = core.membership();
        status = new NodeStatus(id.toString(), clusterId, roleName(role), term,
                leader == null ? null : leader.toString(), addresses == null ? null : addresses[0],
                addresses == null ? null : addresses[1], core.commitIndex(), core.appliedIndex(), core.lastIndex(),
                core.snapshotIndex(), membership.voters().stream().map(NodeId::toString).toList(),
                membership.learners().stream().map(NodeId::toString).toList());
    }

    private String roleName(Role role) {
        if (role == Role.FOLLOWER && core.membership().isLearner(id)) {
            return "learner";
        }
        return switch (role) {
            case LEADER -> "leader";
            case FOLLOWER -> "follower";
            case CANDIDATE -> "candidate";
            case PRE_CANDIDATE -> "pre-candidate";
        };
    }
}
