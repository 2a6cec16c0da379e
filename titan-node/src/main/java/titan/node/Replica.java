package titan.node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

import titan.node.kv.KvCommand;
import titan.node.kv.KvResult;
import titan.node.kv.KvStateMachine;
import titan.node.storage.LogStore;
import titan.raft.Entry;
import titan.raft.EntryType;
import titan.raft.Message;
import titan.raft.NodeId;
import titan.raft.ProposalResult;
import titan.raft.RaftCore;
import titan.raft.ReadState;
import titan.raft.Ready;
import titan.raft.Role;
import titan.raft.Snapshot;
import titan.raft.UnsafeMode;

/**
 * Joins a {@link RaftCore} to its storage, transport and key-value state machine, and keeps the
 * promises made to clients. It has no threads and no clock: a driver (the node's event loop, or the
 * simulator) calls it through {@link NodeDriver}, handling each {@link Ready} in two halves with
 * the sync between them:
 * <pre>
 *   ready = replica.nextReady()
 *   replica.persist(ready)        // write snapshot, entries, hard state (not yet durable)
 *   replica.sendBeforeSync(ready)  // if it must sync: requests may leave now
 *   replica.applyBeforeSync(ready) // if it must sync: apply what was durable here already, answer
 *   store.sync()                   // if ready.mustSync(): one fsync for the whole batch (group commit)
 *     (meanwhile: acknowledgements stepped, replica.applyWhileSyncing() applies what they commit)
 *   replica.finish(ready)          // send the rest, apply the rest, answer clients, advance, maybe compact
 * </pre>
 * Not thread-safe.
 */
public final class Replica {
    /** Hooks for the simulator's invariant checks; every method has a no-op default. */
    public interface Observer {
        default void persisting(NodeId node, Ready ready) {}

        default void applied(NodeId node, Entry entry) {}

        default void snapshotRestored(NodeId node, Snapshot snapshot) {}

        default void compacted(NodeId node, Snapshot snapshot) {}
    }

    /** @param snapshotEveryEntries compact the log once this many entries are applied past the last snapshot */
    public record Options(long snapshotEveryEntries, Set<UnsafeMode> unsafe) {
        public Options {
            unsafe = Set.copyOf(unsafe);
        }

        public static Options defaults() {
            return new Options(10_000, Set.of());
        }
    }

    private record PendingWrite(long term, Consumer<ClientOutcome> reply, KvCommand command) {}

    private record PendingRead(String key, Consumer<ClientOutcome> reply) {}

    private final RaftCore core;
    private final LogStore store;
    private final Transport transport;
    private final KvStateMachine stateMachine;
    private final Options options;
    private final Observer observer;

    private final Map<Long, PendingWrite> writes = new HashMap<>();
    /** ack-before-commit only: indexes already answered before they committed. */
    private final Map<Long, Long> answeredEarly = new HashMap<>();
    private final Map<Long, PendingRead> reads = new HashMap<>();
    /** Confirmed reads waiting for the state machine to reach their read index. */
    private final TreeMap<Long, List<PendingRead>> readsByIndex = new TreeMap<>();
    private long nextReadId = 1;
    /** The Ready whose requests {@link #sendBeforeSync} already sent, until it is finished. */
    private Ready sentBeforeSync;
    /** The Ready whose durable part {@link #applyBeforeSync} applied, until it is finished. */
    private Ready appliedBeforeSync;
    /** How many of {@code appliedBeforeSync}'s entries to apply were applied before its sync. */
    private int appliedBeforeSyncCount;

    public Replica(RaftCore core, LogStore store, Transport transport, KvStateMachine stateMachine, Options options,
                   Observer observer) {
        this.core = core;
        this.store = store;
        this.transport = transport;
        this.stateMachine = stateMachine;
        this.options = options;
        this.observer = observer;
    }

    public RaftCore core() {
        return core;
    }

    public KvStateMachine stateMachine() {
        return stateMachine;
    }

    // ---------------------------------------------------------------- clients

    /** Proposes a write; {@code reply} is called once, when its fate is known to this node. */
    public void write(KvCommand command, Consumer<ClientOutcome> reply) {
        ProposalResult result = core.propose(stateMachine.codec().encode(command));
        if (result instanceof ProposalResult.Accepted a) {
            PendingWrite previous = writes.put(a.index(), new PendingWrite(a.term(), reply, command));
            if (previous != null) {
                // Our earlier entry at this index was truncated from our log, but another server may
                // still hold it and a later leader may yet commit it: its fate is unknown.
                previous.reply().accept(new ClientOutcome.Indeterminate("entry " + a.index() + " was superseded here"));
            }
            return;
        }
        reply.accept(rejection((ProposalResult.Rejected) result));
    }

    /** A linearizable read via ReadIndex (dissertation §6.4), or a local one under stale-reads. */
    public void read(String key, Consumer<ClientOutcome> reply) {
        if (options.unsafe().contains(UnsafeMode.STALE_READS) && core.role() == Role.LEADER) {
            reply.accept(new ClientOutcome.Read(stateMachine.get(key).orElse(null)));
            return;
        }
        long id = nextReadId++;
        if (!core.readIndex(id)) {
            reply.accept(new ClientOutcome.NotLeader(core.leader()));
            return;
        }
        reads.put(id, new PendingRead(key, reply));
    }

    /**
     * A stale read: this node's state machine as it is now, on any role. NOT linearizable: it may
     * miss acknowledged writes, and a follower or a deposed leader may be arbitrarily far behind.
     */
    public void readStale(String key, Consumer<ClientOutcome> reply) {
        reply.accept(new ClientOutcome.Read(stateMachine.get(key).orElse(null)));
    }

    private static ClientOutcome rejection(ProposalResult.Rejected r) {
        return r.reason() == ProposalResult.Reason.NOT_LEADER ? new ClientOutcome.NotLeader(r.leaderHint())
                : new ClientOutcome.Refused(r.reason() + ": " + r.detail());
    }

    // ---------------------------------------------------------------- the driver's two halves

    public Optional<Ready> nextReady() {
        return core.ready();
    }

    /**
     * Step 1 of {@link Ready}: writes everything to the store; durable only after its sync.
     *
     * <p>Order matters because a crash during the sync keeps a prefix of these writes (the
     * {@link LogStore} contract). The hard state carries the commit index, and that index speaks of
     * the log <em>after</em> this Ready's entries: a follower that replaces a stale {@code 2@1} by
     * {@code 2@2} and learns {@code commit=2} in one batch must never recover {@code commit=2} over
     * the stale {@code 2@1}. So the entries go first and the hard state last (as etcd's WAL does):
     * any surviving prefix that holds the hard state also holds every entry it speaks of. Losing the
     * hard state alone is safe: nothing that depends on it was sent before the sync.
     */
    public void persist(Ready ready) {
        observer.persisting(core.id(), ready);
        if (ready.snapshotToInstall() != null) {
            store.installSnapshot(ready.snapshotToInstall()); // durable on return
        }
        boolean hardStateFirst = options.unsafe().contains(UnsafeMode.HARD_STATE_FIRST); // the bug, on purpose
        if (hardStateFirst && ready.hardState() != null) {
            store.saveHardState(ready.hardState());
        }
        if (!ready.entriesToPersist().isEmpty()) {
            store.append(ready.entriesToPersist());
        }
        if (!hardStateFirst && ready.hardState() != null) {
            store.saveHardState(ready.hardState());
        }
    }

    /** Whether the driver must sync between {@link #persist} and {@link #finish}. */
    public boolean mustSync(Ready ready) {
        return ready.mustSync() && !options.unsafe().contains(UnsafeMode.NO_FSYNC);
    }

    /**
     * Sends the messages of {@code ready} that may leave before its sync: requests, which claim
     * nothing about this node's durable state (see {@link NodeDriver}). {@link #finish} then sends
     * only the rest.
     */
    public void sendBeforeSync(Ready ready) {
        List<Message> early = new ArrayList<>(ready.messagesToSend().size());
        for (Message m : ready.messagesToSend()) {
            if (leavesBeforeSync(m)) {
                early.add(m);
            }
        }
        transport.sendAll(early);
        sentBeforeSync = ready;
    }

    /**
     * Requests may leave before the sync (etcd's asynchronous storage writes); responses promise
     * durable state (a vote, an appended entry: Figure 2) and must wait for it.
     */
    static boolean mayLeaveBeforeSync(Message m) {
        return m instanceof Message.AppendRequest || m instanceof Message.HeartbeatRequest
                || m instanceof Message.InstallSnapshotRequest || m instanceof Message.TimeoutNow
                || m instanceof Message.VoteRequest;
    }

    /** {@link #mayLeaveBeforeSync}, or a response too under the planted bugs that send it early. */
    private boolean leavesBeforeSync(Message m) {
        if (mayLeaveBeforeSync(m)) {
            return true;
        }
        return (m instanceof Message.VoteResponse && options.unsafe().contains(UnsafeMode.VOTE_BEFORE_DURABLE))
                || (m instanceof Message.AppendResponse
                && options.unsafe().contains(UnsafeMode.APPEND_ACK_BEFORE_DURABLE));
    }

    /**
     * Steps 3–4 of {@link Ready} for what needs no sync of {@code ready}: applies the entries to
     * apply that were durable here before it (a leader's commit index never passes its own durable
     * index, so for a leader that is all of them) and registers its confirmed reads, answering
     * clients now instead of after the sync. A committed entry durable here is final (see
     * {@link RaftCore#readyToApply()}); the entries of {@code ready} itself are not durable here yet
     * and wait for {@link #finish}. A Ready that installs a snapshot is handled whole in finish.
     */
    public void applyBeforeSync(Ready ready) {
        if (ready.snapshotToInstall() != null) {
            return;
        }
        long durable = core.durableIndex();
        List<Entry> toApply = ready.entriesToApply();
        int count = 0;
        while (count < toApply.size() && toApply.get(count).index() <= durable) {
            count++;
        }
        applyAndAnswer(toApply.subList(0, count), ready.readStates());
        appliedBeforeSync = ready;
        appliedBeforeSyncCount = count;
    }

    /**
     * While a Ready's sync runs: applies what the core hands out through
     * {@link RaftCore#readyToApply()} (entries committed and durable here, reads confirmed) and
     * answers their clients. The driver calls it after stepping the acknowledgements that
     * {@link RaftCore#steppableWhilePending} admits.
     */
    public void applyWhileSyncing() {
        for (Optional<Ready> next = core.readyToApply(); next.isPresent(); next = core.readyToApply()) {
            Ready batch = next.get();
            applyAndAnswer(batch.entriesToApply(), batch.readStates());
            core.advance(batch);
        }
    }

    /** Steps 2–4 of {@link Ready}, after the sync: send, apply, answer clients, advance. */
    public void finish(Ready ready) {
        boolean appliedEarly = appliedBeforeSync == ready;
        int skip = appliedEarly ? appliedBeforeSyncCount : 0;
        appliedBeforeSync = null;
        appliedBeforeSyncCount = 0;
        boolean early = sentBeforeSync == ready;
        sentBeforeSync = null;
        if (!early) {
            transport.sendAll(ready.messagesToSend());
        } else {
            List<Message> rest = new ArrayList<>(ready.messagesToSend().size());
            for (Message m : ready.messagesToSend()) {
                if (!leavesBeforeSync(m)) {
                    rest.add(m);
                }
            }
            transport.sendAll(rest);
        }
        if (ready.snapshotToInstall() != null) {
            restore(ready.snapshotToInstall());
        }
        if (options.unsafe().contains(UnsafeMode.ACK_BEFORE_COMMIT)) {
            answerEarly(ready.entriesToPersist());
        }
        List<Entry> toApply = ready.entriesToApply();
        applyAndAnswer(toApply.subList(skip, toApply.size()), appliedEarly ? List.of() : ready.readStates());
        core.advance(ready);
        maybeCompact();
    }

    /**
     * The node stops: every write still waiting is answered {@link ClientOutcome.Indeterminate} (it
     * may be in the log and commit later), every read {@link ClientOutcome.Refused} (a read changes
     * nothing, so not answering it is a definite failure).
     */
    public void abandonPending(String reason) {
        writes.values().forEach(w -> w.reply().accept(new ClientOutcome.Indeterminate(reason)));
        writes.clear();
        answeredEarly.clear();
        reads.values().forEach(r -> r.reply().accept(new ClientOutcome.Refused(reason)));
        reads.clear();
        readsByIndex.values().forEach(list -> list.forEach(r -> r.reply().accept(new ClientOutcome.Refused(reason))));
        readsByIndex.clear();
    }

    // ---------------------------------------------------------------- apply

    /** Steps 3–4 of {@link Ready} for a part of one: apply {@code entries} in order, then answer reads. */
    private void applyAndAnswer(List<Entry> entries, List<ReadState> readStates) {
        for (Entry entry : entries) {
            apply(entry);
        }
        for (ReadState state : readStates) {
            onReadState(state);
        }
        serveReads();
    }

    private void apply(Entry entry) {
        KvResult result = null;
        if (entry.type() == EntryType.COMMAND) {
            result = stateMachine.apply(entry.index(), entry.data());
        } else {
            stateMachine.skipTo(entry.index());
        }
        observer.applied(core.id(), entry);
        Long earlyTerm = answeredEarly.remove(entry.index());
        PendingWrite pending = writes.remove(entry.index());
        if (pending == null || earlyTerm != null) {
            return;
        }
        if (pending.term() == entry.term() && result != null) {
            pending.reply().accept(new ClientOutcome.Applied(result, entry.index(), entry.term()));
        } else {
            // §5.3: another leader's entry took this index, so ours can never commit.
            pending.reply().accept(new ClientOutcome.Refused("entry " + entry.index() + " was overwritten in term "
                    + entry.term()));
        }
    }

    private void restore(Snapshot snapshot) {
        stateMachine.restore(snapshot.data());
        observer.snapshotRestored(core.id(), snapshot);
        // Writes inside the snapshot may or may not be among its commands: their fate is unknown here.
        Iterator<Map.Entry<Long, PendingWrite>> it = writes.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, PendingWrite> e = it.next();
            if (e.getKey() <= snapshot.meta().index()) {
                e.getValue().reply().accept(new ClientOutcome.Indeterminate("covered by an installed snapshot"));
                it.remove();
            }
        }
    }

    /** ack-before-commit: answers writes as soon as the leader's own copy is durable. Unsafe on purpose. */
    private void answerEarly(List<Entry> persisted) {
        if (core.role() != Role.LEADER) {
            return;
        }
        for (Entry e : persisted) {
            PendingWrite pending = writes.get(e.index());
            if (pending != null && pending.term() == e.term() && !answeredEarly.containsKey(e.index())) {
                answeredEarly.put(e.index(), e.term());
                pending.reply().accept(new ClientOutcome.Applied(speculate(pending.command()), e.index(), e.term()));
            }
        }
    }

    private KvResult speculate(KvCommand command) {
        if (command instanceof KvCommand.Cas cas) {
            byte[] current = stateMachine.get(cas.key()).orElse(null);
            return java.util.Arrays.equals(current, cas.expected()) ? KvResult.Ok.WRITTEN
                    : new KvResult.CasMismatch(current);
        }
        return KvResult.Ok.WRITTEN;
    }

    // ---------------------------------------------------------------- reads

    private void onReadState(ReadState state) {
        PendingRead read = reads.remove(state.requestId());
        if (read == null) {
            return;
        }
        if (!state.confirmed()) {
            read.reply().accept(new ClientOutcome.NotLeader(core.leader()));
            return;
        }
        readsByIndex.computeIfAbsent(state.readIndex(), k -> new ArrayList<>()).add(read);
    }

    /** Dissertation §6.4 step 4: serve a confirmed read once the state machine reached its read index. */
    private void serveReads() {
        long applied = stateMachine.appliedIndex();
        while (!readsByIndex.isEmpty() && readsByIndex.firstKey() <= applied) {
            for (PendingRead read : readsByIndex.pollFirstEntry().getValue()) {
                read.reply().accept(new ClientOutcome.Read(stateMachine.get(read.key()).orElse(null)));
            }
        }
    }

    private void maybeCompact() {
        long applied = core.appliedIndex();
        if (applied - core.snapshotIndex() >= options.snapshotEveryEntries()) {
            Snapshot snapshot = core.compact(applied, stateMachine.snapshot());
            store.saveSnapshot(snapshot);
            observer.compacted(core.id(), snapshot);
        }
    }
}
