package titan.lab.test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import titan.checker.history.Event;
import titan.checker.history.EventType;
import titan.checker.history.History;
import titan.checker.history.Process;
import titan.nemesis.FaultKind;
import titan.nemesis.NemesisSchedule;
import titan.raft.UnsafeMode;
import titan.sim.FaultSchedule;
import titan.sim.SimOptions;
import titan.sim.SimResult;
import titan.sim.Simulation;

/**
 * {@code titan-lab test --runtime sim}: the test as one seed of the deterministic simulator, written
 * to the same run folder as a real runtime's test. The simulator brings its own clients and kv
 * workload (reads, writes, cas, appends, deletes over {@code --keys} keys, {@code --concurrency}
 * clients) and its own fault timing; the lab's nemesis kinds choose its fault kinds. The history
 * crosses into the checker's types in memory, and the simulator's safety monitor is a second checker.
 * The number of operations is {@code rate x time limit} (500 when the rate is 0).
 */
final class SimRuntimeTest {
    private SimRuntimeTest() {}

    static TestRunner.Outcome run(TestRunner runner, TestConfig config, String gitCommit) throws IOException {
        if (!config.workload().equals("kv")) {
            throw new IllegalArgumentException("the sim runtime runs the kv workload only, not " + config.workload());
        }
        long startNanos = System.nanoTime();
        int ops = config.rate() > 0
                ? (int) Math.min(1_000_000, Math.max(1, config.rate() * config.timeLimit().toMillis() / 1000)) : 500;
        Set<UnsafeMode> unsafe = EnumSet.noneOf(UnsafeMode.class);
        config.unsafe().forEach(u -> unsafe.add(UnsafeMode.fromFlag(u)));
        SimOptions options = SimOptions.defaults(config.seed()).withNodes(config.nodes())
                .withClients(Math.min(config.concurrency(), 50)).withOps(ops).withKeys(config.keys())
                .withFaults(simKinds(config.nemesis())).withUnsafe(unsafe);
        Path runDir = runner.newRun(config, gitCommit, NemesisSchedule.NONE);
        runner.phase("simulating seed " + config.seed() + ": " + config.nodes() + " nodes, " + ops + " operations");
        SimResult result = Simulation.of(options).run();
        Map<String, Object> safety = new LinkedHashMap<>();
        safety.put("verdict", result.ok() ? "valid" : "invalid");
        safety.put("explanation", result.ok() ? "every invariant held" : result.violationKind() + ": " + result.violation());
        safety.put("simulatedMs", result.endMicros() / 1000);
        safety.put("faultWindows", result.schedule().windows().size());
        return runner.finish(runDir, config, toHistory(result.history()), startNanos, Optional.empty(),
                Map.of("sim-safety", safety));
    }

    /**
     * The lab's fault kinds in the simulator's terms; a kind the simulator has no counterpart for is
     * refused when named, and left out of {@code all}.
     */
    static Set<FaultSchedule.Kind> simKinds(List<String> kinds) {
        Set<FaultSchedule.Kind> sim = EnumSet.noneOf(FaultSchedule.Kind.class);
        boolean all = kinds.stream().anyMatch(k -> k.trim().equals("all"));
        for (FaultKind kind : FaultKind.parseList(String.join(",", kinds))) {
            switch (kind) {
                case PARTITION -> sim.add(FaultSchedule.Kind.PARTITION);
                case KILL -> sim.add(FaultSchedule.Kind.CRASH);
                case PAUSE -> sim.add(FaultSchedule.Kind.PAUSE);
                case LINKS -> sim.add(FaultSchedule.Kind.LINKS);
                case CLOCK -> sim.add(FaultSchedule.Kind.CLOCK);
                case MEMBERSHIP -> sim.add(FaultSchedule.Kind.MEMBERSHIP); // removals and bursts, its own mix
                case THROTTLE, WAL, ISOLATE_LEADER, KILL_LEADER, PAUSE_LEADER, KILL_MAJORITY, KILL_ALL, MEMBERSHIP_LEADER,
                     MEMBERSHIP_BURST -> {
                    if (!all) {
                        throw new IllegalArgumentException("the sim runtime has no " + kind.flag()
                                + " fault (it chooses fault shapes itself; its crashes tear unsynced WAL tails)");
                    }
                }
            }
        }
        return sim;
    }

    /** The simulator records the checker's own events: no conversion, no detour through text. */
    static History toHistory(List<Event> events) {
        return History.of(events);
    }
}
