package titan.lab.runtime;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Sets a node's clock rate through its fault-injection admin endpoint (every runtime publishes it on loopback). */
final class AdminClock {
    private AdminClock() {}

    static void set(HttpClient http, String node, int adminPort, double rate) {
        URI uri = URI.create("http://127.0.0.1:" + adminPort + "/admin/clock?rate=" + rate);
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new RuntimeFailure(node + " refused the clock rate " + rate + ": HTTP " + response.statusCode()
                        + " " + response.body().strip());
            }
        } catch (IOException e) {
            throw new RuntimeFailure(node + " did not take the clock rate " + rate + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeFailure("interrupted while setting the clock of " + node);
        }
    }
}
