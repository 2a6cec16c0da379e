package titan.checker.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Runs independent tasks on up to {@code parallelism} threads, the caller's included. Workers take
 * the next task index from one counter, so a thousand tiny partitions cost a thousand increments,
 * not a thousand queue hand-offs; callers order the tasks largest first so no thread is left with
 * one long task at the end.
 */
public final class PartitionRunner {
    private PartitionRunner() {}

    public static <R> List<R> runAll(int count, int parallelism, IntFunction<R> task) {
        Object[] results = new Object[count];
        AtomicInteger nextIndex = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            int index;
            while (failure.get() == null && (index = nextIndex.getAndIncrement()) < count) {
                try {
                    results[index] = task.apply(index);
                } catch (RuntimeException | Error e) {
                    failure.compareAndSet(null, e);
                }
            }
        };
        int threadCount = Math.min(parallelism, count) - 1;
        List<Thread> threads = new ArrayList<>(Math.max(0, threadCount));
        for (int i = 0; i < threadCount; i++) {
            Thread thread = new Thread(worker, "titan-checker-" + (i + 1));
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        worker.run();
        for (Thread thread : threads) {
            joinUninterruptibly(thread);
        }
        Throwable thrown = failure.get();
        if (thrown instanceof RuntimeException e) {
            throw e;
        }
        if (thrown instanceof Error e) {
            throw e;
        }
        List<R> list = new ArrayList<>(count);
        for (Object result : results) {
            @SuppressWarnings("unchecked")
            R typed = (R) result;
            list.add(typed);
        }
        return list;
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
