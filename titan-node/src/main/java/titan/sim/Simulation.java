package titan.sim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.random.RandomGenerator;

import titan.checker.history.Event;
import titan.checker.history.Process;
import titan.client.HistoryOutcome;
import titan.client.Outcome;
import titan.node.ClientOutcome;
import titan.node.Replica;
import titan.raft.UnsafeMode;
import titan.node.kv.KvCommand;
import titan.node.kv.KvCommandCodec;
import titan.node.kv.KvConfig;
import titan.raft.Membership;
import titan.raft.NodeId;
import titan.raft.RaftConfig;
import titan.raft.Role;

/**
 * A whole Titan cluster and its clients in one thread, over simulated time, network and disks
 * (TigerBeetle's VOPR, FoundationDB's simulation). A seed determines the run completely: every
 * random choice comes from one {@link SplittableRandom} split per component, so the same seed
 * gives the same history byte for byte, and a failing seed can be replayed with tracing on.
 *
 * <p>A randomized run ({@link #run()}) goes through Jepsen's phases: the workload under a fault
 * schedule, heal everything, let the cluster recover, final reads of every key, then wait for all
 * replicas to converge. The {@link SafetyMonitor} checks Raft's safety properties after every
 * step; liveness (recovery after healing, convergence) is checked at the end.
 *
 * <p>Scenario tests use the same object step by step: {@link #runUntilLeader()},
 * {@link #network()}, {@link #runTicks(int)}, {@link #crash(NodeId)}, ….
 */
public final class Simulation {
    private final SimOptions options;
    private final SimConfig config;
    private final FaultSchedule schedule;
    private final SimScheduler scheduler = new SimScheduler();
    private final SafetyMonitor monitor = new SafetyMonitor();
    private final Trace trace;
    private final SimNetwork network;
    private final List<SimNode> nodes = new ArrayList<>();
    private final List<SimClient> clients = new ArrayList<>();
    private final List<Event> history = new ArrayList<>();
    private final SimNemesis nemesis;
    private int opsTaken;
    private int scriptedProcesses;
    private long values;
    private long clientIds;
    private final java.util.Map<String, Integer> writesInFlight = new java.util.HashMap<>();

    private Simulation(SimOptions options, FaultSchedule schedule) {
        this.options = options;
        this.config = SimConfig.of(options);
        SplittableRandom root = new SplittableRandom(options.seed());
        this.trace = options.trace() ? Trace.on(options.traceMessages()) : Trace.OFF;
        if (options.trace()) {
            KvCommandCodec codec = new KvCommandCodec(KvConfig.DEFAULT.valueBytesMax());
            trace.renderCommandsWith(data -> {
                try {
                    return codec.decode(data).toString();
                } catch (IllegalArgumentException e) {
                    return data.length + "B (not a command: " + e.getMessage() + ")";
                }
            });
        }
        this.network = new SimNetwork(scheduler, root.split(), options.nodes(), trace);
        network.setFaults(config.healthyNetwork());
        network.setDistantNode(config.distantNode(), config.distantExtraMicros());
        RandomGenerator faultRandom = root.split();
        RandomGenerator scheduleRandom = root.split();
        this.schedule = schedule != null ? schedule
                : FaultSchedule.random(scheduleRandom, options.faultKinds(), electionMicros(),
                        horizonMicros());
        this.nemesis = new SimNemesis(this, network, this.schedule, faultRandom);
        Membership membership = Membership.ofVoters(options.nodes());
        for (int i = 1; i <= options.nodes(); i++) {
            NodeId id = NodeId.of(i);
            RaftConfig raftConfig = RaftConfig.defaults(id)
                    .withTicks(config.electionTicks(), config.heartbeatTicks())
                    .withPreVote(config.preVote())
                    .withCheckQuorum(config.checkQuorum())
                    .withFlowControl(config.appendBytesMax(), config.inflightAppendsMax(), 1 << 20)
                    .withSnapshotChunkBytes(4096)
                    .withUnsafe(options.unsafe());
            nodes.add(new SimNode(id, this, raftConfig, membership, root.split()));
        }
        for (int w = 0; w < config.clients(); w++) {
            clients.add(new SimClient(w, this, root.split()));
        }
        network.onDeliver(m -> {
            trace.log(scheduler.nowMicros(), m.to(), () -> "recv " + trace.text(m));
            node(m.to()).receive(m);
        });
        for (SimNode node : nodes) {
            node.start();
            long phase = root.nextLong(options.tickMicros());
            scheduler.after(phase, node::tick);
        }
    }

    /** A generous bound on how long the workload may run, for generating the fault schedule. */
    private long horizonMicros() {
        return Math.max(electionMicros() * 20, (long) options.ops() * 3_000 / Math.max(1, config.clients()) + 2_000_000);
    }

    /** The minimum election timeout of this run, in simulated microseconds. */
    long electionMicros() {
        return config.electionMicros(options.tickMicros());
    }

    public static Simulation of(SimOptions options) {
        return new Simulation(options, null);
    }

    /** The same run with an edited fault schedule (the shrinker's tool). */
    public static Simulation of(SimOptions options, FaultSchedule schedule) {
        return new Simulation(options, schedule);
    }

    /** For scenario tests: a fault-free cluster where only the test injects faults. */
    public static Simulation scenario(long seed, int voters) {
        return scenario(seed, voters, Set.of());
    }

    /** A scenario cluster with some unsafe switches on. */
    public static Simulation scenario(long seed, int voters, Set<UnsafeMode> unsafe) {
        return new Simulation(SimOptions.defaults(seed).withNodes(voters).withOps(0).withFaults(Set.of())
                .withUnsafe(unsafe).withSwarm(false), FaultSchedule.NONE);
    }

    // ---------------------------------------------------------------- the randomized run

    /** Runs the whole test; never throws for a bug in Titan (it is reported in the result). */
    public SimResult run() {
        String failure = null;
        String kind = null;
        try {
            nemesis.scheduleFaults();
            clients.forEach(c -> scheduler.after(0, c::next));
            long workloadEnd = runWhileProgressing(() -> !workloadDone(), horizonMicros() * 4, () -> history.size());
            if (!workloadDone()) {
                throw new LivenessFailure("the workload did not finish by " + millis(workloadEnd));
            }
            healAll();
            runTicks(config.electionTicks() * 3);
            clients.forEach(SimClient::startFinalReads);
            long readsDeadline = scheduler.nowMicros() + electionMicros() * 100;
            runWhileProgressing(() -> !clients.stream().allMatch(SimClient::idle), readsDeadline, this::appliedSum);
            if (!clients.stream().allMatch(SimClient::idle)) {
                throw new LivenessFailure("final reads did not complete within " + millis(electionMicros()
                        * 100) + " after healing");
            }
            awaitConvergence();
        } catch (SafetyViolation v) {
            kind = v.kind();
            failure = v.getMessage();
        } catch (LivenessFailure l) {
            kind = "liveness";
            failure = l.getMessage();
        } catch (RuntimeException e) {
            // Invariants.check failures inside the core, or any other bug surfacing as an exception.
            kind = e instanceof IllegalStateException ? "invariant" : "exception";
            StringBuilder b = new StringBuilder(e.toString());
            StackTraceElement[] frames = e.getStackTrace();
            for (int i = 0; i < Math.min(8, frames.length); i++) {
                b.append("\n    at ").append(frames[i]);
            }
            failure = b.toString();
        }
        trace.event(scheduler.nowMicros(), null, "end", () -> "end of run");
        return new SimResult(options, schedule, List.copyOf(history), kind, failure, scheduler.nowMicros(),
                scheduler.executed(), network.sent(), monitor.checks(), monitor.committedMax(),
                new Coverage(nemesis.faultsStarted(), count(SimNode::crashes), count(SimNode::tornTails),
                        count(SimNode::elections), count(SimNode::snapshotsInstalled),
                        count(SimNode::membershipChanges)), trace.lines(), config);
    }

    private long count(java.util.function.ToLongFunction<SimNode> counter) {
        return nodes.stream().mapToLong(counter).sum();
    }

    boolean workloadDone() {
        return opsTaken >= options.ops() && clients.stream().allMatch(SimClient::idle);
    }

    /** Runs events while {@code condition} holds, up to {@code deadlineMicros}; returns the time reached. */
    /**
     * {@link #runWhile}, but a deadline reached while {@code progress} still grows is extended by
     * the same span again (up to 20 spans): a slow configuration (one entry per append, a slow disk,
     * a backlog of retried proposals) is not a liveness failure as long as it moves.
     */
    private long runWhileProgressing(java.util.function.BooleanSupplier condition, long deadlineMicros,
                                     java.util.function.LongSupplier progress) {
        long span = Math.max(1, deadlineMicros - scheduler.nowMicros());
        long deadline = deadlineMicros;
        for (int spans = 0; spans < 20; spans++) {
            long before = progress.getAsLong();
            runWhile(condition, deadline);
            if (!condition.getAsBoolean() || progress.getAsLong() == before) {
                break;
            }
            deadline += span;
        }
        return scheduler.nowMicros();
    }

    /** The applied indexes of running nodes, summed: grows while the cluster makes progress. */
    private long appliedSum() {
        long sum = 0;
        for (SimNode n : nodes) {
            if (n.isUp()) {
                sum += n.replica().stateMachine().appliedIndex();
            }
        }
        return sum;
    }

    private long runWhile(java.util.function.BooleanSupplier condition, long deadlineMicros) {
        while (condition.getAsBoolean() && scheduler.nowMicros() < deadlineMicros) {
            if (!scheduler.runNext()) {
                break;
            }
        }
        return scheduler.nowMicros();
    }

    /** After healing: every node up must apply everything committed, and the replicas must agree. */
    private void awaitConvergence() {
        long deadline = scheduler.nowMicros() + electionMicros() * 50;
        runWhileProgressing(() -> !converged(), deadline, this::appliedSum);
        if (!converged()) {
            StringBuilder state = new StringBuilder();
            for (SimNode n : nodes) {
                state.append(' ').append(n.id).append(n.core().role() == Role.LEADER ? "*" : "")
                        .append(" applied=").append(n.replica().stateMachine().appliedIndex()).append(" commit=")
                        .append(n.core().commitIndex());
            }
            throw new LivenessFailure("replicas did not converge within " + millis(electionMicros() * 50)
                    + " after healing:" + state);
        }
        SimNode first = nodes.get(0);
        byte[] reference = first.replica().stateMachine().snapshot();
        for (SimNode n : nodes) {
            if (!Arrays.equals(reference, n.replica().stateMachine().snapshot())) {
                throw new SafetyViolation("replica-divergence", n.id + "'s key-value state differs from "
                        + first.id + "'s at the same applied index " + n.replica().stateMachine().appliedIndex() + ": "
                        + describeState(first) + " versus " + describeState(n));
            }
        }
    }

    private String describeState(SimNode n) {
        StringBuilder b = new StringBuilder(n.id.toString()).append(" {");
        for (int k = 0; k < options.keys(); k++) {
            String key = "k" + k;
            b.append(k == 0 ? "" : ", ").append(key).append('=').append(n.replica().stateMachine().get(key)
                    .map(v -> new String(v, StandardCharsets.UTF_8)).orElse("nil"));
        }
        return b.append("; ").append(n.replica().stateMachine().sessionCount()).append(" sessions}").toString();
    }

    private boolean converged() {
        Optional<SimNode> leader = nodes.stream().filter(n -> n.isUp() && n.core().role() == Role.LEADER).findFirst();
        if (leader.isEmpty()) {
            return false;
        }
        long commit = leader.get().core().commitIndex();
        // The state machine's applied index, not the core's: a follower that accepted a snapshot
        // counts it applied in the core at once, but restores its state machine only after the sync.
        return commit >= monitor.committedMax() && nemesis.fullMembership()
                && nodes.stream().allMatch(n -> n.isUp() && n.replica().stateMachine().appliedIndex() == commit);
    }

    // ---------------------------------------------------------------- faults

    /** Ends every fault: the network heals, paused nodes resume, crashed nodes restart, members return. */
    public void healAll() {
        nemesis.healAll();
    }

    // ---------------------------------------------------------------- scenario API

    public NodeId runUntilLeader() {
        long deadline = scheduler.nowMicros() + electionMicros() * 100;
        runWhile(() -> currentLeader().isEmpty(), deadline);
        return currentLeader().orElseThrow(() -> new LivenessFailure("no leader within "
                + millis(electionMicros() * 100)));
    }

    public void runTicks(int ticks) {
        scheduler.runUntil(scheduler.nowMicros() + ticks * options.tickMicros());
    }

    public SimNetwork network() {
        return network;
    }

    public void crash(NodeId id) {
        node(id).crash();
    }

    public void restart(NodeId id) {
        node(id).restart();
    }

    public void pause(NodeId id) {
        node(id).pause();
    }

    public void resume(NodeId id) {
        node(id).resume();
    }

    /** Runs {@code id}'s clock at {@code rate} times real speed (its timeouts slow down or speed up). */
    public void setClockRate(NodeId id, double rate) {
        node(id).setClockRate(rate);
    }

    /**
     * A scripted client write of {@code value} to {@code key}, sent to {@code node} (no redirects),
     * recorded in the history as its own process. Runs the simulation until the answer arrives or
     * five election timeouts pass; returns the answer, or {@code null} on timeout.
     */
    public ClientOutcome write(NodeId node, String key, String value) {
        KvCommand command = new KvCommand.Put(newClientId(), 1, key, value.getBytes(StandardCharsets.UTF_8));
        return scripted(node, "write", key, value, replica -> reply -> replica.write(command, reply));
    }

    /** A scripted client read of {@code key} at {@code node}; see {@link #write}. */
    public ClientOutcome read(NodeId node, String key) {
        return scripted(node, "read", key, null, replica -> reply -> replica.read(key, reply));
    }

    private ClientOutcome scripted(NodeId node, String f, String key, String value,
                                   Function<Replica, Consumer<Consumer<ClientOutcome>>> request) {
        long process = 1_000 + scriptedProcesses++;
        record(Event.invoke((int) process, f, key, value, nowNanos()));
        ClientOutcome[] answer = new ClientOutcome[1];
        toNode(node, replica -> request.apply(replica).accept(outcome -> toClient(() -> answer[0] = outcome)),
                () -> answer[0] = new ClientOutcome.Unreachable("connection refused"));
        runWhile(() -> answer[0] == null, scheduler.nowMicros() + electionMicros() * 5);
        ClientOutcome outcome = answer[0];
        Object completed = value;
        Outcome seen;
        if (outcome instanceof ClientOutcome.Read r) {
            completed = r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8);
            seen = r.value() == null ? new Outcome.NotFound(node.toString()) : new Outcome.Ok(r.value(), node.toString());
        } else if (outcome instanceof ClientOutcome.Applied a) {
            acknowledged(a.index(), a.term());
            seen = new Outcome.Ok(null, node.toString());
        } else if (outcome instanceof ClientOutcome.NotLeader || outcome instanceof ClientOutcome.Refused
                || outcome instanceof ClientOutcome.Unreachable) {
            seen = new Outcome.Failed(outcome.toString(), node.toString());
        } else {
            seen = new Outcome.Indeterminate(outcome == null ? "timeout" : outcome.toString(), node.toString());
        }
        record(new Event(Process.client((int) process), HistoryOutcome.type(f, seen), f, key, completed, nowNanos(),
                node.toString(), HistoryOutcome.error(seen)));
        return outcome;
    }

    /** The node that leads in the highest term among running nodes, if any. */
    public Optional<NodeId> currentLeader() {
        return leaderAmong(allNodes());
    }

    public Optional<NodeId> leaderAmong(Collection<NodeId> candidates) {
        NodeId best = null;
        long bestTerm = -1;
        for (NodeId id : candidates) {
            SimNode n = node(id);
            if (n.isUp() && n.core().role() == Role.LEADER && n.core().term() > bestTerm) {
                best = id;
                bestTerm = n.core().term();
            }
        }
        return Optional.ofNullable(best);
    }

    public Set<NodeId> allNodes() {
        Set<NodeId> ids = new TreeSet<>();
        nodes.forEach(n -> ids.add(n.id));
        return ids;
    }

    public Set<NodeId> othersThan(NodeId id) {
        Set<NodeId> ids = allNodes();
        ids.remove(id);
        return ids;
    }

    /** The Raft term and role of a node, for scenario assertions. */
    public titan.raft.Status status(NodeId id) {
        return node(id).core().status();
    }

    public List<Event> history() {
        return List.copyOf(history);
    }

    // ---------------------------------------------------------------- plumbing for nodes and clients

    SimOptions options() {
        return options;
    }

    /** This run's configuration (drawn from the seed under swarm testing). */
    public SimConfig config() {
        return config;
    }

    /**
     * A client may start a write on {@code key} only while fewer than
     * {@link SimConfig#writersPerKeyMax()} writes on it are in flight; each success must be paired
     * with {@link #endWrite}.
     */
    boolean tryStartWrite(String key) {
        int n = writesInFlight.getOrDefault(key, 0);
        if (n >= config.writersPerKeyMax()) {
            return false;
        }
        writesInFlight.put(key, n + 1);
        return true;
    }

    void endWrite(String key) {
        writesInFlight.merge(key, -1, Integer::sum);
    }

    SimScheduler scheduler() {
        return scheduler;
    }

    /** Whether the fault phase still runs (no heal-all yet): protocol-timed faults fire only then. */
    boolean faultsActive() {
        return nemesis.faultsActive();
    }

    SafetyMonitor monitor() {
        return monitor;
    }

    Trace trace() {
        return trace;
    }

    long now() {
        return scheduler.nowMicros();
    }

    long nowNanos() {
        return scheduler.nowMicros() * 1_000;
    }

    List<SimNode> nodes() {
        return nodes;
    }

    SimNode node(NodeId id) {
        return nodes.get(id.value() - 1);
    }

    boolean takeOp() {
        if (opsTaken >= options.ops()) {
            return false;
        }
        opsTaken++;
        return true;
    }

    String nextValue() {
        return Long.toString(++values);
    }

    long newClientId() {
        return ++clientIds;
    }

    void record(Event event) {
        history.add(event);
    }

    void acknowledged(long index, long term) {
        monitor.acknowledged(index, term);
    }

    /**
     * A client request travels to {@code to}. If the node is down when it arrives, the client
     * learns at once that nothing was delivered (a refused connection): {@code refused} runs after
     * a return trip. A paused node accepts it and answers only when resumed; a node that crashes
     * after accepting it never answers.
     */
    void toNode(NodeId to, Consumer<Replica> request, Runnable refused) {
        scheduler.after(network.delayMicros(), () -> {
            SimNode node = node(to);
            if (node.state() == SimNode.State.DOWN) {
                toClient(refused);
            } else {
                node.clientRequest(request);
            }
        });
    }

    /** A reply travels back to a client. */
    void toClient(Runnable delivery) {
        scheduler.after(network.delayMicros(), delivery);
    }

    private static String millis(long micros) {
        return String.format("%.1f ms", micros / 1000.0);
    }

    /** The cluster did not recover in time after every fault was healed. */
    static final class LivenessFailure extends RuntimeException {
        LivenessFailure(String message) {
            super(message, null, false, false);
        }
    }
}
