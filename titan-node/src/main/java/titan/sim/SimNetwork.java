package titan.sim;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

import titan.nemesis.NetworkFaults;
import titan.node.Transport;
import titan.raft.Message;
import titan.raft.NodeId;

/**
 * The simulated network between Titan nodes: per-message delay with jitter (so messages reorder),
 * loss, duplication, and cut links in any shape (a directed link matrix). Clients reach nodes over
 * links that are never cut, as Jepsen's control node does; their delays follow the same faults.
 */
public final class SimNetwork {
    private final SimScheduler scheduler;
    private final RandomGenerator random;
    private final Trace trace;
    private final boolean[][] cut;
    private final int nodeCount;
    private Consumer<Message> deliver = m -> { };
    private NetworkFaults faults = NetworkFaults.HEALTHY;
    private long sent;
    private long dropped;
    /** A node whose links to the others carry {@link #distantExtraMicros} more delay (0: none). */
    private int distantNode;
    private long distantExtraMicros;

    SimNetwork(SimScheduler scheduler, RandomGenerator random, int nodeCount, Trace trace) {
        this.scheduler = scheduler;
        this.random = random;
        this.nodeCount = nodeCount;
        this.trace = trace;
        this.cut = new boolean[nodeCount + 1][nodeCount + 1];
    }

    void onDeliver(Consumer<Message> deliver) {
        this.deliver = deliver;
    }

    /** The transport a node sends through. */
    Transport transportFor(NodeId node) {
        return this::send;
    }

    private void send(Message m) {
        sent++;
        if (isCut(m.from(), m.to()) || random.nextDouble() < faults.lossProbability()) {
            dropped++;
            trace.log(scheduler.nowMicros(), m.from(), () -> "drop " + trace.text(m));
            return;
        }
        scheduleDelivery(m);
        if (faults.duplicateProbability() > 0 && random.nextDouble() < faults.duplicateProbability()) {
            scheduleDelivery(m);
        }
    }

    private void scheduleDelivery(Message m) {
        long extra = m.from().value() == distantNode || m.to().value() == distantNode ? distantExtraMicros : 0;
        scheduler.after(delayMicros() + extra, () -> {
            if (isCut(m.from(), m.to())) {
                dropped++; // a partition that began while the message was in flight
                trace.log(scheduler.nowMicros(), m.to(), () -> "drop (in flight) " + trace.text(m));
                return;
            }
            deliver.accept(m);
        });
    }

    /** One message delay: the mean plus exponential jitter. */
    long delayMicros() {
        double jitter = faults.jitterMeanMicros() == 0 ? 0
                : -faults.jitterMeanMicros() * Math.log(1 - random.nextDouble());
        return faults.delayMeanMicros() + (long) jitter;
    }

    public boolean isCut(NodeId from, NodeId to) {
        return cut[from.value()][to.value()];
    }

    /** Cuts every link between {@code node} and the others, both ways. */
    public void isolate(NodeId node) {
        for (int other = 1; other <= nodeCount; other++) {
            if (other != node.value()) {
                cut[node.value()][other] = true;
                cut[other][node.value()] = true;
            }
        }
    }

    /** Cuts every link between different groups; nodes in no group keep all their links. */
    public void partition(List<? extends Collection<NodeId>> groups) {
        for (int a = 0; a < groups.size(); a++) {
            for (int b = 0; b < groups.size(); b++) {
                if (a == b) {
                    continue;
                }
                for (NodeId x : groups.get(a)) {
                    for (NodeId y : groups.get(b)) {
                        cut[x.value()][y.value()] = true;
                    }
                }
            }
        }
    }

    /** Cuts the link from {@code from} to {@code to} only (an asymmetric fault). */
    public void cutOneWay(NodeId from, NodeId to) {
        cut[from.value()][to.value()] = true;
    }

    /** Leaves exactly the links in {@code allowed} (pairs, both directions) between distinct nodes. */
    public void keepOnly(Set<List<NodeId>> allowed) {
        for (int a = 1; a <= nodeCount; a++) {
            for (int b = 1; b <= nodeCount; b++) {
                cut[a][b] = a != b;
            }
        }
        for (List<NodeId> pair : allowed) {
            cut[pair.get(0).value()][pair.get(1).value()] = false;
            cut[pair.get(1).value()][pair.get(0).value()] = false;
        }
    }

    /** Restores every link. */
    public void heal() {
        for (boolean[] row : cut) {
            java.util.Arrays.fill(row, false);
        }
    }

    /** Makes {@code node}'s links to the other nodes (not to clients) {@code extraMicros} slower each way. */
    public void setDistantNode(int node, long extraMicros) {
        if (node < 0 || node > nodeCount || extraMicros < 0) {
            throw new IllegalArgumentException("no node " + node + " or a negative delay " + extraMicros);
        }
        this.distantNode = node;
        this.distantExtraMicros = extraMicros;
    }

    public void setFaults(NetworkFaults faults) {
        this.faults = faults;
    }

    public NetworkFaults faults() {
        return faults;
    }

    public long sent() {
        return sent;
    }

    public long dropped() {
        return dropped;
    }
}
