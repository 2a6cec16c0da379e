package titan.client;

import java.util.concurrent.CompletableFuture;

/**
 * A client of a Titan cluster over one protocol (HTTP/JSON or binary TCP); both implement this
 * interface and behave alike ({@link TcpTitanClient}, {@link HttpTitanClient}). It finds the leader
 * (following redirects and the leader hints of refusals), reuses connections, pipelines over TCP,
 * times every call out, and sends every write in a client session (one per connection: a client id
 * and sequence numbers in send order). It resends a write only after an answer proving the attempt
 * did nothing (not leader, never sent, a session refusal), never after an unknown one, so no write
 * applies twice; an unknown fate is reported as {@link Outcome.Indeterminate}.
 *
 * <p>Thread-safe. The futures never complete exceptionally: every failure is an {@link Outcome}.
 * The blocking forms wait for the future. Futures complete on the client's I/O thread: callbacks
 * chained on them must not block, and must not call {@link #close()}.
 */
public interface TitanClient extends AutoCloseable {
    CompletableFuture<Outcome> get(String key, ReadMode mode);

    CompletableFuture<Outcome> put(String key, byte[] value);

    CompletableFuture<Outcome> delete(String key);

    /** Sets {@code key} to {@code value} if it holds {@code expected} ({@code null}: absent). */
    CompletableFuture<Outcome> cas(String key, byte[] expected, byte[] value);

    CompletableFuture<Outcome> append(String key, byte[] suffix);

    default Outcome getBlocking(String key, ReadMode mode) {
        return get(key, mode).join();
    }

    default Outcome putBlocking(String key, byte[] value) {
        return put(key, value).join();
    }

    default Outcome deleteBlocking(String key) {
        return delete(key).join();
    }

    default Outcome casBlocking(String key, byte[] expected, byte[] value) {
        return cas(key, expected, value).join();
    }

    default Outcome appendBlocking(String key, byte[] suffix) {
        return append(key, suffix).join();
    }

    /** Closes every connection; calls still in flight end {@link Outcome.Indeterminate}. */
    @Override
    void close();

    /** How a read is served. */
    enum ReadMode {
        /** ReadIndex on the leader: linearizable. The default. */
        LINEARIZABLE,
        /** Whatever the contacted node has applied: NOT linearizable. */
        STALE
    }
}
