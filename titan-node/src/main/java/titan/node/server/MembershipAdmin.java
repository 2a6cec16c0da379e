package titan.node.server;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import titan.node.api.NodeStatus;
import titan.raft.MembershipChange;
import titan.raft.NodeId;
import titan.raft.ProposalResult;

/**
 * The admin endpoint's membership actions (dissertation §4.1, one server at a time; §4.2.1, new
 * servers catch up as learners before they vote). Served by the leader; the lab's membership
 * nemesis uses them (docs/membership.md):
 * <pre>
 *   GET  /admin/membership                          {"node","role","term","leader","voters","learners",...}
 *   POST /admin/membership?action=remove&amp;node=n3      remove a voter or learner
 *   POST /admin/membership?action=add-learner&amp;node=n3 add a node of the address book as a learner
 *   POST /admin/membership?action=promote&amp;node=n3     make a caught-up learner a voter
 *   POST /admin/membership?action=add&amp;node=n3         learner, wait until caught up, voter
 *        optional: &amp;wait=accept (answer once appended, not committed), &amp;timeout-ms=N (default 10000)
 * </pre>
 * Answers: 200 committed (202 appended, with {@code wait=accept}); 400 bad input or an invalid
 * change (unknown node, not in the address book, already a member, not caught up); 409 another
 * change in progress, a leadership transfer, or the change lost to a new leader; 421 not the
 * leader, with {@code leader} when known; 503 busy; 504 no outcome in time (it may still happen).
 * Every body has {@code outcome} and, on errors, {@code error}.
 */
final class MembershipAdmin implements HttpHandler, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MembershipAdmin.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_MILLIS_DEFAULT = 10_000;
    private static final long PROMOTE_RETRY_MILLIS = 50;

    private final NodeLoop loop;
    private final SortedSet<NodeId> addressBook;
    /** Changes wait for their commit here, not on the endpoint's one thread (the clock stays served). */
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "titan-admin-membership");
        t.setDaemon(true);
        return t;
    });

    MembershipAdmin(NodeLoop loop, Set<NodeId> addressBook) {
        this.loop = loop;
        this.addressBook = new TreeSet<>(addressBook);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (method.equals("GET")) {
            respond(exchange, 200, describe(loop.status()));
            return;
        }
        if (!method.equals("POST")) {
            respond(exchange, 405, error("refused", "use GET or POST"));
            return;
        }
        Request request;
        try {
            request = parse(exchange.getRequestURI().getRawQuery());
        } catch (IllegalArgumentException e) {
            respond(exchange, 400, error("refused", e.getMessage()));
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    Answer answer = request.action().equals("add") ? add(request) : change(request, toChange(request));
                    respond(exchange, answer.status(), answer.body());
                } catch (IOException | RuntimeException e) {
                    log.warn("membership request failed: {}", e.toString());
                    exchange.close();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            respond(exchange, 503, error("refused", "the node is stopping"));
        }
    }

    /**
     * Stops the workers with the node: a change still waiting for its outcome is interrupted and its
     * connection closed (the change itself may still commit). Later requests get 503.
     */
    @Override
    public void close() {
        workers.shutdownNow();
    }

    private record Request(String action, NodeId node, boolean awaitCommit, long timeoutMillis) {}

    private record Answer(int status, Map<String, Object> body) {}

    private Request parse(String rawQuery) {
        Map<String, String> q = new HashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        String action = q.get("action");
        if (action == null || !Set.of("remove", "add-learner", "promote", "add").contains(action)) {
            throw new IllegalArgumentException("POST /admin/membership?action=remove|add-learner|promote|add&node=nN");
        }
        String nodeText = q.get("node");
        if (nodeText == null) {
            throw new IllegalArgumentException("missing node=nN");
        }
        NodeId node = NodeId.parse(nodeText);
        if (!addressBook.contains(node)) {
            throw new IllegalArgumentException(node + " is not in this node's address book (--peers: "
                    + addressBook + ")");
        }
        String wait = q.getOrDefault("wait", "commit");
        if (!wait.equals("commit") && !wait.equals("accept")) {
            throw new IllegalArgumentException("wait must be commit or accept, got '" + wait + "'");
        }
        if (action.equals("add") && wait.equals("accept")) {
            throw new IllegalArgumentException("action=add always waits for its commits");
        }
        long timeoutMillis = TIMEOUT_MILLIS_DEFAULT;
        if (q.containsKey("timeout-ms")) {
            try {
                timeoutMillis = Long.parseLong(q.get("timeout-ms"));
            } catch (NumberFormatException e) {
                timeoutMillis = -1;
            }
            if (timeoutMillis < 1 || timeoutMillis > 600_000) {
                throw new IllegalArgumentException("timeout-ms must be 1..600000, got '" + q.get("timeout-ms") + "'");
            }
        }
        return new Request(action, node, wait.equals("commit"), timeoutMillis);
    }

    private static MembershipChange toChange(Request r) {
        return switch (r.action()) {
            case "remove" -> new MembershipChange.RemoveServer(r.node());
            case "add-learner" -> new MembershipChange.AddLearner(r.node());
            default -> new MembershipChange.PromoteLearner(r.node());
        };
    }

    /** One change, answered when it is decided (or appended, with wait=accept). */
    private Answer change(Request r, MembershipChange change) {
        CompletableFuture<MembershipOutcome> outcome = new CompletableFuture<>();
        loop.changeMembership(change, r.awaitCommit(), r.timeoutMillis(), outcome::complete);
        try {
            // The loop answers within the timeout by itself; the margin covers a stopped loop.
            return answer(outcome.get(r.timeoutMillis() + 5_000, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return answer(new MembershipOutcome.Unknown("interrupted"));
        } catch (ExecutionException | TimeoutException e) {
            return answer(new MembershipOutcome.Unknown("no answer from the node's loop: " + e));
        }
    }

    /**
     * Adds a server the way §4.2.1 asks: as a learner first, promoted once it has caught up (the
     * leader refuses the promotion until then, so it is retried until the timeout).
     */
    private Answer add(Request r) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(r.timeoutMillis());
        NodeStatus status = loop.status();
        if (status.voters().contains(r.node().toString())) {
            return new Answer(400, error("refused", r.node() + " is already a voter"));
        }
        if (!status.learners().contains(r.node().toString())) {
            Answer learner = change(r, new MembershipChange.AddLearner(r.node()));
            if (learner.status() != 200) {
                return learner;
            }
        }
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return new Answer(504, error("unknown", r.node() + " is a learner that did not catch up within "
                        + r.timeoutMillis() + " ms"));
            }
            Answer promoted = change(new Request("promote", r.node(), true, left), new MembershipChange.PromoteLearner(r.node()));
            if (promoted.status() != 400 || !String.valueOf(promoted.body().get("error")).contains("caught up")) {
                return promoted;
            }
            try {
                Thread.sleep(PROMOTE_RETRY_MILLIS); // the learner is catching up; ask again shortly
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Answer(504, error("unknown", "interrupted"));
            }
        }
    }

    private Answer answer(MembershipOutcome outcome) {
        if (outcome instanceof MembershipOutcome.Committed c) {
            Map<String, Object> body = describe(loop.status());
            body.put("outcome", "committed");
            body.put("index", c.index());
            body.put("voters", c.membership().voters().stream().map(NodeId::toString).toList());
            body.put("learners", c.membership().learners().stream().map(NodeId::toString).toList());
            return new Answer(200, body);
        }
        if (outcome instanceof MembershipOutcome.Accepted a) {
            Map<String, Object> body = describe(loop.status());
            body.put("outcome", "accepted");
            body.put("index", a.index());
            body.put("voters", a.membership().voters().stream().map(NodeId::toString).toList());
            body.put("learners", a.membership().learners().stream().map(NodeId::toString).toList());
            return new Answer(202, body);
        }
        if (outcome instanceof MembershipOutcome.Refused refused) {
            ProposalResult.Rejected r = refused.rejection();
            Map<String, Object> body = error("refused", r.detail() == null || r.detail().isEmpty()
                    ? r.reason().toString() : r.detail());
            body.put("reason", r.reason().name().toLowerCase().replace('_', '-'));
            int status = switch (r.reason()) {
                case NOT_LEADER -> 421;
                case INVALID_MEMBERSHIP_CHANGE -> 400;
                case MEMBERSHIP_CHANGE_IN_PROGRESS, LEADERSHIP_TRANSFER_IN_PROGRESS -> 409;
                case TOO_MANY_UNCOMMITTED_BYTES -> 503;
            };
            if (r.reason() == ProposalResult.Reason.NOT_LEADER) {
                String leader = r.leaderHint() != null ? r.leaderHint().toString() : loop.status().leader();
                body.put("leader", leader);
                body.put("error", "not the leader; ask " + (leader == null ? "the leader (unknown here)" : leader));
            }
            return new Answer(status, body);
        }
        if (outcome instanceof MembershipOutcome.Lost lost) {
            return new Answer(409, error("lost", lost.detail()));
        }
        if (outcome instanceof MembershipOutcome.Busy busy) {
            return new Answer(503, error("busy", busy.detail()));
        }
        return new Answer(504, error("unknown", ((MembershipOutcome.Unknown) outcome).detail()));
    }

    private static Map<String, Object> describe(NodeStatus s) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("node", s.id());
        body.put("role", s.role());
        body.put("term", s.term());
        body.put("leader", s.leader());
        body.put("commitIndex", s.commitIndex());
        body.put("voters", s.voters());
        body.put("learners", s.learners());
        body.put("member", s.voters().contains(s.id()) ? "voter" : s.learners().contains(s.id()) ? "learner" : "none");
        return body;
    }

    private static Map<String, Object> error(String outcome, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("outcome", outcome);
        body.put("error", message);
        return body;
    }

    private static void respond(HttpExchange exchange, int status, Map<String, Object> body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
