package titan.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

import titan.node.ClientOutcome;
import titan.node.Replica;
import titan.node.api.KvRequest;
import titan.node.kv.KvCommand;
import titan.node.kv.KvConfig;
import titan.node.kv.KvStateMachine;
import titan.node.storage.LogStore;
import titan.raft.Membership;
import titan.raft.NodeId;
import titan.raft.PersistentState;
import titan.raft.RaftConfig;
import titan.raft.RaftCore;
import titan.sim.SimDisk;

/**
 * The request deadline of {@link NodeLoop}: a request without an outcome is answered by the loop's
 * sweep once the loop's clock passes its deadline, never before, and only once. The loop runs on
 * its own thread over a one-voter cluster whose WAL sync hangs on demand; the loop's nanosecond
 * clock is the test's, so ten seconds pass in no time. Polls with a real-time deadline (threads).
 */
class NodeLoopDeadlineTest {
    private static final NodeId N1 = new NodeId(1);
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    @Test
    void aWriteStuckBehindAHungSyncIsAnsweredIndeterminateAtItsDeadlineOnce() throws Exception {
        AtomicLong clock = new AtomicLong();
        CountDownLatch release = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean hang = new java.util.concurrent.atomic.AtomicBoolean();
        SimDisk disk = new SimDisk("n1");
        disk.recover();
        LogStore store = (LogStore) Proxy.newProxyInstance(LogStore.class.getClassLoader(),
                new Class<?>[] {LogStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("sync") && hang.get()) {
                        release.await(30, TimeUnit.SECONDS);
                    }
                    try {
                        return method.invoke(disk, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        RaftCore core = new RaftCore(RaftConfig.defaults(N1), PersistentState.bootstrap(Membership.ofVoters(Set.of(N1))),
                new SplittableRandom(1));
        Replica replica = new Replica(core, store, message -> { }, new KvStateMachine(KvConfig.DEFAULT),
                new Replica.Options(100_000, Set.of()), new Replica.Observer() { });
        NodeLoop loop = new NodeLoop(N1, "t", core, replica, store, 1024, clock::get, TICK_NANOS,
                NodeLoop.LeaderDirectory.NONE, new SimpleMeterRegistry(), t -> { });
        loop.start();
        try {
            await(() -> {
                clock.addAndGet(TICK_NANOS);
                return "leader".equals(loop.status().role());
            });
            List<ClientOutcome> first = write(loop, 1); // commits: syncs still work
            await(() -> !first.isEmpty());
            assertThat(first.get(0)).isInstanceOf(ClientOutcome.Applied.class);

            hang.set(true);
            List<ClientOutcome> stuck = write(loop, 2); // its sync hangs: no outcome of its own
            wholeRound(loop); // the loop has taken it from the mailbox: its deadline runs from now
            clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(9_900));
            wholeRound(loop); // ... and has swept at 9.9 s
            assertThat(stuck).isEmpty();

            clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(200));
            await(() -> !stuck.isEmpty());
            assertThat(stuck.get(0)).isInstanceOf(ClientOutcome.Indeterminate.class);
            assertThat(((ClientOutcome.Indeterminate) stuck.get(0)).reason()).contains("no outcome within 10000 ms");

            release.countDown(); // the entry commits late: its reply must not answer a second time
            List<ClientOutcome> after = write(loop, 3);
            await(() -> !after.isEmpty());
            assertThat(stuck).hasSize(1);
        } finally {
            release.countDown();
            loop.close();
        }
    }

    private static List<ClientOutcome> write(NodeLoop loop, long sequence) {
        List<ClientOutcome> outcomes = new CopyOnWriteArrayList<>();
        loop.submit(new KvRequest.Write(new KvCommand.Put(7, sequence, "k",
                ("v" + sequence).getBytes(StandardCharsets.UTF_8))), outcomes::add);
        return outcomes;
    }

    /**
     * Returns once the loop has run a whole round after the call: the loop publishes a new status
     * object at the end of every round, so the second new one comes from a round begun after it.
     */
    private static void wholeRound(NodeLoop loop) throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            Object seen = loop.status();
            await(() -> loop.status() != seen);
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("condition within 10 s").isNegative();
            Thread.sleep(5);
        }
    }
}
