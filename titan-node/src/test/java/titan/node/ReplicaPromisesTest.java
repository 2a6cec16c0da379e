package titan.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import titan.node.kv.KvCommand;
import titan.node.kv.KvConfig;
import titan.node.kv.KvStateMachine;
import titan.raft.Membership;
import titan.raft.Message;
import titan.raft.NodeId;
import titan.raft.PersistentState;
import titan.raft.RaftConfig;
import titan.raft.RaftCore;
import titan.raft.Role;
import titan.sim.SimDisk;

/**
 * What {@link Replica} promises a client, driven by hand through {@link NodeDriver} on three nodes
 * with instant syncs and a message queue: a write is answered only once it is committed and
 * applied; a write whose entry another leader overwrote is refused (it can never commit); a write
 * whose index the same node reuses later, or that an installed snapshot covers, is indeterminate
 * (another server may still hold it).
 */
class ReplicaPromisesTest {
    private static final NodeId N1 = NodeId.of(1);
    private static final NodeId N2 = NodeId.of(2);
    private static final NodeId N3 = NodeId.of(3);

    private final Map<NodeId, NodeDriver> drivers = new TreeMap<>();
    private final Map<NodeId, RaftCore> cores = new TreeMap<>();
    private final List<Message> queue = new ArrayList<>();
    private final Set<NodeId> isolated = new HashSet<>();
    private long nextClient = 1;

    ReplicaPromisesTest() {
        setUp(10_000);
    }

    private void setUp(long snapshotEveryEntries) {
        drivers.clear();
        cores.clear();
        queue.clear();
        for (NodeId id : List.of(N1, N2, N3)) {
            SimDisk disk = new SimDisk(id.toString());
            disk.recover();
            // No check-quorum: elections here are started by hand, and a lease would make the voters refuse them.
            RaftCore core = new RaftCore(RaftConfig.defaults(id).withCheckQuorum(false),
                    PersistentState.bootstrap(Membership.ofVoters(3)),
                    new SplittableRandom(id.value()));
            Replica replica = new Replica(core, disk, queue::add, new KvStateMachine(KvConfig.DEFAULT),
                    new Replica.Options(snapshotEveryEntries, Set.of()), new Replica.Observer() { });
            cores.put(id, core);
            drivers.put(id, new NodeDriver(replica, durable -> {
                disk.sync();
                durable.run();
            }, NodeDriver.AfterStep.NONE));
        }
    }

    @Test
    void aWriteIsAnsweredOnlyOnceCommittedAndApplied() {
        elect(N1);
        List<ClientOutcome> outcome = write(N1, "a");
        // Method: hold every message: the leader has the entry durably, but no majority does.
        assertThat(outcome).isEmpty();
        deliverAll();
        assertThat(outcome).singleElement().isInstanceOf(ClientOutcome.Applied.class);
    }

    @Test
    void aWriteOverwrittenByAnotherLeaderIsRefused() {
        elect(N1);
        isolated.add(N1);
        List<ClientOutcome> lost = write(N1, "lost"); // index 2 on n1 only
        deliverAll();
        elect(N2); // n2 and n3 elect n2, whose no-op takes index 2
        List<ClientOutcome> kept = write(N2, "kept");
        deliverAll();
        assertThat(kept).singleElement().isInstanceOf(ClientOutcome.Applied.class);
        isolated.clear();
        heartbeat(N2); // n1 learns of term 2, its entry 2 is replaced and the committed one applied
        assertThat(lost).singleElement().isInstanceOf(ClientOutcome.Refused.class);
    }

    @Test
    void aWriteWhoseIndexTheNodeReusesIsIndeterminate() {
        elect(N1);
        isolated.add(N1);
        List<ClientOutcome> a = write(N1, "a"); // 2@1, 3@1, 4@1 on n1 only
        List<ClientOutcome> b = write(N1, "b");
        List<ClientOutcome> c = write(N1, "c");
        deliverAll();
        elect(N2); // term 2: n2's no-op takes index 2 on n2 and n3 and commits
        isolated.clear();
        heartbeat(N2); // n1 replaces 2@1 by 2@2 and drops 3@1 and 4@1
        assertThat(a).singleElement().isInstanceOf(ClientOutcome.Refused.class);
        cores.get(N2).transferLeadership(N1);
        drivers.get(N2).drive();
        deliverAll();
        assertThat(cores.get(N1).role()).isEqualTo(Role.LEADER); // term 3, its no-op at index 3
        assertThat(b).singleElement().isInstanceOf(ClientOutcome.Refused.class); // 3@3 took b's index
        // n1 reuses index 4 for a new write: c's entry is gone here, but n1 cannot know whether
        // another server holds it (in general one may), so c's fate is unknown.
        List<ClientOutcome> d = write(N1, "d");
        assertThat(c).singleElement().isInstanceOf(ClientOutcome.Indeterminate.class);
        deliverAll();
        assertThat(d).singleElement().isInstanceOf(ClientOutcome.Applied.class);
    }

    @Test
    void aWriteCoveredByAnInstalledSnapshotIsIndeterminate() {
        ReplicaPromisesTest env = this;
        env.setUp(5); // compact every 5 applied entries
        env.elect(N1);
        env.isolated.add(N1);
        List<ClientOutcome> e = env.write(N1, "e"); // 2@1 on n1 only
        env.deliverAll();
        env.elect(N2);
        for (int i = 0; i < 12; i++) {
            env.write(N2, "filler" + i);
            env.deliverAll();
        }
        assertThat(env.cores.get(N2).snapshotIndex()).isGreaterThan(2);
        env.isolated.clear();
        env.heartbeat(N2); // n1 is too far behind for n2's log: it gets a snapshot covering index 2
        assertThat(env.cores.get(N1).snapshotIndex()).isGreaterThan(2);
        assertThat(e).singleElement().isInstanceOf(ClientOutcome.Indeterminate.class);
    }

    // ------------------------------------------------------------------ driving

    private void elect(NodeId id) {
        cores.get(id).campaign();
        drivers.get(id).drive();
        deliverAll();
        assertThat(cores.get(id).role()).isEqualTo(Role.LEADER);
    }

    private void heartbeat(NodeId leader) {
        for (int i = 0; i < RaftConfig.defaults(leader).heartbeatTicks(); i++) {
            drivers.get(leader).input(cores.get(leader)::tick);
        }
        deliverAll();
    }

    private List<ClientOutcome> write(NodeId node, String value) {
        List<ClientOutcome> outcome = new ArrayList<>();
        KvCommand put = new KvCommand.Put(nextClient++, 1, "k", value.getBytes(StandardCharsets.UTF_8));
        drivers.get(node).input(() -> drivers.get(node).replica().write(put, outcome::add));
        return outcome;
    }

    /** Delivers queued messages until none is left; messages to or from an isolated node are lost. */
    private void deliverAll() {
        for (int round = 0; round < 1_000 && !queue.isEmpty(); round++) {
            List<Message> batch = new ArrayList<>(queue);
            queue.clear();
            for (Message m : batch) {
                if (!isolated.contains(m.from()) && !isolated.contains(m.to())) {
                    drivers.get(m.to()).input(() -> cores.get(m.to()).step(m));
                }
            }
        }
        assertThat(queue).as("the cluster went quiet").isEmpty();
    }
}
