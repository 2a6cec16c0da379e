package titan.lab.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import titan.client.Endpoint;
import titan.client.Outcome;
import titan.client.TitanClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The factory opens Titan's real clients for each protocol. Against a loopback port with nothing
 * listening, a write must end as an outcome (never an exception), within the client's deadline.
 */
class TitanClientFactoryTest {
    @Test
    void opensBothProtocolsAndEveryCallEndsInAnOutcome() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // free again once closed: nothing listens there
        }
        List<Endpoint> endpoints = List.of(new Endpoint("n1", "127.0.0.1", closedPort, closedPort));
        try (TitanClientFactory factory = new TitanClientFactory(4, 1, Duration.ofMillis(300))) {
            for (String protocol : List.of("tcp", "http")) {
                try (TitanClient client = factory.open(protocol, endpoints)) {
                    Outcome outcome = client.put("k", new byte[] {1}).get(10, TimeUnit.SECONDS);
                    assertThat(outcome).as(protocol).isInstanceOfAny(Outcome.Failed.class, Outcome.Indeterminate.class);
                }
            }
            assertThatThrownBy(() -> factory.open("grpc", endpoints)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
