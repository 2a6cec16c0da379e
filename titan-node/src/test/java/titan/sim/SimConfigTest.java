package titan.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Swarm testing's configurations: drawn from the seed alone, within bounds, and varied across seeds. */
class SimConfigTest {

    @Test
    void aSeedAlwaysDrawsTheSameConfiguration() {
        SimOptions o = SimOptions.defaults(17);
        assertThat(SimConfig.of(o)).isEqualTo(SimConfig.of(o));
        assertThat(Simulation.of(o).config()).isEqualTo(SimConfig.draw(o));
    }

    @Test
    void withoutSwarmTheFixedOptionsApply() {
        SimOptions o = SimOptions.defaults(17).withSwarm(false);
        SimConfig c = SimConfig.of(o);
        assertThat(c.electionTicks()).isEqualTo(o.electionTicks());
        assertThat(c.preVote()).isTrue();
        assertThat(c.checkQuorum()).isTrue();
        assertThat(c.fsyncMicros()).isEqualTo(o.fsyncMicros());
        assertThat(c.clients()).isEqualTo(o.clients());
    }

    @Test
    void seedsCoverEveryRaftOptionAndStayWithinBounds() {
        Set<Boolean> preVote = new HashSet<>();
        Set<Boolean> checkQuorum = new HashSet<>();
        Set<Integer> appendBytes = new HashSet<>();
        boolean slowDisk = false;
        for (long seed = 1; seed <= 200; seed++) {
            SimOptions o = SimOptions.defaults(seed).withClients(20);
            SimConfig c = SimConfig.draw(o);
            preVote.add(c.preVote());
            checkQuorum.add(c.checkQuorum());
            appendBytes.add(c.appendBytesMax());
            slowDisk |= c.slowDiskNode() != 0;
            assertThat(c.heartbeatTicks()).isLessThan(c.electionTicks());
            assertThat(c.clients()).isBetween(10, 20);
            assertThat(c.writersPerKeyMax()).isEqualTo(3);
            assertThat(c.opTimeoutMicros()).isGreaterThanOrEqualTo(c.attemptTimeoutMicros());
            assertThat(c.slowDiskNode()).isBetween(0, o.nodes());
        }
        assertThat(preVote).containsExactlyInAnyOrder(true, false);
        assertThat(checkQuorum).containsExactlyInAnyOrder(true, false);
        assertThat(appendBytes).contains(1, 64 * 1024);
        assertThat(slowDisk).isTrue();
        assertThat(SimConfig.draw(SimOptions.defaults(1)).describe()).contains("preVote=").contains("fsync=");
    }
}
