package titan.lab.bench;

import java.util.concurrent.CompletableFuture;

import titan.client.Outcome;
import titan.client.TitanClient;

/**
 * A {@link TitanClient} answered by a {@link FakeServer} on a {@link LoadClock}: every call
 * succeeds at the time the server model says. For testing the benchmark pipeline without a cluster
 * ({@code titan-lab bench --fake}). It stores nothing: reads answer {@link Outcome.NotFound}.
 */
public final class FakeTitanClient implements TitanClient {
    private final LoadClock clock;
    private final FakeServer server;
    private final String node;

    public FakeTitanClient(LoadClock clock, FakeServer server, String node) {
        this.clock = clock;
        this.server = server;
        this.node = node;
    }

    private CompletableFuture<Outcome> answer(Outcome outcome) {
        CompletableFuture<Outcome> future = new CompletableFuture<>();
        clock.schedule(server.complete(clock.nanoTime()), () -> future.complete(outcome));
        return future;
    }

    @Override
    public CompletableFuture<Outcome> get(String key, ReadMode mode) {
        return answer(new Outcome.NotFound(node));
    }

    @Override
    public CompletableFuture<Outcome> put(String key, byte[] value) {
        return answer(new Outcome.Ok(null, node));
    }

    @Override
    public CompletableFuture<Outcome> delete(String key) {
        return answer(new Outcome.NotFound(node));
    }

    @Override
    public CompletableFuture<Outcome> cas(String key, byte[] expected, byte[] value) {
        return answer(new Outcome.Ok(null, node));
    }

    @Override
    public CompletableFuture<Outcome> append(String key, byte[] suffix) {
        return answer(new Outcome.Ok(null, node));
    }

    @Override
    public void close() {
    }
}
