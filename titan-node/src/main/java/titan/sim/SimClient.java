package titan.sim;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

import titan.checker.history.Event;
import titan.checker.history.EventType;
import titan.checker.history.Process;
import titan.client.HistoryOutcome;
import titan.client.Outcome;
import titan.node.ClientOutcome;
import titan.node.kv.KvCommand;
import titan.node.kv.KvResult;
import titan.raft.NodeId;

/**
 * One simulated client worker, Jepsen-style: it runs one operation at a time as a logical
 * process, records an {@code invoke} and then exactly one completion. A write whose fate is
 * unknown (a timeout, a lost connection) is retried with the same session sequence, which the
 * state machine's sessions apply at most once; if it stays unknown it completes as {@code info}
 * and the worker continues as a new process with a new session.
 */
final class SimClient {
    private final Simulation sim;
    private final RandomGenerator random;
    private final Map<String, String> lastSeen = new HashMap<>();

    private long process;
    private long clientId;
    private long sequence = 1;
    private boolean sessionStarted;
    private NodeId target;

    /** The operation in flight, or {@code null}. */
    private Op op;
    private long attempt;
    private boolean finalReads;
    private int finalReadKey;

    /** One operation: its history fields and, for writes, the command. */
    private static final class Op {
        final String f;
        final String key;
        final Object value;
        final KvCommand command;
        final long deadlineMicros;
        /** For reads: the highest index acknowledged to any client when this read was invoked. */
        long ackedBefore;
        boolean maybeApplied;
        NodeId lastNode;

        Op(String f, String key, Object value, KvCommand command, long deadlineMicros) {
            this.f = f;
            this.key = key;
            this.value = value;
            this.command = command;
            this.deadlineMicros = deadlineMicros;
        }
    }

    SimClient(int worker, Simulation sim, RandomGenerator random) {
        this.sim = sim;
        this.random = random;
        this.process = worker;
        this.clientId = sim.newClientId();
        this.target = NodeId.of(1 + random.nextInt(sim.options().nodes()));
    }

    boolean idle() {
        return op == null;
    }

    // ---------------------------------------------------------------- the workload

    /** Starts the next workload operation if the budget allows; otherwise the worker stays idle. */
    void next() {
        if (!sim.takeOp()) {
            return;
        }
        String key = "k" + random.nextInt(sim.options().keys());
        int roll = random.nextInt(100);
        long deadline = sim.now() + sim.config().opTimeoutMicros();
        if (roll >= 35 && !sim.tryStartWrite(key)) {
            roll = 0; // enough writers on this key already: read it instead
        }
        if (roll < 35) {
            // Reads start at any node, as behind a load balancer (Jepsen spreads clients over all
            // nodes); a node that is not the leader redirects. This is what exposes a deposed
            // leader that still serves reads.
            target = NodeId.of(1 + random.nextInt(sim.options().nodes()));
            begin(new Op("read", key, null, null, deadline));
        } else if (roll < 60) {
            // Every value is a token that is no other token's prefix (w1; c2; a3;), as in the lab's kv
            // workload: then a read's value tells the order of the operations before it, and the
            // checker's append epochs (docs/checker.md) apply. Bare numbers (13 and 133) switched them
            // off, and keys with many unknown writes came back undecided.
            String v = "w" + sim.nextValue() + ";";
            begin(new Op("write", key, v, new KvCommand.Put(clientId, sequence, key, bytes(v)), deadline));
        } else if (roll < 80 && lastSeen.get(key) != null) {
            String expected = lastSeen.get(key);
            String v = "c" + sim.nextValue() + ";";
            begin(new Op("cas", key, List.of(expected, v),
                    new KvCommand.Cas(clientId, sequence, key, bytes(expected), bytes(v)), deadline));
        } else if (roll < 95) {
            String suffix = "a" + sim.nextValue() + ";";
            begin(new Op("append", key, suffix, new KvCommand.Append(clientId, sequence, key, bytes(suffix)),
                    deadline));
        } else {
            begin(new Op("delete", key, null, new KvCommand.Delete(clientId, sequence, key), deadline));
        }
    }

    /** After the workload and healing: read every key once, retrying until it succeeds. */
    void startFinalReads() {
        finalReads = true;
        finalReadKey = 0;
        nextFinalRead();
    }

    private void nextFinalRead() {
        if (finalReadKey >= sim.options().keys()) {
            finalReads = false;
            return;
        }
        String key = "k" + finalReadKey++;
        begin(new Op("read", key, null, null, sim.now() + sim.config().opTimeoutMicros()));
    }

    private void begin(Op next) {
        op = next;
        if (op.command == null) {
            op.ackedBefore = sim.monitor().ackedIndexMax();
        }
        sim.record(Event.invoke((int) process, op.f, op.key, op.value, sim.nowNanos()));
        sim.trace().event(sim.now(), null, "client", () -> "p" + process + " invoke " + op.f + " " + op.key
                + (op.value == null ? "" : " " + op.value));
        send();
    }

    // ---------------------------------------------------------------- attempts

    private void send() {
        long id = ++attempt;
        Op current = op;
        // Some attempts go to a random node rather than the one believed to lead: a deposed leader
        // is then asked within its window, and its answers reach the history.
        NodeId to = random.nextInt(100) < sim.config().randomTargetPercent()
                ? NodeId.of(1 + random.nextInt(sim.options().nodes())) : target;
        current.lastNode = to;
        sim.toNode(to, replica -> {
            if (current.command == null) {
                replica.read(current.key, outcome -> {
                    if (outcome instanceof ClientOutcome.Read) {
                        // The rule at the moment of the act: a read is served at an applied index at
                        // least as high as every write acknowledged before it was asked (§6.4).
                        sim.monitor().readServed(to, replica.stateMachine().appliedIndex(), current.ackedBefore);
                    }
                    sim.toClient(() -> onReply(id, to, outcome));
                });
            } else {
                replica.write(current.command, outcome -> sim.toClient(() -> onReply(id, to, outcome)));
            }
        }, () -> onReply(id, to, new ClientOutcome.Unreachable("connection refused")));
        sim.scheduler().after(sim.config().attemptTimeoutMicros(), () -> onTimeout(id));
    }

    private void onTimeout(long id) {
        if (id != attempt || op == null) {
            return;
        }
        if (op.command != null) {
            op.maybeApplied = true; // it may have reached the log before the silence
        }
        target = otherNode(target);
        retryOrGiveUp("timeout");
    }

    private void onReply(long id, NodeId from, ClientOutcome outcome) {
        if (id != attempt || op == null) {
            return; // a late answer to an attempt we gave up on
        }
        attempt++; // cancels this attempt's timeout
        if (outcome instanceof ClientOutcome.Read r) {
            String v = r.value() == null ? null : text(r.value());
            lastSeen.put(op.key, v);
            complete(r.value() == null ? new Outcome.NotFound(node(from)) : new Outcome.Ok(r.value(), node(from)), v);
        } else if (outcome instanceof ClientOutcome.Applied a) {
            onApplied(a);
        } else if (outcome instanceof ClientOutcome.NotLeader n) {
            target = n.leaderHint() != null && !n.leaderHint().equals(from) ? n.leaderHint() : otherNode(from);
            retryOrGiveUp("not leader");
        } else if (outcome instanceof ClientOutcome.Unreachable u) {
            target = otherNode(from);
            retryOrGiveUp(u.reason());
        } else if (outcome instanceof ClientOutcome.Refused r) {
            if (op.maybeApplied) {
                target = otherNode(from);
                retryOrGiveUp(r.reason());
            } else {
                complete(new Outcome.Failed(r.reason(), node(from)), op.value);
            }
        } else if (outcome instanceof ClientOutcome.Indeterminate i) {
            op.maybeApplied = true;
            target = otherNode(from);
            retryOrGiveUp(i.reason());
        }
    }

    private void onApplied(ClientOutcome.Applied a) {
        KvResult result = a.result();
        if (result instanceof KvResult.Stale || result instanceof KvResult.SessionExpired) {
            complete(new Outcome.Indeterminate(result.toString(), lastNode()), op.value); // this copy did nothing; an earlier one may have
            return;
        }
        sim.acknowledged(a.index(), a.term());
        sessionStarted = true;
        if (result instanceof KvResult.CasMismatch m) {
            lastSeen.put(op.key, m.current() == null ? null : text(m.current()));
            complete(new Outcome.CasMismatch(m.current(), lastNode()), op.value);
        } else if (result instanceof KvResult.Rejected r) {
            complete(new Outcome.Failed(r.reason(), lastNode()), op.value);
        } else {
            if (op.f.equals("write")) {
                lastSeen.put(op.key, (String) op.value);
            } else if (op.f.equals("cas")) {
                lastSeen.put(op.key, (String) ((List<?>) op.value).get(1));
            } else if (op.f.equals("delete")) {
                lastSeen.remove(op.key);
            }
            complete(new Outcome.Ok(null, lastNode()), op.value);
        }
    }

    /** Retries after a short pause if the operation's deadline allows; otherwise completes it. */
    private void retryOrGiveUp(String reason) {
        if (sim.now() + 1_000 < op.deadlineMicros) {
            long id = attempt;
            sim.scheduler().after(200 + random.nextLong(800), () -> {
                if (id == attempt && op != null) {
                    send();
                }
            });
            return;
        }
        // A read that got no answer did not happen (it has no effect); a write is unknown once it may
        // have reached a log, and definitely failed before that.
        if (op.command == null || op.maybeApplied) {
            complete(new Outcome.Indeterminate(reason, lastNode()), op.command == null ? null : op.value);
        } else {
            complete(new Outcome.Failed(reason, lastNode()), op.value);
        }
    }

    private String lastNode() {
        return op.lastNode == null ? null : op.lastNode.toString();
    }

    private static String node(NodeId id) {
        return id.toString();
    }

    private void complete(Outcome outcome, Object value) {
        EventType type = HistoryOutcome.type(op.f, outcome);
        String error = HistoryOutcome.error(outcome);
        Op done = op;
        op = null;
        if (done.command != null) {
            sim.endWrite(done.key);
        }
        attempt++;
        sim.record(new Event(Process.client((int) process), type, done.f, done.key, value, sim.nowNanos(),
                done.lastNode == null ? null : done.lastNode.toString(), error));
        sim.trace().event(sim.now(), done.lastNode, "client", () -> "p" + process + " " + type.wireName() + " " + done.f + " "
                + done.key + (value == null ? "" : " " + value) + (error == null ? "" : " (" + error + ")"));
        if (HistoryOutcome.retiresProcess(type)) {
            // Jepsen: a process with an operation of unknown fate never issues another; start afresh.
            process += sim.config().clients();
            clientId = sim.newClientId();
            sequence = 1;
            sessionStarted = false;
        } else if (done.command != null && (sessionStarted || type == EventType.OK)) {
            sequence++;
        }
        if (finalReads) {
            if (type == EventType.OK) {
                nextFinalRead();
            } else {
                finalReadKey--; // try the same key again
                sim.scheduler().after(1_000, this::nextFinalRead);
            }
            return;
        }
        sim.scheduler().after(random.nextLong(500), this::next);
    }

    private NodeId otherNode(NodeId not) {
        int n = sim.options().nodes();
        if (n == 1) {
            return not;
        }
        int pick = 1 + random.nextInt(n - 1);
        return NodeId.of(pick >= not.value() ? pick + 1 : pick);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
