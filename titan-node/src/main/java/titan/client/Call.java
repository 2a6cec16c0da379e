package titan.client;

import java.util.concurrent.CompletableFuture;
import io.netty.util.Timeout;

/**
 * One call of a client: its request, its future and deadline, and which attempt is current. Guarded
 * by its own monitor: the I/O threads and the timeout race to finish it, and exactly one wins.
 */
final class Call {
    final Request request;
    final CompletableFuture<Outcome> future = new CompletableFuture<>();
    final long deadlineNanos;
    Timeout timeout;
    /** The current attempt's number; answers to older attempts are ignored. */
    int attempt;
    /** Whether the current attempt's request was handed to the wire (so its fate may be unknown). */
    boolean written;
    boolean done;
    Endpoint target;
    String lastReason = "no attempt yet";
    int sessionRetries;
    /** Frees what the current attempt holds in its connection, when the call ends without its answer. */
    Runnable onAbandon;
    /**
     * A write's session once its first copy was written, when the client resends unknown writes
     * ({@link ClientOptions#unknownWriteResends()}): every later copy carries the same pair. 0: none yet.
     */
    long sessionClientId;
    long sessionSequence;
    /** Copies sent again after an unknown fate. */
    int resends;
    /** The current attempt's own deadline when resends are on. */
    Timeout attemptTimeout;

    Call(Request request, long deadlineNanos) {
        this.request = request;
        this.deadlineNanos = deadlineNanos;
    }
}
