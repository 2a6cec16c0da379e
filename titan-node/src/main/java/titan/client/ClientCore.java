package titan.client;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import titan.node.kv.Keys;

/**
 * What both clients share: finding the leader, redirects, deadlines, and turning the answers of
 * attempts into honest {@link Outcome}s. The protocols differ only in their {@link Pool}.
 *
 * <p>Honesty rules. A call is retried (on another node, or in a new session) only after an answer
 * that proves its attempt did not take effect: not leader, never sent, or a session answer. Such an
 * answer speaks for the only copy of the request, because a copy whose fate is unknown is never
 * followed by another attempt: an unknown answer, a connection lost after sending, or the deadline
 * passing while a request is on the wire ends the call {@link Outcome.Indeterminate}. So a call ends
 * {@link Outcome.Failed} only when every attempt definitely did nothing.
 *
 * <p>Sessions (see {@code KvStateMachine}): each connection is one session, a random positive client
 * id with sequences 1, 2, 3, ... in the order requests are written on it; the server applies them in
 * that order, so pipelining needs no id per request. A session answer (stale or expired: the
 * session's first request never reached the log) renews the connection's session and retries.
 *
 * <p>Resends (off by default, {@link ClientOptions#unknownWriteResends()}). A write whose copy's fate
 * is unknown may be sent again in the same session and sequence, to the next node: the server's
 * session cache answers a copy whose first was applied (docs/client-protocol.md, "Sessions"). From
 * the first resend on, the call can no longer end {@link Outcome.Failed}: an answer that says a later
 * copy did nothing says nothing of the earlier one, so such a call ends indeterminate instead.
 *
 * <p>Pinned ({@link ClientOptions#pinned()}): every attempt goes to the first endpoint; not leader
 * or not reachable fails the call (that copy did nothing) instead of redirecting it.
 */
abstract class ClientCore implements TitanClient {
    private static final int SESSION_RETRIES_MAX = 3;

    /** The connections to one node. */
    interface Pool {
        /** Sends attempt {@code attempt} of {@code call}; the answer comes back through {@link #onAnswer}. */
        void send(Call call, int attempt);

        void close();
    }

    protected final List<Endpoint> endpoints;
    protected final ClientOptions options;
    protected final EventLoopGroup group;
    private final boolean ownGroup;
    private final Map<Endpoint, Pool> pools = new ConcurrentHashMap<>();
    private final Set<Call> live = ConcurrentHashMap.newKeySet();
    private volatile Endpoint leader;
    private volatile boolean closed;

    ClientCore(List<Endpoint> endpoints, ClientOptions options, EventLoopGroup group) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("a client needs at least one endpoint");
        }
        this.endpoints = List.copyOf(endpoints);
        this.options = options;
        this.ownGroup = group == null;
        this.group = group != null ? group : new MultiThreadIoEventLoopGroup(options.ioThreads(),
                NioIoHandler.newFactory());
        this.leader = this.endpoints.get(0);
    }

    protected abstract Pool newPool(Endpoint endpoint);

    /**
     * The command of {@code call}'s next copy: in the call's own session once it has one, else in
     * the connection's ({@code clientId}, {@code nextSequence}), which the call keeps when it may be resent.
     */
    final SessionCommand command(Call call, long clientId, long nextSequence) {
        synchronized (call) {
            if (call.sessionClientId != 0) {
                return new SessionCommand(call.request.command(call.sessionClientId, call.sessionSequence), false);
            }
            if (options.unknownWriteResends() > 0) {
                call.sessionClientId = clientId;
                call.sessionSequence = nextSequence;
            }
        }
        return new SessionCommand(call.request.command(clientId, nextSequence), true);
    }

    /** A write's command, and whether it took the connection's next sequence (false: a resent copy's own). */
    record SessionCommand(titan.node.kv.KvCommand command, boolean connectionSession) {}

    /** A fresh session id: random, positive, 63 bits. */
    static long newClientId() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }

    // ---------------------------------------------------------------- the interface

    @Override
    public CompletableFuture<Outcome> get(String key, ReadMode mode) {
        return submit(new Request(Request.Kind.GET, key, null, null, mode == ReadMode.STALE));
    }

    @Override
    public CompletableFuture<Outcome> put(String key, byte[] value) {
        return submit(new Request(Request.Kind.PUT, key, value.clone(), null, false));
    }

    @Override
    public CompletableFuture<Outcome> delete(String key) {
        return submit(new Request(Request.Kind.DELETE, key, null, null, false));
    }

    @Override
    public CompletableFuture<Outcome> cas(String key, byte[] expected, byte[] value) {
        return submit(new Request(Request.Kind.CAS, key, value.clone(), expected == null ? null : expected.clone(), false));
    }

    @Override
    public CompletableFuture<Outcome> append(String key, byte[] suffix) {
        return submit(new Request(Request.Kind.APPEND, key, suffix.clone(), null, false));
    }

    /** The node the client currently believes leads. */
    public Endpoint leaderGuess() {
        return leader;
    }

    @Override
    public void close() {
        closed = true;
        for (Pool pool : pools.values()) {
            pool.close(); // in-flight calls end Indeterminate through their connections
        }
        pools.clear();
        for (Call call : live) {
            boolean written;
            synchronized (call) {
                written = call.written;
            }
            complete(call, written ? new Outcome.Indeterminate("the client was closed with the request sent", null)
                    : new Outcome.Failed("the client was closed before the request was sent", null));
        }
        if (ownGroup) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    // ---------------------------------------------------------------- attempts

    private CompletableFuture<Outcome> submit(Request request) {
        long timeoutNanos = options.timeout().toNanos();
        Call call = new Call(request, System.nanoTime() + timeoutNanos);
        try {
            Keys.check(request.key());
        } catch (IllegalArgumentException e) {
            call.future.complete(new Outcome.Failed("bad request: " + e.getMessage(), null));
            return call.future;
        }
        if (closed) {
            call.future.complete(new Outcome.Failed("the client is closed", null));
            return call.future;
        }
        live.add(call);
        call.timeout = CallTimer.schedule(group, () -> onTimeout(call), timeoutNanos);
        attempt(call, leader);
        return call.future;
    }

    private void attempt(Call call, Endpoint target) {
        int attempt;
        synchronized (call) {
            if (call.done) {
                return;
            }
            attempt = ++call.attempt;
            call.written = false;
            call.onAbandon = null;
            call.target = target;
            if (call.attemptTimeout != null) {
                call.attemptTimeout.cancel();
                call.attemptTimeout = null;
            }
        }
        if (closed) {
            complete(call, new Outcome.Failed("the client is closed", target.nodeId()));
            return;
        }
        Pool pool = pools.get(target);
        (pool != null ? pool : pools.computeIfAbsent(target, this::newPool)).send(call, attempt);
    }

    /** Called by a pool when attempt {@code attempt} is handed to the wire; {@code abandon} frees it. */
    void onWritten(Call call, int attempt, Runnable abandon) {
        boolean abandonNow;
        synchronized (call) {
            abandonNow = call.done;
            if (!call.done && call.attempt == attempt) {
                call.written = true;
                call.onAbandon = abandon;
                if (mayResend(call)) {
                    long attemptNanos = options.timeout().toNanos() / (options.unknownWriteResends() + 1);
                    call.attemptTimeout = CallTimer.schedule(group, () -> onAttemptTimeout(call, attempt), attemptNanos);
                }
            }
        }
        if (abandonNow) {
            abandon.run();
        }
    }

    /** Called by a pool, on any thread, with the answer to attempt {@code attempt} from {@code from}. */
    void onAnswer(Call call, int attempt, Endpoint from, Answer answer) {
        synchronized (call) {
            if (call.done || call.attempt != attempt) {
                return;
            }
            call.written = false;
            call.onAbandon = null;
        }
        String node = from.nodeId();
        if (answer instanceof Answer.Value v) {
            complete(call, new Outcome.Ok(v.value(), node));
        } else if (answer instanceof Answer.Missing) {
            complete(call, new Outcome.NotFound(node));
        } else if (answer instanceof Answer.Mismatch m) {
            complete(call, new Outcome.CasMismatch(m.current(), node));
        } else if (answer instanceof Answer.Failure f) {
            complete(call, new Outcome.Failed(f.reason(), node));
        } else if (answer instanceof Answer.Unknown u) {
            if (!resend(call, from, u.reason())) {
                complete(call, new Outcome.Indeterminate(u.reason(), node));
            }
        } else if (options.pinned() && (answer instanceof Answer.NotLeader || answer instanceof Answer.NotSent)) {
            complete(call, new Outcome.Failed(answer instanceof Answer.NotSent ns ? ns.reason()
                    : node + " is not the leader (the client is pinned to it)", node));
        } else if (answer instanceof Answer.NotLeader n) {
            Endpoint next = redirect(n, from);
            leader = next;
            boolean useful = n.leader() != null && !next.equals(from);
            retry(call, next, useful ? 0 : options.retryDelay().toNanos(), node + " is not the leader"
                    + (n.leader() == null ? " and knows none" : "; " + n.leader() + " is"));
        } else if (answer instanceof Answer.Session s) {
            if (resent(call)) {
                complete(call, new Outcome.Indeterminate("a resent copy got a session answer (" + s.reason()
                        + "); an earlier copy may have been applied", node));
            } else if (++call.sessionRetries > SESSION_RETRIES_MAX) {
                complete(call, new Outcome.Failed("session refused repeatedly: " + s.reason(), node));
            } else {
                retry(call, from, 0, s.reason());
            }
        } else {
            Endpoint next = following(from);
            if (from.equals(leader)) {
                leader = next;
            }
            retry(call, next, options.retryDelay().toNanos(), ((Answer.NotSent) answer).reason() + " (" + node + ")");
        }
    }

    /** Whether {@code call} may still be resent: a write with a session, resends left. Holds call's lock. */
    private boolean mayResend(Call call) {
        return options.unknownWriteResends() > 0 && !call.request.isRead() && call.sessionClientId != 0
                && call.resends < options.unknownWriteResends();
    }

    private static boolean resent(Call call) {
        synchronized (call) {
            return call.resends > 0;
        }
    }

    /**
     * Sends {@code call} again in its own session, to the next node (the same node when pinned), after
     * its copy's fate became unknown; false when it may not (no resends left, a read, or too close to
     * the deadline for an answer to come back).
     */
    private boolean resend(Call call, Endpoint from, String reason) {
        synchronized (call) {
            if (!mayResend(call) || System.nanoTime() >= call.deadlineNanos - options.timeout().toNanos() / 10) {
                return false;
            }
            call.resends++;
            call.lastReason = reason;
        }
        Endpoint current = leader;
        attempt(call, options.pinned() ? from : current.equals(from) ? following(from) : current);
        return true;
    }

    /** The current attempt of a resendable write had no answer in its share of the deadline: resend it. */
    private void onAttemptTimeout(Call call, int attempt) {
        Runnable abandon;
        Endpoint target;
        synchronized (call) {
            if (call.done || call.attempt != attempt || !call.written) {
                return;
            }
            abandon = call.onAbandon;
            target = call.target;
        }
        onAnswer(call, attempt, target, new Answer.Unknown("no answer within "
                + options.timeout().toMillis() / (options.unknownWriteResends() + 1) + " ms"));
        if (abandon != null) {
            abandon.run(); // frees the old copy's slot; its late answer is ignored (an older attempt)
        }
    }

    private void retry(Call call, Endpoint target, long delayNanos, String reason) {
        synchronized (call) {
            call.lastReason = reason;
        }
        // Leave the last tenth of the deadline unused by new attempts, so that the last attempt is
        // likely answered: an attempt still on the wire at the deadline makes the call indeterminate.
        if (System.nanoTime() + delayNanos >= call.deadlineNanos - options.timeout().toNanos() / 10) {
            complete(call, new Outcome.Failed("deadline passed; last attempt: " + reason, target.nodeId()));
        } else if (delayNanos == 0) {
            attempt(call, target);
        } else {
            group.schedule(() -> attempt(call, target), delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void onTimeout(Call call) {
        Outcome outcome;
        Runnable abandon;
        synchronized (call) {
            if (call.done) {
                return;
            }
            String node = call.target == null ? null : call.target.nodeId();
            outcome = call.written
                    ? new Outcome.Indeterminate("timed out after " + options.timeout().toMillis()
                            + " ms with the request sent", node)
                    : new Outcome.Failed("timed out before the request was sent; last attempt: " + call.lastReason, node);
            abandon = call.onAbandon;
        }
        if (abandon != null) {
            abandon.run(); // first: a caller that retries on the outcome must not be given the abandoned connection
        }
        complete(call, outcome);
    }

    private void complete(Call call, Outcome outcome) {
        synchronized (call) {
            if (call.done) {
                return;
            }
            call.done = true;
            call.onAbandon = null;
            if (call.resends > 0 && outcome instanceof Outcome.Failed f) {
                // A later copy did nothing; the first copy's fate is still unknown.
                outcome = new Outcome.Indeterminate(f.reason() + " (after " + call.resends
                        + " resend(s); an earlier copy may have been applied)", f.node());
            }
            if (call.attemptTimeout != null) {
                call.attemptTimeout.cancel();
            }
        }
        if (call.timeout != null) {
            call.timeout.cancel();
        }
        live.remove(call);
        call.future.complete(outcome);
    }

    // ---------------------------------------------------------------- leader discovery

    /** The leader's endpoint from our own list by its id; its advertised address only as a fallback. */
    private Endpoint redirect(Answer.NotLeader n, Endpoint from) {
        if (n.leader() != null && !n.leader().equals(from.nodeId())) {
            for (Endpoint e : endpoints) {
                if (e.nodeId().equals(n.leader())) {
                    return e;
                }
            }
            Endpoint advertised = advertised(n.leader(), n.address());
            if (advertised != null) {
                return advertised;
            }
        }
        return following(from);
    }

    /** An endpoint for an advertised {@code host:port}; the port serves this client's protocol. */
    private static Endpoint advertised(String id, String address) {
        if (address == null) {
            return null;
        }
        int colon = address.lastIndexOf(':');
        try {
            int port = Integer.parseInt(address.substring(colon + 1));
            return colon <= 0 ? null : new Endpoint(id, address.substring(0, colon), port, port);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private Endpoint following(Endpoint from) {
        int i = endpoints.indexOf(from);
        return endpoints.get((i + 1) % endpoints.size());
    }
}
