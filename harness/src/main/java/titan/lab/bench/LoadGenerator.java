package titan.lab.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import titan.client.Outcome;
import titan.client.TitanClient;

/**
 * Drives load through {@link TitanClient}s on a {@link LoadClock}, in two shapes:
 * <ul>
 *   <li>{@link #closedLoop}: {@code callersPerClient} callers on each client, each sending its next
 *       request as soon as the previous one completes (pipelined requests on one TCP connection, or
 *       one per HTTP connection). Finds the maximum throughput. Its latency is from the actual send,
 *       and a stalled server simply receives fewer requests, so the stall hides in a handful of
 *       samples: the coordinated omission that wrk2 and HdrHistogram's author describe.</li>
 *   <li>{@link #openLoop}: requests at fixed intended times ({@code start + i / rate}), round-robin
 *       over the clients, whatever the server does; each latency is measured from the request's
 *       <em>intended</em> send time (as wrk2 does), so time spent waiting behind a stall, in the
 *       client or the server, counts. In-flight requests are capped ({@code maxInFlight}); a request
 *       held back by the cap is still timed from its intended time.</li>
 * </ul>
 * Both run a warm-up first that is not recorded, then the measured duration, then wait up to
 * {@code drainMax} for requests still in flight. Requests are recorded by their send (closed) or
 * intended (open) time: those from the warm-up are not.
 */
public final class LoadGenerator {
    /** How long each phase runs and how it is cut into intervals; see the class comment. */
    public record Settings(Duration warmup, Duration duration, Duration interval, Duration drainMax, int maxInFlight,
                           long seed, long startEpochMillis) {
        public Settings {
            if (warmup.isNegative() || duration.isNegative() || duration.isZero() || interval.isNegative()
                    || interval.isZero() || drainMax.isNegative() || maxInFlight < 1) {
                throw new IllegalArgumentException("need warmup >= 0, duration and interval > 0, drain >= 0, "
                        + "maxInFlight >= 1");
            }
        }
    }

    /** Told at each interval boundary; called on the driving thread. */
    public interface Listener {
        /** {@code elapsedSeconds} of {@code totalSeconds} (warm-up included); {@code point} is null during warm-up. */
        void interval(String phase, double elapsedSeconds, double totalSeconds, IntervalPoint point);
    }

    private static final long POLL_NANOS = 1_000_000;

    private final LoadClock clock;
    private final Workload workload;
    private final Settings settings;
    private final Listener listener;
    private final byte[] value;

    public LoadGenerator(LoadClock clock, Workload workload, Settings settings, Listener listener) {
        this.clock = clock;
        this.workload = workload;
        this.settings = settings;
        this.listener = listener;
        this.value = workload.value();
    }

    /** One phase's timeline and interval bookkeeping. */
    private final class Timeline {
        final String label;
        final PhaseRecorder recorder;
        final long start;
        final long warmupEnd;
        final long end;
        final long intervalNanos = settings.interval().toNanos();
        final org.HdrHistogram.Histogram sendLag = new org.HdrHistogram.Histogram(3); // driving thread only
        long heldByCap;
        /**
         * Whether the driving thread waits for a completion (a free slot under the cap, or the drain):
         * only then does a completion wake it. Waking it on every completion cost a futex call on the
         * I/O thread and a context switch of the driver per request, for nothing while it sleeps until
         * its next intended send time.
         */
        volatile boolean awaitingCompletion;
        long nextBoundary;
        long lastHarvest;

        Timeline(String label) {
            this.label = label;
            this.start = clock.nanoTime();
            this.warmupEnd = start + settings.warmup().toNanos();
            this.end = warmupEnd + settings.duration().toNanos();
            this.recorder = new PhaseRecorder(label, settings.startEpochMillis());
            this.nextBoundary = Math.min(start + intervalNanos, warmupEnd > start ? warmupEnd : Long.MAX_VALUE);
            this.lastHarvest = warmupEnd;
        }

        void countIfInWindow(long done, Outcome outcome) {
            if (done >= warmupEnd && done < end) {
                recorder.completedInWindow(outcome);
            }
        }

        /** Closes every interval boundary that has passed. */
        void boundaries(long now) {
            while (now >= nextBoundary) {
                long b = nextBoundary;
                IntervalPoint point = null;
                if (b > warmupEnd) {
                    point = recorder.harvest(seconds(lastHarvest - warmupEnd), seconds(b - warmupEnd));
                    lastHarvest = b;
                }
                listener.interval(label, seconds(b - start), seconds(end - start), point);
                long next = b + intervalNanos;
                if (b < warmupEnd && next > warmupEnd) {
                    next = warmupEnd; // measured intervals start exactly at the end of the warm-up
                }
                nextBoundary = b >= end ? Long.MAX_VALUE : Math.min(next, end);
            }
        }

        void sleepUntil(long deadline) throws InterruptedException {
            clock.sleepUntil(Math.min(deadline, nextBoundary));
            boundaries(clock.nanoTime());
        }

        /** Waits for the in-flight count to reach zero, at most drainMax after the end; closes the last interval. */
        long drain(AtomicInteger inFlight) throws InterruptedException {
            long deadline = end + settings.drainMax().toNanos();
            awaitingCompletion = true;
            while (inFlight.get() > 0 && clock.nanoTime() < deadline) {
                sleepUntil(Math.min(deadline, clock.nanoTime() + POLL_NANOS));
            }
            awaitingCompletion = false;
            long now = Math.max(clock.nanoTime(), end);
            boundaries(now);
            if (now > lastHarvest) {
                recorder.harvest(seconds(lastHarvest - warmupEnd), seconds(now - warmupEnd));
            }
            return inFlight.get();
        }

        PhaseResult result(String protocol, String loop, double rate, int concurrency, long unfinished) {
            return new PhaseResult(protocol, loop, rate, concurrency, recorder.latencyTotal(), recorder.serviceTotal(),
                    recorder.ok(), recorder.failed(), recorder.indeterminate(), recorder.okInWindow(), unfinished,
                    seconds(end - warmupEnd), recorder.points(), recorder.hlogText(), Map.of(), sendLag.copy(), heldByCap,
                    Double.NaN);
        }
    }

    /** Maximum throughput: {@code callersPerClient} callers on each client, each one request at a time. */
    public PhaseResult closedLoop(String protocol, List<TitanClient> clients, int callersPerClient)
            throws InterruptedException {
        if (clients.isEmpty() || callersPerClient < 1) {
            throw new IllegalArgumentException("a closed loop needs clients and at least one caller per client");
        }
        int callers = clients.size() * callersPerClient;
        Timeline t = new Timeline(protocol + " closed loop, " + callers + " callers");
        AtomicInteger active = new AtomicInteger(callers);
        for (int i = 0; i < callers; i++) {
            new Caller(t, clients.get(i % clients.size()), new SplittableRandom(settings.seed() * 31 + i), active).next();
        }
        while (clock.nanoTime() < t.end) {
            t.sleepUntil(t.end);
        }
        long unfinished = t.drain(active);
        return t.result(protocol, "closed", Double.NaN, callers, unfinished);
    }

    /** One closed-loop caller: sends, waits for the answer, records it, sends the next. */
    private final class Caller {
        private final Timeline t;
        private final TitanClient client;
        private final SplittableRandom random;
        private final AtomicInteger active;

        Caller(Timeline t, TitanClient client, SplittableRandom random, AtomicInteger active) {
            this.t = t;
            this.client = client;
            this.random = random;
            this.active = active;
        }

        void next() {
            while (true) {
                long sent = clock.nanoTime();
                if (sent >= t.end) {
                    active.decrementAndGet();
                    clock.wake();
                    return;
                }
                CompletableFuture<Outcome> f = workload.issue(client, random, value);
                if (f.isDone()) { // answered at once: loop instead of recursing
                    completed(sent, f.getNow(null));
                    continue;
                }
                f.whenComplete((outcome, error) -> {
                    completed(sent, outcome);
                    next();
                });
                return;
            }
        }

        private void completed(long sent, Outcome outcome) {
            long done = clock.nanoTime();
            if (sent >= t.warmupEnd) {
                t.recorder.record(done - sent, done - sent, outcome);
            }
            t.countIfInWindow(done, outcome);
        }
    }

    /** Fixed rate: requests at intended times {@code start + i / rate}, latency from those times. */
    public PhaseResult openLoop(String protocol, List<TitanClient> clients, double ratePerSecond)
            throws InterruptedException {
        if (clients.isEmpty() || !(ratePerSecond > 0)) {
            throw new IllegalArgumentException("an open loop needs clients and a positive rate");
        }
        Timeline t = new Timeline(String.format(java.util.Locale.ROOT, "%s open loop at %.0f/s", protocol, ratePerSecond));
        double intervalNanos = 1e9 / ratePerSecond;
        SplittableRandom random = new SplittableRandom(settings.seed());
        AtomicInteger inFlight = new AtomicInteger();
        boolean held = false;
        for (long i = 0; ; ) {
            long intended = t.start + (long) (i * intervalNanos);
            if (intended >= t.end) {
                break;
            }
            long now = clock.nanoTime();
            t.boundaries(now);
            if (intended > now) {
                t.sleepUntil(intended);
                continue;
            }
            if (inFlight.get() >= settings.maxInFlight()) {
                held = true;
                t.awaitingCompletion = true;
                if (inFlight.get() >= settings.maxInFlight()) { // again after the flag: no completion goes unseen
                    t.sleepUntil(now + POLL_NANOS); // a completion wakes us earlier
                }
                t.awaitingCompletion = false;
                continue;
            }
            send(t, clients.get((int) (i % clients.size())), random, intended, inFlight, held);
            held = false;
            i++;
        }
        long unfinished = t.drain(inFlight);
        return t.result(protocol, "open", ratePerSecond, settings.maxInFlight(), unfinished);
    }

    private void send(Timeline t, TitanClient client, SplittableRandom random, long intended, AtomicInteger inFlight,
                      boolean held) {
        long sent = clock.nanoTime();
        boolean measured = intended >= t.warmupEnd;
        if (measured) {
            if (held) {
                t.heldByCap++; // late because the server had the cap's worth in flight: its delay, not ours
            } else {
                // The generator's own lag: how late it sends against its schedule when nothing held it back.
                t.sendLag.recordValue(Math.max(0, sent - intended) / 1000);
            }
        }
        inFlight.incrementAndGet();
        workload.issue(client, random, value).whenComplete((outcome, error) -> {
            long done = clock.nanoTime();
            if (measured) {
                t.recorder.record(done - intended, done - sent, outcome);
            }
            t.countIfInWindow(done, outcome);
            inFlight.decrementAndGet();
            if (t.awaitingCompletion) {
                clock.wake();
            }
        });
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
