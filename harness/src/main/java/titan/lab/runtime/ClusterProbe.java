package titan.lab.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import titan.client.Endpoint;

/**
 * Asks nodes about themselves over HTTP ({@code GET /v1/status}), with short timeouts: a paused or
 * dead node simply does not answer. Runtime-independent: it needs only the endpoints.
 */
public final class ClusterProbe {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    private final List<Endpoint> endpoints;

    public ClusterProbe(List<Endpoint> endpoints) {
        this.endpoints = List.copyOf(endpoints);
    }

    /** One node's status, or empty when it does not answer within a second. */
    public Optional<Status> status(Endpoint endpoint) {
        URI uri = URI.create("http://" + endpoint.host() + ":" + endpoint.httpPort() + "/v1/status");
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(1)).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            JsonNode json = JSON.readTree(response.body());
            return Optional.of(new Status(json.path("id").asText(endpoint.nodeId()), json.path("role").asText(""),
                    json.path("term").asLong(), json.path("commitIndex").asLong(), json.path("appliedIndex").asLong()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The node that says it leads, in the highest term; empty when none answers as leader. */
    public Optional<String> leader() {
        Status best = null;
        for (Endpoint e : endpoints) {
            Optional<Status> s = status(e);
            if (s.isPresent() && s.get().role().equals("leader") && (best == null || s.get().term() > best.term())) {
                best = s.get();
            }
        }
        return Optional.ofNullable(best).map(Status::id);
    }

    /** What the lab reads of {@code /v1/status}. */
    public record Status(String id, String role, long term, long commitIndex, long appliedIndex) {}
}
