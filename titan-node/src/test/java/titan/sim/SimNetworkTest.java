package titan.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import titan.nemesis.NetworkFaults;
import titan.raft.Message;
import titan.raft.NodeId;

/** The distant node of a swarm configuration: its links, both ways, are slower; the others are not. */
class SimNetworkTest {
    private final SimScheduler scheduler = new SimScheduler();
    private final SimNetwork network = new SimNetwork(scheduler, new SplittableRandom(1), 3, Trace.OFF);
    private final List<Long> deliveredAtMicros = new ArrayList<>();

    SimNetworkTest() {
        network.setFaults(new NetworkFaults(0, 0, 100, 0)); // a fixed delay: no jitter, no loss
        network.onDeliver(m -> deliveredAtMicros.add(scheduler.nowMicros()));
    }

    private long deliveryMicros(int from, int to) {
        deliveredAtMicros.clear();
        long sentAt = scheduler.nowMicros();
        network.transportFor(NodeId.of(from)).send(new Message.TimeoutNow(NodeId.of(from), NodeId.of(to), 1));
        scheduler.runUntil(sentAt + 1_000_000);
        assertThat(deliveredAtMicros).hasSize(1);
        return deliveredAtMicros.get(0) - sentAt;
    }

    @Test
    void aDistantNodesLinksAreSlowerBothWaysAndTheOthersAreNot() {
        network.setDistantNode(2, 5_000);
        assertThat(deliveryMicros(1, 2)).isEqualTo(5_100);
        assertThat(deliveryMicros(2, 3)).isEqualTo(5_100);
        assertThat(deliveryMicros(1, 3)).isEqualTo(100);
        network.setDistantNode(0, 0);
        assertThat(deliveryMicros(1, 2)).isEqualTo(100);
    }

    @Test
    void aDistantNodeOutsideTheClusterIsRefused() {
        assertThatThrownBy(() -> network.setDistantNode(4, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> network.setDistantNode(1, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
