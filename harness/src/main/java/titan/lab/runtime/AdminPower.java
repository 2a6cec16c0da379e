package titan.lab.runtime;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Cuts a node's power through its fault-injection admin endpoint ({@code POST /admin/power-loss}; the
 * lab's runtimes start nodes with {@code --fault-injection}), published on loopback by every runtime.
 */
final class AdminPower {
    private static final Duration HALT_TIMEOUT = Duration.ofSeconds(10);

    private AdminPower() {}

    /**
     * Asks {@code node} to lose power {@code at} a moment (now, sync, ack) or to disarm (off). For
     * {@code now}, waits until the runtime sees the node stopped.
     *
     * @return the node's answer, for the history
     */
    static String powerLoss(HttpClient http, ClusterRuntime runtime, String node, int adminPort, String at, String cut,
                            long seed) {
        URI uri = URI.create("http://127.0.0.1:" + adminPort + "/admin/power-loss?at=" + at + "&cut=" + cut
                + "&seed=" + seed);
        String answer;
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new RuntimeFailure(node + " refused the power loss: HTTP " + response.statusCode() + " "
                        + response.body().strip());
            }
            answer = response.body().strip();
        } catch (IOException e) {
            if (at.equals("off")) {
                throw new RuntimeFailure(node + " did not disarm its power loss: " + e, e);
            }
            // The halt can beat the response out of the process; the node must then be going down.
            try {
                awaitStopped(runtime, node);
            } catch (RuntimeFailure still) {
                throw new RuntimeFailure(node + " did not take the power loss (" + at + "): " + e, e);
            }
            return "halted before answering";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeFailure("interrupted while cutting the power of " + node);
        }
        if (at.equals("now")) {
            awaitStopped(runtime, node);
        }
        return answer;
    }

    /** Polls until the runtime sees {@code node} stopped, with a deadline. */
    static void awaitStopped(ClusterRuntime runtime, String node) {
        long deadline = System.nanoTime() + HALT_TIMEOUT.toNanos();
        while (runtime.state(node) != ClusterRuntime.NodeState.STOPPED) {
            if (System.nanoTime() > deadline) {
                throw new RuntimeFailure(node + " still runs " + HALT_TIMEOUT.toSeconds() + " s after losing power");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RuntimeFailure("interrupted while waiting for " + node + " to halt");
            }
        }
    }
}
