package titan.raft;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU cost of the pure Raft core: a 3-voter cluster in one thread, with messages passed
 * through an in-memory queue and no storage, commits {@code batch} proposals of 100 bytes per
 * invocation (propose, replicate, acknowledge, commit, apply). The score is per invocation; divide
 * by {@code batch} for the cost per entry. It bounds what the core alone allows before any disk or
 * network: the DESIGN's throughput targets need batching, and this shows what batching buys.
 *
 * <p>Pitfalls guarded against: the logs are compacted as they grow, so the measurement does not
 * drift with heap size; the committed index is returned so the work cannot be eliminated; the
 * leader is elected in setup, outside the measurement. {@link #baseline} builds the same
 * proposals without the core.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RaftCoreBenchmark {
    @Param({"1", "10", "100"})
    int batch;

    private final List<RaftCore> cores = new ArrayList<>();
    private final ArrayDeque<Message> network = new ArrayDeque<>();
    private final byte[] payload = new byte[100];
    private RaftCore leader;

    @Setup(Level.Trial)
    public void electLeader() {
        Membership voters = Membership.ofVoters(3);
        for (int i = 1; i <= 3; i++) {
            cores.add(new RaftCore(RaftConfig.defaults(NodeId.of(i)), PersistentState.bootstrap(voters),
                    new SplittableRandom(i)));
        }
        cores.get(0).campaign();
        driveUntil(() -> cores.get(0).role() == Role.LEADER && cores.get(0).commitIndex() >= 1);
        leader = cores.get(0);
    }

    @Benchmark
    public long proposeAndCommit() {
        long target = 0;
        for (int i = 0; i < batch; i++) {
            ProposalResult result = leader.propose(payload);
            target = ((ProposalResult.Accepted) result).index();
        }
        long goal = target;
        driveUntil(() -> cores.stream().allMatch(c -> c.appliedIndex() >= goal));
        compactIfLarge();
        return leader.commitIndex();
    }

    /** The same proposals' allocation without the core: what the core adds is the difference. */
    @Benchmark
    public int baseline() {
        int bytes = 0;
        for (int i = 0; i < batch; i++) {
            bytes += Entry.command(1, i + 1, payload).sizeBytes();
        }
        return bytes;
    }

    private void driveUntil(java.util.function.BooleanSupplier done) {
        while (!done.getAsBoolean()) {
            boolean progress = false;
            for (RaftCore core : cores) {
                Optional<Ready> ready = core.ready();
                if (ready.isPresent()) {
                    network.addAll(ready.get().messagesToSend());
                    core.advance(ready.get());
                    progress = true;
                }
            }
            while (!network.isEmpty()) {
                Message m = network.poll();
                cores.get(m.to().value() - 1).step(m);
                progress = true;
            }
            if (!progress) {
                cores.forEach(RaftCore::tick);
            }
        }
    }

    private void compactIfLarge() {
        for (RaftCore core : cores) {
            if (core.appliedIndex() - core.snapshotIndex() > 20_000) {
                core.compact(core.appliedIndex(), new byte[0]);
            }
        }
    }
}
