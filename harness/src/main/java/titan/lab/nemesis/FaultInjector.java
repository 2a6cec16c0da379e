package titan.lab.nemesis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

import titan.lab.runtime.ClusterRuntime;
import titan.lab.runtime.LinkFaults;
import titan.nemesis.Fault;
import titan.nemesis.NetworkFaults;
import titan.nemesis.Plans;

/**
 * Injects the catalogue's faults ({@link Fault}) into a real runtime and heals them. Nodes and links
 * are chosen when a fault starts, from the injector's seeded random stream and the leader at that
 * moment. Not thread-safe: one nemesis thread drives it.
 */
public final class FaultInjector {
    private final ClusterRuntime runtime;
    private final Supplier<Optional<String>> leader;
    private final SplittableRandom random;
    private final MembershipNemesis membership;
    private boolean membershipChanged;

    /** A started fault: what to say about it and how to undo it. */
    public record Active(Fault fault, String detail, Runnable healer) {}

    public FaultInjector(ClusterRuntime runtime, Supplier<Optional<String>> leader, long seed) {
        this.runtime = runtime;
        this.leader = leader;
        this.random = new SplittableRandom(seed);
        this.membership = new MembershipNemesis(runtime, random.split());
    }

    /** Starts {@code fault}; empty when it cannot apply now (no leader to isolate or kill). */
    public Optional<Active> inject(Fault fault) {
        List<String> nodes = runtime.nodes();
        if (fault instanceof Fault.Partition p) {
            return Plans.partition(p.shape(), nodes, leaderIfNeeded(p.shape() == Fault.PartitionShape.ISOLATE_LEADER), random)
                    .map(cut -> {
                        cut.links().forEach(runtime::cut);
                        return new Active(fault, cut.description(), () -> cut.links().forEach(runtime::heal));
                    });
        }
        if (fault instanceof Fault.Crash c) {
            return onTargets(fault, c.target(), "kill", runtime::kill, this::startIfStopped);
        }
        if (fault instanceof Fault.Pause p) {
            return onTargets(fault, p.target(), "pause", runtime::pause, runtime::resume);
        }
        if (fault instanceof Fault.Links l) {
            NetworkFaults n = l.faults();
            LinkFaults f = new LinkFaults(n.delayMeanMicros(), n.jitterMeanMicros(), n.lossProbability(), 0);
            return Optional.of(allLinks(fault, f, String.format("delay %d us, jitter %d us, drop %.3f per chunk",
                    f.delayMicros(), f.jitterMicros(), f.dropProbability())));
        }
        if (fault instanceof Fault.Throttle t) {
            return Optional.of(allLinks(fault, new LinkFaults(0, 0, 0, t.bytesPerSecond()), t.bytesPerSecond() + " B/s"));
        }
        if (fault instanceof Fault.ClockSkew skew) {
            String node = nodes.get(random.nextInt(nodes.size()));
            runtime.setClockRate(node, skew.rate());
            return Optional.of(new Active(fault, String.format("%s clock rate %.2f", node, skew.rate()),
                    () -> runtime.setClockRate(node, 1.0)));
        }
        if (fault instanceof Fault.WalDamage w) {
            Set<String> targets = Plans.targets(w.target(), nodes, leaderIfNeeded(w.target() == Fault.Target.LEADER), random);
            if (targets.isEmpty()) {
                return Optional.empty();
            }
            List<String> done = new ArrayList<>();
            for (String node : targets) {
                runtime.kill(node);
                done.add(node + ": " + runtime.damageWal(node, w.kind(), random));
            }
            return Optional.of(new Active(fault, String.join("; ", done), () -> targets.forEach(this::startIfStopped)));
        }
        if (fault instanceof Fault.RemoveMember r) {
            membershipChanged = true;
            return membership.remove(fault, r.target());
        }
        if (fault instanceof Fault.MembershipBurst) {
            membershipChanged = true;
            return membership.burst(fault);
        }
        if (fault instanceof Fault.PowerLoss p) {
            return powerLossNow(fault, p);
        }
        if (fault instanceof Fault.CrashInSync c) {
            // An overwrite-armed crash is the simulator's aim at torn hard state; here every sync is a
            // candidate and the cut keeps whole records, which is what can separate a hard state from
            // the entries it speaks of.
            return armPowerLoss(fault, c.target(), "sync", c.onOverwrite() ? Fault.TornTail.TORN_RECORDS : randomCut());
        }
        if (fault instanceof Fault.CrashAfterAck c) {
            return armPowerLoss(fault, c.target(), "ack", randomCut());
        }
        if (fault instanceof Fault.PowerLossFollowers f) {
            return powerLossFollowers(fault, f.cut());
        }
        if (fault instanceof Fault.StaleLeader s) {
            return staleLeader(fault, s.clockRate());
        }
        if (fault instanceof Fault.PowerLossVoter v) {
            return powerLossVoter(fault, v.clockRate());
        }
        if (fault instanceof Fault.PowerLossOverwrite) {
            return powerLossOverwrite(fault);
        }
        throw new IllegalArgumentException("the " + runtime.name() + " runtime cannot inject " + fault.name());
    }

    /**
     * After every other heal: when a membership fault ran, adds every node that is not a voter back
     * (a heal that failed, or a removal that took effect late), so a test ends with the full
     * configuration. Throws {@link titan.lab.runtime.RuntimeFailure} when that does not succeed in time.
     */
    public void restoreMembership() {
        if (membershipChanged) {
            membership.restoreAll();
        }
    }

    // ---- power loss (nodes run with --fault-injection; see titan.node.storage.FileLogStore) ----

    private Optional<Active> powerLossNow(Fault fault, Fault.PowerLoss p) {
        Set<String> targets = Plans.targets(p.target(), runtime.nodes(), leaderIfNeeded(p.target() == Fault.Target.LEADER),
                random);
        if (targets.isEmpty()) {
            return Optional.empty();
        }
        // One power failure for all of them: every request is sent before any halt is waited for (a
        // node cut after another had restarted or been noticed dead would be a rolling failure).
        List<String> running = targets.stream().filter(n -> runtime.state(n) == ClusterRuntime.NodeState.RUNNING).toList();
        Map<String, Long> seeds = new LinkedHashMap<>();
        running.forEach(n -> seeds.put(n, random.nextLong()));
        List<CompletableFuture<String>> cuts = new ArrayList<>();
        for (String node : running) {
            cuts.add(CompletableFuture.supplyAsync(() -> node + ": " + runtime.powerLoss(node, "now", p.cut().flag(),
                    seeds.get(node)), runnable -> {
                        Thread t = new Thread(runnable, "power-loss-" + node);
                        t.setDaemon(true);
                        t.start();
                    }));
        }
        List<String> done = new ArrayList<>();
        for (CompletableFuture<String> cut : cuts) {
            try {
                done.add(cut.join());
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        return Optional.of(new Active(fault, String.join("; ", done), () -> targets.forEach(this::startIfStopped)));
    }

    /** Arms the targets to lose power at {@code at} (sync, ack); the window's end disarms and restarts them. */
    private Optional<Active> armPowerLoss(Fault fault, Fault.Target target, String at, Fault.TornTail cut) {
        Set<String> targets = Plans.targets(target, runtime.nodes(), leaderIfNeeded(target == Fault.Target.LEADER), random);
        if (targets.isEmpty()) {
            return Optional.empty();
        }
        List<String> armed = new ArrayList<>();
        for (String node : targets) {
            if (runtime.state(node) == ClusterRuntime.NodeState.RUNNING) {
                runtime.powerLoss(node, at, cut.flag(), random.nextLong());
                armed.add(node);
            }
        }
        return Optional.of(new Active(fault, "armed at the next " + at + " (" + cut.flag() + "): "
                + String.join(" ", armed), () -> targets.forEach(this::disarmOrRestart)));
    }

    /**
     * The followers lose power inside their next sync; once they are down (or after a deadline, when
     * no write came), the leader is killed. The heal restarts the followers first and the old leader
     * last, so a follower is elected ({@link Fault.PowerLossFollowers}).
     */
    private Optional<Active> powerLossFollowers(Fault fault, Fault.TornTail cut) {
        Optional<String> leaderNow = leader.get();
        if (leaderNow.isEmpty()) {
            return Optional.empty();
        }
        String oldLeader = leaderNow.get();
        List<String> followers = new ArrayList<>(runtime.nodes());
        followers.remove(oldLeader);
        for (String node : followers) {
            if (runtime.state(node) == ClusterRuntime.NodeState.RUNNING) {
                runtime.powerLoss(node, "sync", cut.flag(), random.nextLong());
            }
        }
        long deadline = System.nanoTime() + FOLLOWERS_DOWN_TIMEOUT_NANOS;
        while (System.nanoTime() < deadline
                && followers.stream().anyMatch(n -> runtime.state(n) != ClusterRuntime.NodeState.STOPPED)) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<String> down = followers.stream().filter(n -> runtime.state(n) == ClusterRuntime.NodeState.STOPPED).toList();
        followers.forEach(this::disarmOrRestartLater);
        runtime.kill(oldLeader);
        String detail = "lost power in a sync (" + cut.flag() + "): " + (down.isEmpty() ? "none" : String.join(" ", down))
                + "; killed leader " + oldLeader;
        return Optional.of(new Active(fault, detail, () -> {
            followers.forEach(this::startIfStopped);
            startIfStopped(oldLeader);
        }));
    }

    private static final long FOLLOWERS_DOWN_TIMEOUT_NANOS = 5_000_000_000L;
    /** How long the paused leader stays frozen: several election timeouts of the lab's nodes (300-600 ms). */
    private static final long STALE_LEADER_PAUSE_MILLIS = 1_500;

    /** {@link Fault.PowerLossVoter}: kill the leader, wait for a voter to lose power after its grant, and so on. */
    private Optional<Active> powerLossVoter(Fault fault, double clockRate) {
        Optional<String> leaderNow = leader.get();
        if (leaderNow.isEmpty()) {
            return Optional.empty();
        }
        String old = leaderNow.get();
        List<String> others = new ArrayList<>(runtime.nodes());
        others.remove(old);
        // Armed before the kill (the election starts within an election timeout, faster than arming
        // under load), and for grants only: acknowledgements to the living leader do not count.
        for (String node : others) {
            if (runtime.state(node) == ClusterRuntime.NodeState.RUNNING) {
                runtime.powerLoss(node, "vote", Fault.TornTail.LOSE_TAIL.flag(), random.nextLong());
            }
        }
        runtime.kill(old);
        long deadline = System.nanoTime() + FOLLOWERS_DOWN_TIMEOUT_NANOS;
        List<String> halted = List.of();
        while (halted.isEmpty() && System.nanoTime() < deadline) {
            halted = others.stream().filter(n -> runtime.state(n) == ClusterRuntime.NodeState.STOPPED).toList();
            if (halted.isEmpty()) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        others.forEach(this::disarmOrRestartLater);
        List<String> running = others.stream().filter(n -> runtime.state(n) == ClusterRuntime.NodeState.RUNNING).toList();
        List<String> frozen = halted.isEmpty() ? List.of() : running;
        // The candidate the lost grant elected: cut off (first, so nothing queues in its sockets) and
        // paused, so that neither a message nor its check-quorum can depose it while the voter and
        // the old leader restart and elect again.
        List<Plans.Link> links = new ArrayList<>();
        for (String candidate : frozen) {
            for (String peer : runtime.nodes()) {
                if (!peer.equals(candidate)) {
                    links.add(new Plans.Link(candidate, peer));
                    links.add(new Plans.Link(peer, candidate));
                }
            }
        }
        links.forEach(runtime::cut);
        frozen.forEach(runtime::pause);
        // The old leader first: restarted together, the two campaign at once and split the vote of
        // the term the voter forgot (seen in the node logs), moving on to a later one.
        startIfStopped(old);
        halted.forEach(this::startIfStopped);
        if (!frozen.isEmpty()) {
            try {
                Thread.sleep(VOTER_REELECTION_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Wakes it with its links back: a correct cluster has elected in a later term, which deposes it.
        frozen.forEach(runtime::resume);
        links.forEach(runtime::heal);
        String detail = "killed leader " + old + "; lost power after a grant: " + (halted.isEmpty() ? "none"
                : String.join(" ", halted)) + "; cut off and paused during the restarts, then woken: " + (frozen.isEmpty()
                ? "none" : String.join(" ", frozen));
        return Optional.of(new Active(fault, detail, () -> runtime.nodes().forEach(this::startIfStopped)));
    }

    /** How long the voter and the old leader get to elect once both are back. */
    private static final long VOTER_REELECTION_MILLIS = 1_500;

    /** How long the cut-off leader appends alone while the others elect and commit (elections take 300-600 ms). */
    private static final long OVERWRITE_CUT_OFF_MILLIS = 2_000;

    /**
     * {@link Fault.PowerLossOverwrite}: cut the leader off while its clients write to it, let the
     * others elect and commit, arm it to lose power inside the sync that replaces its stale suffix
     * (keeping only what that sync wrote before its first entry), heal, wait for the halt, restart.
     */
    private Optional<Active> powerLossOverwrite(Fault fault) {
        Optional<String> leaderNow = leader.get();
        if (leaderNow.isEmpty()) {
            return Optional.empty();
        }
        String old = leaderNow.get();
        List<Plans.Link> links = new ArrayList<>();
        for (String other : runtime.nodes()) {
            if (!other.equals(old)) {
                links.add(new Plans.Link(old, other));
                links.add(new Plans.Link(other, old));
            }
        }
        links.forEach(runtime::cut);
        try {
            Thread.sleep(OVERWRITE_CUT_OFF_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String outcome;
        try {
            runtime.powerLoss(old, "overwrite", BEFORE_ENTRIES, random.nextLong());
        } finally {
            links.forEach(runtime::heal);
        }
        long deadline = System.nanoTime() + FOLLOWERS_DOWN_TIMEOUT_NANOS;
        while (System.nanoTime() < deadline && runtime.state(old) != ClusterRuntime.NodeState.STOPPED) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (runtime.state(old) == ClusterRuntime.NodeState.STOPPED) {
            outcome = "lost power inside the sync that replaced its suffix; restarted";
            startIfStopped(old);
        } else {
            disarmOrRestartLater(old);
            outcome = "replaced nothing within " + FOLLOWERS_DOWN_TIMEOUT_NANOS / 1_000_000_000L + " s; disarmed";
        }
        return Optional.of(new Active(fault, "cut the peer links of " + old + " for " + OVERWRITE_CUT_OFF_MILLIS
                + " ms, armed it at the next overwrite (" + BEFORE_ENTRIES + "), healed: " + outcome,
                () -> startIfStopped(old)));
    }

    /** The cut that keeps a sync's records written before its first entry (titan.node.storage.PowerCut). */
    private static final String BEFORE_ENTRIES = "before-entries";

    /** {@link Fault.StaleLeader}: pause the leader, let the others elect and take writes, then wake it alone and slow. */
    private Optional<Active> staleLeader(Fault fault, double clockRate) {
        Optional<String> leaderNow = leader.get();
        if (leaderNow.isEmpty()) {
            return Optional.empty();
        }
        String old = leaderNow.get();
        List<Plans.Link> links = new ArrayList<>();
        for (String other : runtime.nodes()) {
            if (!other.equals(old)) {
                links.add(new Plans.Link(old, other));
                links.add(new Plans.Link(other, old));
            }
        }
        // Cut first: a link cut after the pause lets the new leader's messages pile up in the paused
        // node's sockets, and it reads them (and steps down) the moment it wakes.
        links.forEach(runtime::cut);
        runtime.pause(old);
        try {
            Thread.sleep(STALE_LEADER_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runtime.resume(old);
        String clock = "";
        try {
            runtime.setClockRate(old, clockRate);
            clock = String.format(", clock rate %.2f", clockRate);
        } catch (RuntimeException e) {
            clock = ", clock unchanged (" + e.getMessage() + ")";
        }
        return Optional.of(new Active(fault, "cut the peer links of " + old + ", paused it " + STALE_LEADER_PAUSE_MILLIS
                + " ms, resumed it" + clock, () -> {
                    try {
                        runtime.setClockRate(old, 1.0);
                    } finally {
                        links.forEach(runtime::heal);
                    }
                }));
    }

    private Fault.TornTail randomCut() {
        Fault.TornTail[] cuts = Fault.TornTail.values();
        return cuts[random.nextInt(cuts.length)];
    }

    private void disarmOrRestart(String node) {
        disarmOrRestartLater(node);
        startIfStopped(node);
    }

    /** Disarms a node still running (it may not have met its moment); a stopped one stays down. */
    private void disarmOrRestartLater(String node) {
        if (runtime.state(node) == ClusterRuntime.NodeState.RUNNING) {
            try {
                runtime.powerLoss(node, "off", Fault.TornTail.LOSE_TAIL.flag(), 0);
            } catch (RuntimeException e) {
                // it may have halted between the two calls; startIfStopped brings it back
            }
        }
    }

    private Optional<String> leaderIfNeeded(boolean needed) {
        return needed ? leader.get() : Optional.empty();
    }

    private Optional<Active> onTargets(Fault fault, Fault.Target target, String verb,
                                       java.util.function.Consumer<String> action,
                                       java.util.function.Consumer<String> undo) {
        Set<String> targets = Plans.targets(target, runtime.nodes(), leaderIfNeeded(target == Fault.Target.LEADER), random);
        if (targets.isEmpty()) {
            return Optional.empty();
        }
        targets.forEach(action);
        return Optional.of(new Active(fault, verb + " " + String.join(" ", targets), () -> targets.forEach(undo)));
    }

    private Active allLinks(Fault fault, LinkFaults faults, String detail) {
        Set<Plans.Link> links = Plans.all(runtime.nodes());
        links.forEach(l -> runtime.setLinkFaults(l, faults));
        return new Active(fault, detail, () -> links.forEach(l -> runtime.setLinkFaults(l, LinkFaults.HEALTHY)));
    }

    private void startIfStopped(String node) {
        if (runtime.state(node) == ClusterRuntime.NodeState.STOPPED) {
            runtime.start(node);
        }
    }
}
