package titan.lab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import titan.nemesis.Fault;
import titan.raft.UnsafeMode;
import titan.sim.FaultSchedule;
import titan.nemesis.NetworkFaults;
import titan.sim.SimOptions;

/** The shrinker makes a failing run much smaller and keeps its failure kind; a schedule survives test.json. */
class ShrinkerTest {
    private final SeedRunner runner = new SeedRunner(true, Duration.ofSeconds(30));

    // A node that applies retried appends twice fails within a few seeds; the first failing seed is
    // shrunk, and the result must fail the same way, with a small fraction of the operations and
    // at most as many fault windows (the method: search seeds, shrink, compare sizes).
    @Test
    void aNoDedupFailureShrinksToAFewOperations() {
        SeedOutcome failing = null;
        for (long seed = 1; seed <= 40 && failing == null; seed++) {
            SeedOutcome outcome = runner.run(SimOptions.defaults(seed).withUnsafe(Set.of(UnsafeMode.NO_DEDUP)));
            if (outcome.failed()) {
                failing = outcome;
            }
        }
        assertThat(failing).as("a no-dedup seed among the first 40").isNotNull();
        Shrinker.Shrunk shrunk = new Shrinker(runner, 200).shrink(failing);
        assertThat(shrunk.outcome().failed()).isTrue();
        assertThat(shrunk.outcome().failureKind()).isEqualTo(failing.failureKind());
        assertThat(shrunk.outcome().result().operations()).isLessThan(failing.result().operations() / 4);
        assertThat(shrunk.schedule().windows().size()).isLessThanOrEqualTo(failing.result().schedule().windows().size());
        assertThat(shrunk.runs()).isLessThanOrEqualTo(200);
        // The shrunk run is a run: replaying its options and schedule gives the same history.
        assertThat(runner.run(shrunk.options(), shrunk.schedule()).result().historyJsonLines())
                .isEqualTo(shrunk.outcome().result().historyJsonLines());
    }

    // Every kind of fault window is written to JSON and read back equal.
    @Test
    void faultSchedulesRoundTripThroughJson() {
        FaultSchedule schedule = new FaultSchedule(List.of(
                new FaultSchedule.Window(1, 2, new Fault.Partition(Fault.PartitionShape.MAJORITIES_RING)),
                new FaultSchedule.Window(3, 4, new Fault.Crash(Fault.Target.MAJORITY)),
                new FaultSchedule.Window(5, 6, new Fault.Pause(Fault.Target.LEADER)),
                new FaultSchedule.Window(7, 8, new Fault.Links(new NetworkFaults(0.125, 0.25, 100, 200))),
                new FaultSchedule.Window(9, 10, new Fault.ClockSkew(1.75)),
                new FaultSchedule.Window(11, 12, new Fault.RemoveMember(Fault.Target.ONE))));
        var json = new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(FaultScheduleJson.write(schedule));
        assertThat(FaultScheduleJson.read(json)).isEqualTo(schedule);
    }
}
