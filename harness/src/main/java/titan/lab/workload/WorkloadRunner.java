package titan.lab.workload;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import titan.checker.history.Event;
import titan.checker.history.EventType;
import titan.checker.history.Process;
import titan.client.Outcome;
import titan.client.TitanClient;

/**
 * Drives a {@link Workload} through a client with {@code concurrency} workers, each one Jepsen
 * process at a time: it records the invoke, waits for the outcome, records the completion (mapped
 * by {@link Completion#of}), and after an {@code info} continues as a new process ({@code id +
 * concurrency}), because the old one may still take effect. A rate above zero spaces each worker's
 * operations on a fixed schedule ({@code concurrency / rate} seconds apart); the lab's own timeout
 * turns an outcome that never arrives into {@code info}.
 */
public final class WorkloadRunner {
    private final Workload workload;
    private final TitanClient client;
    private final List<TitanClient> workerClients;
    private final HistoryRecorder recorder;
    private final int concurrency;
    private final double ratePerSecond;
    private final Duration operationTimeout;
    private final SplittableRandom seeds;
    private final AtomicInteger nextProcess;

    public WorkloadRunner(Workload workload, TitanClient client, HistoryRecorder recorder, int concurrency,
                          double ratePerSecond, Duration operationTimeout, long seed) {
        this(workload, client, List.of(client), recorder, concurrency, ratePerSecond, operationTimeout, seed);
    }

    /**
     * A runner whose worker {@code w} uses {@code workerClients.get(w % size)} (Jepsen's clients bound
     * to nodes, for example) and whose final reads use {@code client}.
     */
    public WorkloadRunner(Workload workload, TitanClient client, List<TitanClient> workerClients,
                          HistoryRecorder recorder, int concurrency, double ratePerSecond, Duration operationTimeout,
                          long seed) {
        if (workerClients.isEmpty()) {
            throw new IllegalArgumentException("a runner needs at least one worker client");
        }
        this.workerClients = List.copyOf(workerClients);
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        this.workload = workload;
        this.client = client;
        this.recorder = recorder;
        this.concurrency = concurrency;
        this.ratePerSecond = ratePerSecond;
        this.operationTimeout = operationTimeout;
        this.seeds = new SplittableRandom(seed);
        this.nextProcess = new AtomicInteger(concurrency);
    }

    /** Runs the workers until {@code timeLimit} has passed, then waits for their last operations. */
    public void run(Duration timeLimit) throws InterruptedException {
        long endNanos = System.nanoTime() + timeLimit.toNanos();
        long intervalNanos = ratePerSecond > 0 ? (long) (concurrency * 1e9 / ratePerSecond) : 0;
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            SplittableRandom random = seeds.split();
            int first = w;
            long offset = intervalNanos * w / concurrency; // spread the workers over one interval
            TitanClient own = workerClients.get(w % workerClients.size());
            Thread t = new Thread(() -> work(own, first, random, endNanos, intervalNanos, offset), "client-" + w);
            t.setDaemon(true);
            workers.add(t);
        }
        workers.forEach(Thread::start);
        for (Thread t : workers) {
            t.join();
        }
    }

    private void work(TitanClient own, int firstProcess, SplittableRandom random, long endNanos, long intervalNanos,
                      long offsetNanos) {
        int process = firstProcess;
        long next = System.nanoTime() + offsetNanos;
        while (System.nanoTime() < endNanos) {
            if (intervalNanos > 0) {
                if (!sleepUntil(Math.min(next, endNanos))) {
                    return;
                }
                if (System.nanoTime() >= endNanos) {
                    return;
                }
                next += intervalNanos;
            }
            Completion c = perform(own, process, workload.next(random));
            if (c.retiresProcess()) {
                process = nextProcess.getAndIncrement();
            }
        }
    }

    /**
     * Final reads after recovery: each read runs as a fresh process and is retried (as another
     * process) until it completes ok or {@code deadline} passes.
     */
    public void finalReads(Duration deadline) {
        long endNanos = System.nanoTime() + deadline.toNanos();
        for (Op read : workload.finalReads()) {
            while (true) {
                Completion c = perform(client, nextProcess.getAndIncrement(), read);
                if (c.type() == EventType.OK || System.nanoTime() >= endNanos) {
                    break;
                }
                if (!sleepUntil(System.nanoTime() + 100_000_000L)) {
                    return;
                }
            }
        }
    }

    /** One operation of one process: invoke, outcome, completion, all recorded. */
    Completion perform(int process, Op op) {
        return perform(client, process, op);
    }

    private Completion perform(TitanClient client, int process, Op op) {
        recorder.record(new Event(Process.client(process), EventType.INVOKE, op.f(), op.key(), op.value(), 0, null, null));
        Completion c;
        try {
            Outcome outcome = workload.invoke(client, op).get(operationTimeout.toMillis(), TimeUnit.MILLISECONDS);
            c = Completion.of(workload, op, outcome);
        } catch (TimeoutException e) {
            c = Completion.unknown(op, "no answer within " + operationTimeout.toMillis() + " ms");
        } catch (ExecutionException | RuntimeException e) {
            c = Completion.unknown(op, "client error: " + (e.getCause() != null ? e.getCause() : e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c = Completion.unknown(op, "interrupted");
        }
        recorder.record(new Event(Process.client(process), c.type(), op.f(), op.key(), c.value(), 0, c.node(), c.error()));
        workload.observe(op, c);
        return c;
    }

    private static boolean sleepUntil(long deadlineNanos) {
        long left;
        try {
            while ((left = deadlineNanos - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.sleep(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
