package titan.lab.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import titan.sim.Coverage;
import titan.sim.SimOptions;

/**
 * Runs many seeds of the simulator in parallel, one seed per task on a fixed pool of threads.
 * Each seed is a whole, independent, deterministic run, so parallelism changes nothing but speed.
 */
public final class SimSwarm {
    /** The outcomes of a swarm. Failed and unknown seeds are kept whole; passing ones only counted. */
    public record Summary(long seedsRun, long operations, long events, Coverage coverage,
                          List<SeedOutcome> failures, List<SeedOutcome> unknowns, long wallNanos) {
        public double runsPerSecond() {
            return seedsRun / Math.max(1e-9, wallNanos / 1e9);
        }
    }

    private final SeedRunner runner;
    private final int threads;
    private final boolean stopAtFirstFailure;

    public SimSwarm(SeedRunner runner, int threads, boolean stopAtFirstFailure) {
        this.runner = runner;
        this.threads = threads;
        this.stopAtFirstFailure = stopAtFirstFailure;
    }

    /** Runs seeds {@code first .. first + count - 1}; {@code progress} is called once per finished seed. */
    public Summary run(SimOptions template, long first, long count, Consumer<SeedOutcome> progress)
            throws InterruptedException {
        AtomicLong next = new AtomicLong(first);
        AtomicLong done = new AtomicLong();
        AtomicLong operations = new AtomicLong();
        AtomicLong events = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Coverage> coverage = new AtomicReference<>(Coverage.NONE);
        List<SeedOutcome> failures = Collections.synchronizedList(new ArrayList<>());
        List<SeedOutcome> unknowns = Collections.synchronizedList(new ArrayList<>());
        long end = first + count;
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "sim-swarm");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    for (long seed = next.getAndIncrement(); seed < end && !stop.get(); seed = next.getAndIncrement()) {
                        SeedOutcome outcome = runner.run(template.withSeed(seed));
                        operations.addAndGet(outcome.result().operations());
                        events.addAndGet(outcome.result().events());
                        coverage.accumulateAndGet(outcome.result().coverage(), Coverage::plus);
                        if (outcome.failed()) {
                            failures.add(outcome);
                            if (stopAtFirstFailure) {
                                stop.set(true);
                            }
                        } else if (outcome.status() == SeedOutcome.Status.UNKNOWN) {
                            unknowns.add(outcome);
                        }
                        done.incrementAndGet();
                        progress.accept(outcome);
                    }
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("a simulation worker crashed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        List<SeedOutcome> sortedFailures = new ArrayList<>(failures);
        sortedFailures.sort((a, b) -> Long.compare(a.seed(), b.seed()));
        List<SeedOutcome> sortedUnknowns = new ArrayList<>(unknowns);
        sortedUnknowns.sort((a, b) -> Long.compare(a.seed(), b.seed()));
        return new Summary(done.get(), operations.get(), events.get(), coverage.get(), sortedFailures, sortedUnknowns,
                System.nanoTime() - start);
    }
}
