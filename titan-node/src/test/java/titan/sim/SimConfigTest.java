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
        assertThat(c.overwriteCrashPercent()).isZero();
        assertThat(c.distantNode()).isZero();
        assertThat(c.syncCrashPermille()).isZero();
    }

    @Test
    void seedsCoverEveryRaftOptionAndStayWithinBounds() {
        Set<Boolean> preVote = new HashSet<>();
        Set<Boolean> checkQuorum = new HashSet<>();
        Set<Integer> appendBytes = new HashSet<>();
        boolean slowDisk = false;
        Set<Integer> overwriteCrash = new HashSet<>();
        Set<Integer> syncCrash = new HashSet<>();
        Set<Boolean> distant = new HashSet<>();
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
            overwriteCrash.add(c.overwriteCrashPercent());
            syncCrash.add(c.syncCrashPermille());
            distant.add(c.distantNode() != 0);
            assertThat(c.distantNode()).isBetween(0, o.nodes());
            // A distant node still hears its leader well within an election timeout.
            assertThat(c.distantExtraMicros()).isLessThanOrEqualTo(c.electionMicros(o.tickMicros()) / 5);
            assertThat(c.distantExtraMicros() == 0).isEqualTo(c.distantNode() == 0);
        }
        assertThat(preVote).containsExactlyInAnyOrder(true, false);
        assertThat(checkQuorum).containsExactlyInAnyOrder(true, false);
        assertThat(appendBytes).contains(1, 64 * 1024);
        assertThat(slowDisk).isTrue();
        assertThat(overwriteCrash).containsExactlyInAnyOrder(0, 50, 100);
        assertThat(syncCrash).containsExactlyInAnyOrder(0, 3, 10);
        assertThat(distant).containsExactlyInAnyOrder(true, false);
        assertThat(SimConfig.draw(SimOptions.defaults(1)).describe()).contains("preVote=").contains("fsync=")
                .contains("overwriteCrash=");
    }
}
