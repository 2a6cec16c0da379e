package titan.node;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

import titan.node.kv.KvCommand;
import titan.node.kv.KvConfig;
import titan.node.kv.KvStateMachine;
import titan.raft.Membership;
import titan.raft.NodeId;
import titan.raft.PersistentState;
import titan.raft.RaftConfig;
import titan.raft.RaftCore;
import titan.raft.Role;
import titan.sim.SimDisk;

/**
 * Where a write's time goes, counted in syncs and network hops rather than timed on a noisy
 * machine (not a test): three {@link NodeDriver}s on simulated time, every sync taking
 * {@code syncMicros}, every message {@code hopMicros}, no CPU time at all, and open-loop writes to
 * the leader. It prints the write latency from arrival (p50, p99) in microseconds and in syncs,
 * writes per simulated second and syncs per node and second, for the driver that applies during a
 * sync and for the earlier rhythm side by side. Inputs of one instant are stepped before the node
 * drives, as the server's loop drains its mailbox before it drives. Run after
 * {@code ./mvnw -pl titan-node -am test-compile} with the test class path:
 * <pre>
 *   java -cp "titan-node/target/test-classes:titan-node/target/classes:$(cat cp.txt)" \
 *        titan.node.WritePathProbe [syncMicros] [hopMicros] [ratesPerSecond,...]
 * </pre>
 */
public final class WritePathProbe {
    /** Inputs of one instant run before the drives of that instant (phase 1), as the server's loop drains its mailbox. */
    private record Event(long atMicros, int phase, long seq, Runnable work) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            if (atMicros != o.atMicros) {
                return Long.compare(atMicros, o.atMicros);
            }
            return phase != o.phase ? Integer.compare(phase, o.phase) : Long.compare(seq, o.seq);
        }
    }

    private static final byte[] VALUE = "v".repeat(256).getBytes(StandardCharsets.UTF_8);

    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final Map<NodeId, NodeDriver> drivers = new TreeMap<>();
    private final long syncMicros;
    private final long hopMicros;
    private long nowMicros;
    private long seq;
    private long syncs;

    private WritePathProbe(long syncMicros, long hopMicros, boolean applyDuringSync) {
        this.syncMicros = syncMicros;
        this.hopMicros = hopMicros;
        for (int n = 1; n <= 3; n++) {
            NodeId id = NodeId.of(n);
            SimDisk disk = new SimDisk(id.toString());
            disk.recover();
            RaftCore core = new RaftCore(RaftConfig.defaults(id).withCheckQuorum(false),
                    PersistentState.bootstrap(Membership.ofVoters(3)), new SplittableRandom(n));
            Replica replica = new Replica(core, disk,
                    m -> input(nowMicros + hopMicros, m.to(), driver -> driver.deliver(m)),
                    new KvStateMachine(KvConfig.DEFAULT), new Replica.Options(1_000_000, Set.of()),
                    new Replica.Observer() { });
            drivers.put(id, new NodeDriver(replica, durable -> at(nowMicros + syncMicros, () -> {
                disk.sync();
                syncs++;
                durable.run();
            }), NodeDriver.AfterStep.NONE, applyDuringSync));
        }
    }

    public static void main(String[] args) {
        long syncMicros = args.length > 0 ? Long.parseLong(args[0]) : 5_000;
        long hopMicros = args.length > 1 ? Long.parseLong(args[1]) : 100;
        int[] rates = Arrays.stream((args.length > 2 ? args[2] : "1000,5000,20000,50000").split(","))
                .mapToInt(Integer::parseInt).toArray();
        System.out.printf("sync %d us, one network hop %d us, 3 nodes, open-loop writes to the leader (Poisson"
                + " arrivals), latency from arrival%n", syncMicros, hopMicros);
        System.out.printf("%-9s %-22s %10s %10s %8s %8s %12s %12s%n", "rate/s", "driver", "p50 us", "p99 us",
                "p50/sync", "p99/sync", "writes/s", "syncs/s/node");
        for (int rate : rates) {
            for (boolean pipelined : new boolean[] {false, true}) {
                new WritePathProbe(syncMicros, hopMicros, pipelined).run(rate, pipelined);
            }
        }
    }

    private void run(int ratePerSecond, boolean pipelined) {
        NodeId leader = NodeId.of(1);
        drivers.get(leader).replica().core().campaign();
        drivers.get(leader).drive();
        runUntil(nowMicros + 1_000_000);
        if (drivers.get(leader).replica().core().role() != Role.LEADER) {
            throw new IllegalStateException("n1 was not elected");
        }
        long warmupEnd = nowMicros + 1_000_000;
        long end = warmupEnd + 5_000_000;
        List<Long> latencies = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(42);
        double meanGapMicros = 1e6 / ratePerSecond;
        long arrival = nowMicros;
        long id = 0;
        while (arrival < end) {
            arrival += (long) Math.ceil(-Math.log(1 - random.nextDouble()) * meanGapMicros);
            write(leader, ++id, arrival, warmupEnd, end, latencies);
        }
        long syncsBefore = syncs;
        runUntil(end + 2_000_000);
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        long p50 = sorted[(int) (sorted.length * 0.50)];
        long p99 = sorted[(int) Math.min(sorted.length - 1, sorted.length * 0.99)];
        System.out.printf("%-9d %-22s %10d %10d %8.2f %8.2f %12.0f %12.0f%n", ratePerSecond,
                pipelined ? "apply during sync" : "wait for syncs (main)", p50, p99, p50 / (double) syncMicros,
                p99 / (double) syncMicros, sorted.length / ((end - warmupEnd) / 1e6),
                (syncs - syncsBefore) / 3 / ((end - warmupEnd + 3_000_000) / 1e6));
    }

    private void write(NodeId leader, long id, long arrivalMicros, long warmupEnd, long end, List<Long> latencies) {
        KvCommand put = new KvCommand.Put(id, 1, "k" + (id % 1000), VALUE);
        input(arrivalMicros, leader, driver -> driver.step(() -> driver.replica().write(put, outcome -> {
            if (!(outcome instanceof ClientOutcome.Applied)) {
                throw new IllegalStateException("write failed: " + outcome);
            }
            if (arrivalMicros >= warmupEnd && arrivalMicros < end) {
                latencies.add(nowMicros - arrivalMicros);
            }
        })));
    }

    /** An input to {@code node} at {@code micros}, and one drive of that node after every input of that instant. */
    private void input(long micros, NodeId node, java.util.function.Consumer<NodeDriver> work) {
        NodeDriver driver = drivers.get(node);
        events.add(new Event(micros, 0, seq++, () -> work.accept(driver)));
        events.add(new Event(micros, 1, seq++, driver::drive));
    }

    private void at(long micros, Runnable work) {
        events.add(new Event(micros, 0, seq++, work));
    }

    private void runUntil(long micros) {
        while (!events.isEmpty() && events.peek().atMicros() <= micros) {
            Event e = events.poll();
            nowMicros = e.atMicros();
            e.work().run();
        }
        nowMicros = micros;
    }
}
