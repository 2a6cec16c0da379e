package titan.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The small simulator swarm that PIT runs against every mutant of {@code titan.raft} (the {@code pit}
 * profile of titan-node's POM): a few short three-node runs under the full fault schedule with
 * the act checks on. Each must keep every invariant; a mutant that breaks one fails here, named by
 * its check in the assertion message. Also part of the ordinary test suite (a few seconds).
 */
class SwarmMutationTest {
    /** PIT passes a smaller number ({@code -Dtitan.swarm.seeds}) to bound its run time. */
    static final int SEEDS = Integer.getInteger("titan.swarm.seeds", 12);

    @Test
    void shortThreeNodeRunsKeepEveryInvariant() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            SimResult r = Simulation.of(SimOptions.defaults(seed).withNodes(3).withOps(150)).run();
            assertThat(r.ok()).as("seed %d: %s: %s", seed, r.violationKind(), r.violation()).isTrue();
        }
    }
}
