package titan.lab.nemesis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import titan.lab.runtime.ClusterRuntime;
import titan.lab.runtime.RuntimeFailure;
import titan.nemesis.Fault;

/**
 * The membership faults ({@link Fault.RemoveMember}, {@link Fault.MembershipBurst}) on a real
 * runtime, through each node's admin endpoint ({@code /admin/membership}, see docs/membership.md).
 * The fault asks the leader to remove a voter and returns once the removal is decided; the heal asks
 * whoever leads then to add it back (learner, catch-up, voter: dissertation §4.2.1) and returns once it
 * is a voter again. {@link #restoreAll} adds back every node of the runtime that is not a voter.
 */
final class MembershipNemesis {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(10);
    /** How long a heal keeps trying (through leader changes) before it reports failure. */
    private static final Duration HEAL_DEADLINE = Duration.ofSeconds(40);

    private final ClusterRuntime runtime;
    private final SplittableRandom random;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    MembershipNemesis(ClusterRuntime runtime, SplittableRandom random) {
        this.runtime = runtime;
        this.random = random;
    }

    /** A node's view of the configuration, from {@code GET /admin/membership}. */
    record View(String node, String role, long term, List<String> voters, List<String> learners) {}

    /** One admin answer. */
    record Reply(int status, JsonNode body) {
        String describe() {
            return status + " " + body.path("outcome").asText() + (body.has("error") ? ": " + body.path("error").asText() : "");
        }
    }

    /** Removes one voter (target ONE: not the leader; LEADER: the leader); empty when it cannot apply now. */
    Optional<FaultInjector.Active> remove(Fault fault, Fault.Target target) {
        Optional<View> leader = leaderView();
        if (leader.isEmpty() || leader.get().voters().size() <= 2) {
            return Optional.empty(); // no leader, or a removal would leave a single voter
        }
        View l = leader.get();
        String victim = target == Fault.Target.LEADER ? l.node() : pickOther(l.voters(), l.node());
        Reply r = post(l.node(), "remove", victim, true);
        if (r.status() == 421 || r.status() == 409) {
            return Optional.empty(); // leadership moved, or another change is in progress: skip this window
        }
        if (r.status() != 200 && r.status() != 504) {
            throw new RuntimeFailure("removing " + victim + " via " + l.node() + ": " + r.describe());
        }
        // 504: no outcome in time, the removal may still happen; the heal adds the node back either way.
        String detail = "remove " + victim + " via " + l.node() + ": " + r.describe() + " voters "
                + r.body().path("voters");
        return Optional.of(new FaultInjector.Active(fault, detail, () -> addBack(List.of(victim))));
    }

    /**
     * Two removals asked for back to back, neither waiting for the other's commit: the second is a
     * concurrent change, which a safe leader refuses (dissertation §4.1). The nodes stay out until
     * the window's end (unlike the simulator's burst, which asks one back a few ticks later: on real
     * nodes that re-added learner hears the leader at once and keeps the other removed node from
     * winning an election, which hides exactly what an unsafe leader does wrong).
     */
    Optional<FaultInjector.Active> burst(Fault fault) {
        Optional<View> leader = leaderView();
        if (leader.isEmpty() || leader.get().voters().size() <= 2) {
            return Optional.empty();
        }
        View l = leader.get();
        String first = pickOther(l.voters(), l.node());
        List<String> rest = new ArrayList<>(l.voters());
        rest.remove(first);
        String second = pickOther(rest, l.node());
        CompletableFuture<Reply> a = CompletableFuture.supplyAsync(() -> post(l.node(), "remove", first, false));
        CompletableFuture<Reply> b = CompletableFuture.supplyAsync(() -> post(l.node(), "remove", second, false));
        String detail = "via " + l.node() + ": remove " + first + " " + a.join().describe() + "; remove " + second + " "
                + b.join().describe();
        return Optional.of(new FaultInjector.Active(fault, detail, () -> addBack(List.of(first, second))));
    }

    /** Adds every node of the runtime that is not a voter back; throws when one is still missing at the deadline. */
    void restoreAll() {
        addBack(runtime.nodes());
    }

    /**
     * Makes each of {@code nodes} a voter again, asking whoever leads, retrying through leader
     * changes and refusals until {@link #HEAL_DEADLINE}.
     */
    private void addBack(List<String> nodes) {
        long deadline = System.nanoTime() + HEAL_DEADLINE.toNanos();
        String last = "no leader answered";
        while (System.nanoTime() < deadline) {
            Optional<View> leader = leaderView();
            if (leader.isPresent()) {
                Optional<String> missing = nodes.stream().filter(n -> !leader.get().voters().contains(n)).findFirst();
                if (missing.isEmpty()) {
                    return;
                }
                if (runtime.state(missing.get()) == ClusterRuntime.NodeState.STOPPED) {
                    runtime.start(missing.get()); // a learner that is down never catches up (a node that stopped on a fatal error)
                }
                Reply r = post(leader.get().node(), "add", missing.get(), true);
                if (r.status() == 200) {
                    continue;
                }
                last = "add " + missing.get() + " via " + leader.get().node() + ": " + r.describe();
            }
            pause(100);
        }
        throw new RuntimeFailure("membership not restored within " + HEAL_DEADLINE.toSeconds() + " s: " + last);
    }

    /** The view of the node that says it leads, in the highest term; empty when none does. */
    Optional<View> leaderView() {
        View best = null;
        for (String node : runtime.nodes()) {
            if (runtime.state(node) != ClusterRuntime.NodeState.RUNNING) {
                continue;
            }
            Optional<View> v = view(node);
            if (v.isPresent() && v.get().role().equals("leader") && (best == null || v.get().term() > best.term())) {
                best = v.get();
            }
        }
        return Optional.ofNullable(best);
    }

    Optional<View> view(String node) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(node, "")).timeout(Duration.ofSeconds(1))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return Optional.empty();
            }
            JsonNode j = JSON.readTree(r.body());
            return Optional.of(new View(j.path("node").asText(node), j.path("role").asText(""), j.path("term").asLong(),
                    strings(j.path("voters")), strings(j.path("learners"))));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private Reply post(String via, String action, String node, boolean awaitCommit) {
        String query = "?action=" + action + "&node=" + node + "&timeout-ms=" + CHANGE_TIMEOUT.toMillis()
                + (awaitCommit ? "" : "&wait=accept");
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(via, query))
                    .timeout(CHANGE_TIMEOUT.plusSeconds(5)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), JSON.readTree(r.body()));
        } catch (IOException e) {
            // No answer: like a 504, the change may or may not have happened.
            return new Reply(504, JSON.createObjectNode().put("outcome", "unknown").put("error", e.toString()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeFailure("interrupted while asking " + via + " to " + action + " " + node);
        }
    }

    private URI uri(String node, String query) {
        InetSocketAddress a = runtime.adminAddress(node);
        return URI.create("http://" + a.getHostString() + ":" + a.getPort() + "/admin/membership" + query);
    }

    private String pickOther(List<String> voters, String not) {
        List<String> others = new ArrayList<>(voters);
        others.remove(not);
        return others.get(random.nextInt(others.size()));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeFailure("interrupted while restoring the membership");
        }
    }
}
