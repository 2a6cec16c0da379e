package titan.lab.nemesis;

import java.io.PrintStream;
import java.util.Optional;

import titan.lab.runtime.ClusterRuntime;
import titan.lab.workload.HistoryRecorder;
import titan.nemesis.NemesisSchedule;

/**
 * Runs a {@link NemesisSchedule} against a runtime on its own thread: at each window's start it
 * records {@code start-<fault>} as a nemesis invoke, injects the fault and records
 * {@code start-<fault>} again as an info with what it did (or why it did nothing, followed by
 * {@code stop-<fault>}), and at the window's end heals it and records {@code stop-<fault>}. {@link #stopAndHealAll()} ends the schedule, heals the fault in
 * progress and then everything (links, paused and stopped nodes, clocks), so a test ends healed.
 * A fault that cannot be injected (no leader, a node that does not answer) is skipped with a
 * warning; a fault that cannot be healed is reported and healed again by {@link #stopAndHealAll()}.
 */
public final class NemesisRunner {
    private final ClusterRuntime runtime;
    private final NemesisSchedule schedule;
    private final FaultInjector injector;
    private final HistoryRecorder recorder;
    private final PrintStream log;
    private final Object lock = new Object();
    private Thread thread;
    private FaultInjector.Active active;
    private int started;
    private volatile boolean stopping;

    public NemesisRunner(ClusterRuntime runtime, NemesisSchedule schedule, FaultInjector injector,
                         HistoryRecorder recorder, PrintStream log) {
        this.runtime = runtime;
        this.schedule = schedule;
        this.injector = injector;
        this.recorder = recorder;
        this.log = log;
    }

    /** Faults that started. */
    public int faultsStarted() {
        synchronized (lock) {
            return started;
        }
    }

    /** Starts the schedule; window times count from {@code originNanos} ({@link System#nanoTime()}). */
    public void start(long originNanos) {
        thread = new Thread(() -> run(originNanos), "nemesis");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(long originNanos) {
        try {
            for (NemesisSchedule.Window w : schedule.windows()) {
                waitUntil(originNanos + w.startMillis() * 1_000_000L);
                if (System.nanoTime() >= originNanos + w.endMillis() * 1_000_000L) {
                    // A slow heal (a node that took long to restart) used up this window: skip it
                    // rather than inject a fault of no duration.
                    log.println("nemesis: " + w.fault().name() + " at " + w.startMillis() + " ms is late; skipped");
                    continue;
                }
                synchronized (lock) {
                    if (stopping) {
                        return;
                    }
                    // Jepsen's nemesis shape: an invoke when the injection begins (the fault's shading
                    // starts here: a power loss or a stale leader takes seconds to set up), an info
                    // with what was done when it completes.
                    String name = w.fault().name();
                    recorder.nemesisInvoke("start-" + name);
                    try {
                        Optional<FaultInjector.Active> a = injector.inject(w.fault());
                        if (a.isEmpty()) {
                            log.println("nemesis: " + name + " does not apply now; skipped");
                            recorder.nemesis("start-" + name, "skipped: does not apply now");
                            recorder.nemesis("stop-" + name, "not injected");
                            continue;
                        }
                        active = a.get();
                        started++;
                        recorder.nemesis("start-" + name, active.detail());
                    } catch (RuntimeException e) {
                        log.println("nemesis: cannot inject " + name + ": " + e.getMessage());
                        recorder.nemesis("start-" + name, "failed: " + e.getMessage());
                        recorder.nemesis("stop-" + name, "not injected");
                        continue;
                    }
                }
                waitUntil(originNanos + w.endMillis() * 1_000_000L);
                synchronized (lock) {
                    if (stopping) {
                        return;
                    }
                    healActive();
                }
            }
        } catch (InterruptedException e) {
            // stopAndHealAll ends the schedule
        }
    }

    private void healActive() {
        if (active == null) {
            return;
        }
        FaultInjector.Active a = active;
        active = null;
        String detail = "healed";
        try {
            a.healer().run();
        } catch (RuntimeException e) {
            detail = "heal failed: " + e.getMessage();
            log.println("nemesis: " + a.fault().name() + ": " + detail);
        }
        recorder.nemesis("stop-" + a.fault().name(), detail);
    }

    private static void waitUntil(long deadlineNanos) throws InterruptedException {
        long left;
        while ((left = deadlineNanos - System.nanoTime()) > 0) {
            Thread.sleep(Math.min(left / 1_000_000L + 1, 200));
        }
    }

    /** Ends the schedule and heals everything; waits for the nemesis thread. */
    public void stopAndHealAll() {
        stopping = true; // seen by the nemesis thread before its next fault, even while it heals one
        synchronized (lock) {
            stopping = true;
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (lock) {
            healActive();
        }
        healEverything(runtime, log);
        try {
            injector.restoreMembership();
        } catch (RuntimeException e) {
            log.println("heal: " + e.getMessage());
            recorder.nemesis("heal-membership", "failed: " + e.getMessage());
        }
    }

    /** Heals links, resumes paused nodes, starts stopped ones, resets clocks; reports what fails. */
    public static void healEverything(ClusterRuntime runtime, PrintStream log) {
        runtime.healAllLinks();
        for (String node : runtime.nodes()) {
            try {
                switch (runtime.state(node)) {
                    case PAUSED -> runtime.resume(node);
                    case STOPPED -> runtime.start(node);
                    case RUNNING -> { }
                }
            } catch (RuntimeException e) {
                log.println("heal: cannot bring " + node + " back: " + e.getMessage());
            }
        }
        for (String node : runtime.nodes()) {
            if (runtime.state(node) == ClusterRuntime.NodeState.RUNNING) {
                try {
                    runtime.setClockRate(node, 1.0);
                } catch (RuntimeException e) {
                    // a node without the admin endpoint has a normal clock anyway
                }
            }
        }
    }
}
