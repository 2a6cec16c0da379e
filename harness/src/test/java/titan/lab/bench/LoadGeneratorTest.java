package titan.lab.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import titan.client.TitanClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The load generator on simulated time against a fake server of known capacity (one request at a
 * time, 1 ms each, so at most 1,000 requests/s), with and without a one-second stall. Everything is
 * deterministic and runs without sleeping, so the figures can be asserted exactly enough to fail.
 */
class LoadGeneratorTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    private final SimLoadClock clock = new SimLoadClock();
    private final List<String> progress = new ArrayList<>();

    private LoadGenerator generator(int maxInFlight) {
        LoadGenerator.Settings settings = new LoadGenerator.Settings(Duration.ofSeconds(1), Duration.ofSeconds(10),
                Duration.ofSeconds(1), Duration.ofSeconds(5), maxInFlight, 7, 0);
        return new LoadGenerator(clock, new Workload(100, 256, Mix.parse("writes")), settings,
                (phase, elapsed, total, point) -> progress.add(phase + " " + elapsed + "/" + total));
    }

    private List<TitanClient> clients(FakeServer server) {
        return List.of(new FakeTitanClient(clock, server, "n1"));
    }

    // A healthy server: the closed loop saturates it (1,000/s, 1 ms each); an open loop at half of
    // that sees 1 ms too; the warm-up second is not counted; one interval point per measured second.
    @Test
    void healthyServerGivesItsCapacityAndServiceTime() throws InterruptedException {
        FakeServer server = new FakeServer(1, MS);
        PhaseResult closed = generator(1000).closedLoop("tcp", clients(server), 1);
        assertThat(closed.throughput()).isCloseTo(1000, within(2.0));
        assertThat(closed.latencyMillisAt(99)).isCloseTo(1.0, within(0.01));
        assertThat(closed.intervals()).hasSize(10);
        assertThat(closed.intervals().get(0).count()).isBetween(999L, 1001L);

        PhaseResult open = generator(1000).openLoop("tcp", clients(server), 500);
        assertThat(open.ok()).isEqualTo(5000); // exactly the measured window's requests
        assertThat(open.latencyMillisAt(99.9)).isCloseTo(1.0, within(0.01));
        assertThat(open.unfinished()).isZero();
        assertThat(progress).anyMatch(line -> line.startsWith("tcp open loop at 500/s"));
    }

    // A stall of one second (3 s to 4 s): at 500 requests/s, about 1,000 requests (20%) wait behind
    // it, so the open loop's p90 and p99 rise to hundreds of milliseconds. The closed loop with one
    // caller sends only ONE request into the stall: its p99 stays at 1 ms (coordinated omission);
    // the stall shows in it only as the max and as lost throughput, which is why the report puts the
    // open-loop percentiles first.
    @Test
    void aStallInflatesTheOpenLoopTailButHidesInTheClosedLoop() throws InterruptedException {
        PhaseResult open = generator(10_000).openLoop("tcp", clients(new FakeServer(1, MS).stall(3 * S, 4 * S)), 500);
        assertThat(open.latencyMillisAt(99)).isGreaterThan(800);
        assertThat(open.latencyMillisAt(90)).isGreaterThan(300);
        assertThat(open.latencyMillisAt(50)).isLessThan(1.5);
        assertThat(open.ok()).isEqualTo(5000);

        clock.sleepUntil(clock.nanoTime() + S);
        long closedStart = clock.nanoTime();
        FakeServer stalled = new FakeServer(1, MS).stall(closedStart + 3 * S, closedStart + 4 * S);
        PhaseResult closed = generator(10_000).closedLoop("tcp", clients(stalled), 1);
        assertThat(closed.latencyMillisAt(99)).isLessThan(1.5);
        assertThat(closed.latencyMillisAt(99.9)).isLessThan(1.5);
        assertThat(closed.latency().getMaxValue() / 1000.0).isGreaterThan(900);
        assertThat(closed.throughput()).isCloseTo(900, within(5.0));
        // Latency over time shows the stall where it happened: the interval from 2 s to 3 s after
        // the warm-up (3 s to 4 s of the phase) has few requests; the next one holds the slow one.
        assertThat(closed.intervals().get(2).count()).isLessThan(10);
        assertThat(closed.intervals().get(3).maxMillis()).isGreaterThan(900);
    }

    // wrk2's correction: with one request in flight (one connection, no pipelining), the requests
    // queued behind the stall wait in the client. Timed from their actual send (service time) they
    // look fast; timed from their intended send time they are not.
    @Test
    void latencyIsMeasuredFromTheIntendedSendTime() throws InterruptedException {
        PhaseResult open = generator(1).openLoop("tcp", clients(new FakeServer(1, MS).stall(3 * S, 4 * S)), 500);
        assertThat(open.serviceTime().getValueAtPercentile(99) / 1000.0).isLessThan(1.5);
        assertThat(open.latencyMillisAt(99)).isGreaterThan(800);
    }

    // More offered load than capacity: the open loop cannot keep up, latency grows without bound
    // over the run, and requests still queued at the end are waited for (drain) and counted.
    @Test
    void overloadShowsAsGrowingLatencyNotAsLostRequests() throws InterruptedException {
        PhaseResult open = generator(100_000).openLoop("tcp", clients(new FakeServer(1, MS)), 2000);
        assertThat(open.throughput()).isCloseTo(1000, within(100.0));
        assertThat(open.latencyMillisAt(99)).isGreaterThan(4000);
        List<IntervalPoint> points = open.intervals();
        assertThat(points.get(points.size() - 2).p50Millis()).isGreaterThan(points.get(1).p50Millis());
        assertThat(open.unfinished()).isPositive(); // 5 s of drain cannot clear a backlog of ~10 s
    }

    // The generator's own lag is told apart from the server's: on simulated time the generator is
    // never late by itself (lag 0 for every send), while behind a one-second stall with at most 10
    // in flight the cap holds sends back; those are counted as held, not as the generator's lag.
    @Test
    void sendLagIsTheGeneratorsOwnAndTheCapsHoldsAreCountedApart() throws InterruptedException {
        PhaseResult healthy = generator(10).openLoop("tcp", clients(new FakeServer(1, MS)), 500);
        assertThat(healthy.heldByCap()).isZero();
        assertThat(healthy.sendLag().getTotalCount()).isEqualTo(5000);
        assertThat(healthy.sendLagMillisAt(100)).isZero();

        clock.sleepUntil(clock.nanoTime() + S);
        long start = clock.nanoTime();
        PhaseResult stalled = generator(10).openLoop("tcp",
                clients(new FakeServer(1, MS).stall(start + 3 * S, start + 4 * S)), 500);
        assertThat(stalled.heldByCap()).isGreaterThan(400); // about a second's worth at 500/s
        assertThat(stalled.sendLag().getTotalCount() + stalled.heldByCap()).isEqualTo(5000);
        assertThat(stalled.sendLagMillisAt(100)).isZero();
        assertThat(stalled.latencyMillisAt(99)).isGreaterThan(500); // still timed from the intended send
    }

    // A completion wakes the driving thread only when it waits for one (a slot under the cap, or
    // the drain): waking it on every completion costs a futex call and a context switch per request.
    @Test
    void completionsWakeTheDriverOnlyWhenItWaitsForOne() throws InterruptedException {
        int[] wakes = {0};
        LoadClock counting = new LoadClock() {
            @Override
            public long nanoTime() {
                return clock.nanoTime();
            }

            @Override
            public void sleepUntil(long deadlineNanos) {
                clock.sleepUntil(deadlineNanos);
            }

            @Override
            public void wake() {
                wakes[0]++;
                clock.wake();
            }

            @Override
            public void schedule(long atNanos, Runnable task) {
                clock.schedule(atNanos, task);
            }
        };
        LoadGenerator.Settings settings = new LoadGenerator.Settings(Duration.ofSeconds(1), Duration.ofSeconds(10),
                Duration.ofSeconds(1), Duration.ofSeconds(5), 10, 7, 0);
        PhaseResult open = new LoadGenerator(counting, new Workload(100, 256, Mix.parse("writes")), settings,
                (phase, elapsed, total, point) -> { })
                .openLoop("tcp", List.of(new FakeTitanClient(counting, new FakeServer(1, MS), "n1")), 500);
        assertThat(open.ok()).isEqualTo(5000);
        assertThat(wakes[0]).isLessThanOrEqualTo(1); // at most the last completion, which the drain waits for
    }
}
