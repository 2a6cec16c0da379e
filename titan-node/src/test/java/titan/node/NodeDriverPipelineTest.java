package titan.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
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
 * The driver does not make a write wait for syncs it does not need: the leader's acknowledgements
 * are stepped while its sync of newer entries runs, and the write they commit is answered before
 * that sync ends. Method: three nodes by hand; the followers sync at once, the leader's syncs
 * complete only when the test says so.
 */
class NodeDriverPipelineTest {
    private static final NodeId N1 = NodeId.of(1);

    private final Map<NodeId, NodeDriver> drivers = new TreeMap<>();
    private final Map<NodeId, RaftCore> cores = new TreeMap<>();
    private final List<Message> queue = new ArrayList<>();
    private final ArrayDeque<Runnable> leaderSyncs = new ArrayDeque<>();
    private long nextClient = 1;

    NodeDriverPipelineTest() {
        for (NodeId id : List.of(N1, NodeId.of(2), NodeId.of(3))) {
            SimDisk disk = new SimDisk(id.toString());
            disk.recover();
            RaftCore core = new RaftCore(RaftConfig.defaults(id).withCheckQuorum(false),
                    PersistentState.bootstrap(Membership.ofVoters(3)), new SplittableRandom(id.value()));
            Replica replica = new Replica(core, disk, queue::add, new KvStateMachine(KvConfig.DEFAULT),
                    new Replica.Options(10_000, Set.of()), new Replica.Observer() { });
            cores.put(id, core);
            boolean held = id.equals(N1);
            drivers.put(id, new NodeDriver(replica, durable -> {
                Runnable sync = () -> {
                    disk.sync();
                    durable.run();
                };
                if (held) {
                    leaderSyncs.add(sync);
                } else {
                    sync.run();
                }
            }, NodeDriver.AfterStep.NONE));
        }
        cores.get(N1).campaign();
        drivers.get(N1).drive();
        settle();
        assertThat(cores.get(N1).role()).isEqualTo(Role.LEADER);
    }

    @Test
    void aWriteIsAnsweredWhileTheLeadersNextSyncRuns() {
        List<ClientOutcome> first = write("a");
        assertThat(leaderSyncs).hasSize(1);
        leaderSyncs.poll().run(); // `a` durable on the leader; its AppendRequests left before the sync
        List<ClientOutcome> second = write("b");
        assertThat(leaderSyncs).as("the sync of b is running").hasSize(1);

        deliverQueued(); // the followers persist a and b and acknowledge; the leader is still syncing b
        assertThat(drivers.get(N1).isSyncing()).isTrue();
        assertThat(first).singleElement().isInstanceOf(ClientOutcome.Applied.class);
        assertThat(second).as("b is not durable on the leader yet").isEmpty();

        settle();
        assertThat(second).singleElement().isInstanceOf(ClientOutcome.Applied.class);
    }

    @Test
    void aReadConfirmedDuringTheSyncIsAnsweredDuringIt() {
        settle();
        List<ClientOutcome> read = new ArrayList<>();
        drivers.get(N1).input(() -> drivers.get(N1).replica().read("k", read::add)); // heartbeat round sent
        write("a"); // a sync starts; the heartbeat answers arrive during it
        assertThat(leaderSyncs).hasSize(1);
        deliverQueued();
        assertThat(drivers.get(N1).isSyncing()).isTrue();
        assertThat(read).singleElement().isInstanceOf(ClientOutcome.Read.class);
        settle();
    }

    private List<ClientOutcome> write(String value) {
        List<ClientOutcome> outcome = new ArrayList<>();
        KvCommand put = new KvCommand.Put(nextClient++, 1, "k", value.getBytes(StandardCharsets.UTF_8));
        drivers.get(N1).input(() -> drivers.get(N1).replica().write(put, outcome::add));
        return outcome;
    }

    /** Delivers what is queued now and what the deliveries produce, without completing leader syncs. */
    private void deliverQueued() {
        for (int round = 0; round < 1_000 && !queue.isEmpty(); round++) {
            List<Message> batch = new ArrayList<>(queue);
            queue.clear();
            batch.forEach(m -> drivers.get(m.to()).input(m));
        }
    }

    /** Delivers everything and completes every leader sync until the cluster is quiet. */
    private void settle() {
        for (int round = 0; round < 1_000 && !(queue.isEmpty() && leaderSyncs.isEmpty()); round++) {
            deliverQueued();
            while (!leaderSyncs.isEmpty()) {
                leaderSyncs.poll().run();
            }
        }
        assertThat(queue).isEmpty();
    }
}
