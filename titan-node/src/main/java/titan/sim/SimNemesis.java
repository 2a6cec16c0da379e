package titan.sim;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

import titan.checker.history.Event;
import titan.checker.history.EventType;
import titan.checker.history.Process;
import titan.nemesis.Fault;
import titan.nemesis.NetworkFaults;
import titan.raft.Membership;
import titan.raft.MembershipChange;
import titan.raft.NodeId;
import titan.raft.ProposalResult;

/**
 * The simulator's nemesis: starts each window of the {@link FaultSchedule} (choosing its nodes when
 * it starts, from its own random stream), heals it when the window ends, records both in the
 * history, and at the end heals everything and brings removed servers back.
 */
final class SimNemesis {
    private final Simulation sim;
    private final SimNetwork network;
    private final FaultSchedule schedule;
    private final RandomGenerator faultRandom;
    private boolean restoringMembers;
    /** Set by {@link #healAll()}: no fault window starts after it. */
    private boolean healed;
    private long faultsStarted;

    SimNemesis(Simulation sim, SimNetwork network, FaultSchedule schedule, RandomGenerator faultRandom) {
        this.sim = sim;
        this.network = network;
        this.schedule = schedule;
        this.faultRandom = faultRandom;
    }

    /** Whether faults may still be injected: the workload runs and {@link #healAll()} has not come. */
    boolean faultsActive() {
        return !healed && !sim.workloadDone();
    }

    /** Fault windows that started and did something. */
    long faultsStarted() {
        return faultsStarted;
    }

    void scheduleFaults() {
        for (FaultSchedule.Window w : schedule.windows()) {
            sim.scheduler().at(w.startMicros(), () -> {
                if (!sim.workloadDone() && !healed) {
                    startFault(w);
                }
            });
        }
    }

    private void startFault(FaultSchedule.Window w) {
        Fault fault = w.fault();
        String detail = inject(fault);
        if (detail == null) {
            return; // nothing to do now (e.g. no leader to isolate)
        }
        faultsStarted++;
        recordNemesis("start-" + fault.name(), detail);
        sim.scheduler().after(w.durationMicros(), () -> {
            String healed = heal(fault);
            if (healed != null) {
                recordNemesis("stop-" + fault.name(), healed);
            }
        });
    }

    /** Starts {@code fault}; returns a description of what it did, or null when it did nothing. */
    private String inject(Fault fault) {
        if (fault instanceof Fault.Partition p) {
            return partition(p.shape());
        }
        if (fault instanceof Fault.Crash c) {
            Set<NodeId> targets = targets(c.target());
            targets.forEach(id -> sim.node(id).crash());
            return targets.isEmpty() ? null : "crash " + targets;
        }
        if (fault instanceof Fault.Pause p) {
            Set<NodeId> targets = targets(p.target());
            targets.forEach(id -> sim.node(id).pause());
            return targets.isEmpty() ? null : "pause " + targets;
        }
        if (fault instanceof Fault.Links l) {
            network.setFaults(l.faults());
            return String.format("loss=%.2f duplicate=%.2f delay=%dus jitter=%dus", l.faults().lossProbability(),
                    l.faults().duplicateProbability(), l.faults().delayMeanMicros(), l.faults().jitterMeanMicros());
        }
        if (fault instanceof Fault.RemoveMember r) {
            return removeMember(r.target());
        }
        if (fault instanceof Fault.Kill k) {
            Set<NodeId> targets = targets(k.target());
            targets.forEach(id -> sim.node(id).crashFor(k.downtimeMicros(), "killed"));
            return targets.isEmpty() ? null : "kill " + targets + " for " + k.downtimeMicros() + "us";
        }
        if (fault instanceof Fault.CrashInSync c) {
            Set<NodeId> targets = targets(c.target());
            targets.forEach(id -> sim.node(id).armCrashInSync(c.downtimeMicros(), c.onOverwrite()));
            return targets.isEmpty() ? null : "crash " + targets + " inside the next fsync"
                    + (c.onOverwrite() ? " that overwrites entries" : "") + ", down for " + c.downtimeMicros() + "us";
        }
        if (fault instanceof Fault.SlowDisk d) {
            Set<NodeId> targets = targets(d.target());
            targets.forEach(id -> sim.node(id).setDiskSlowdown(d.factor()));
            return targets.isEmpty() ? null : "disks of " + targets + " " + d.factor() + "x slower";
        }
        if (fault instanceof Fault.CrashAfterAck c) {
            Set<NodeId> targets = targets(c.target());
            targets.forEach(id -> sim.node(id).armCrashAfterAck(c.downtimeMicros()));
            return targets.isEmpty() ? null : "crash " + targets + " right after the next vote or ack, down for "
                    + c.downtimeMicros() + "us";
        }
        if (fault instanceof Fault.TransferLeadership) {
            return transferLeadership();
        }
        if (fault instanceof Fault.MembershipBurst) {
            return membershipBurst();
        }
        Fault.ClockSkew skew = (Fault.ClockSkew) fault;
        NodeId target = NodeId.of(1 + faultRandom.nextInt(sim.options().nodes()));
        sim.node(target).setClockRate(skew.rate());
        return String.format("%s clock rate %.2f", target, skew.rate());
    }

    private String heal(Fault fault) {
        if (fault instanceof Fault.Partition) {
            network.heal();
            return "healed";
        }
        if (fault instanceof Fault.Crash) {
            Set<NodeId> down = new TreeSet<>();
            for (SimNode n : sim.nodes()) {
                if (n.state() == SimNode.State.DOWN) {
                    n.restart();
                    down.add(n.id);
                }
            }
            return "restart " + down;
        }
        if (fault instanceof Fault.Pause) {
            sim.nodes().forEach(SimNode::resume);
            return "resume all";
        }
        if (fault instanceof Fault.Links) {
            network.setFaults(sim.config().healthyNetwork());
            return "links healthy";
        }
        if (fault instanceof Fault.RemoveMember || fault instanceof Fault.MembershipBurst) {
            restoreMembers();
            return "adding back as learners, then voters";
        }
        if (fault instanceof Fault.Kill) {
            return "(each killed node restarts after its downtime)";
        }
        if (fault instanceof Fault.CrashInSync c && c.onOverwrite()) {
            return "(stays armed until a sync overwrites entries)";
        }
        if (fault instanceof Fault.CrashInSync || fault instanceof Fault.CrashAfterAck) {
            sim.nodes().forEach(SimNode::disarm);
            return "disarmed";
        }
        if (fault instanceof Fault.SlowDisk) {
            sim.nodes().forEach(n -> n.setDiskSlowdown(1));
            return "disks normal";
        }
        if (fault instanceof Fault.TransferLeadership) {
            return null;
        }
        sim.nodes().forEach(n -> n.setClockRate(1.0));
        return "clocks normal";
    }

    /** Ends every fault: the network heals, paused nodes resume, crashed nodes restart. */
    void healAll() {
        healed = true;
        network.heal();
        network.setFaults(sim.config().healthyNetwork());
        for (SimNode n : sim.nodes()) {
            n.disarm();
            n.setDiskSlowdown(1);
            n.setClockRate(1.0);
            n.resume();
            n.restart();
        }
        restoreMembers();
        recordNemesis("heal-all", "network healed, all nodes up");
    }

    // ---------------------------------------------------------------- membership changes

    /** Asks the current leader to remove a server (one-server change, dissertation §4.1). */
    private String removeMember(Fault.Target target) {
        Optional<NodeId> leader = sim.currentLeader();
        if (leader.isEmpty()) {
            return null;
        }
        Set<NodeId> voters = sim.node(leader.get()).core().membership().voters();
        if (voters.size() <= 1) {
            return null;
        }
        NodeId victim = target == Fault.Target.LEADER ? leader.get() : pickOther(voters, leader.get());
        ProposalResult[] result = new ProposalResult[1];
        sim.node(leader.get()).clientRequest(replica -> result[0] =
                replica.core().proposeMembership(new MembershipChange.RemoveServer(victim)));
        if (result[0] instanceof ProposalResult.Rejected) {
            return null; // another change is still in progress, or a transfer
        }
        // Null: the leader was busy syncing and will handle the request when it is done.
        return "remove " + victim + " via " + leader.get() + (result[0] == null ? " (queued)" : "");
    }

    /** Asks the leader to hand over to a random other voter (dissertation §3.10). */
    private String transferLeadership() {
        Optional<NodeId> leader = sim.currentLeader();
        if (leader.isEmpty()) {
            return null;
        }
        Set<NodeId> voters = sim.node(leader.get()).core().membership().voters();
        if (voters.size() <= 1 || !voters.contains(leader.get())) {
            return null;
        }
        NodeId target = pickOther(voters, leader.get());
        sim.node(leader.get()).clientRequest(replica -> replica.core().transferLeadership(target));
        return "transfer " + leader.get() + " -> " + target;
    }

    /**
     * Removes two servers at once (the second change is concurrent with the first and must be
     * refused), and a few ticks later asks to add the first back while its removal may still be
     * uncommitted.
     */
    private String membershipBurst() {
        Optional<NodeId> leader = sim.currentLeader();
        if (leader.isEmpty()) {
            return null;
        }
        Set<NodeId> voters = sim.node(leader.get()).core().membership().voters();
        if (voters.size() <= 2 || !voters.contains(leader.get())) {
            return null;
        }
        NodeId first = pickOther(voters, leader.get());
        Set<NodeId> rest = new TreeSet<>(voters);
        rest.remove(first);
        NodeId second = pickOther(rest, leader.get());
        List<String> outcomes = new ArrayList<>();
        sim.node(leader.get()).clientRequest(replica -> {
            outcomes.add(describe(replica.core().proposeMembership(new MembershipChange.RemoveServer(first))));
            outcomes.add(describe(replica.core().proposeMembership(new MembershipChange.RemoveServer(second))));
        });
        long later = sim.options().tickMicros() * (1 + faultRandom.nextInt(3));
        sim.scheduler().after(later, () -> sim.currentLeader().ifPresent(l -> sim.node(l).clientRequest(replica ->
                replica.core().proposeMembership(new MembershipChange.AddLearner(first)))));
        return "remove " + first + " and " + second + " via " + leader.get()
                + (outcomes.isEmpty() ? " (queued)" : " " + outcomes) + ", then add " + first + " back";
    }

    private static String describe(ProposalResult r) {
        return r instanceof ProposalResult.Accepted ? "accepted" : "refused";
    }

    private NodeId pickOther(Set<NodeId> voters, NodeId not) {
        List<NodeId> others = new ArrayList<>(voters);
        others.remove(not);
        return others.get(faultRandom.nextInt(others.size()));
    }

    /** Starts (once) a background task that adds every missing server back, one change at a time. */
    private void restoreMembers() {
        if (!restoringMembers) {
            restoringMembers = true;
            sim.scheduler().after(sim.options().tickMicros(), this::restoreMembersStep);
        }
    }

    /**
     * One step of re-adding servers: a missing server is added as a learner; a learner is promoted
     * once the leader accepts (it refuses until the learner has caught up). Retries every tick,
     * through leader changes, until every server is a voter again, and keeps watching afterwards.
     */
    private void restoreMembersStep() {
        Optional<NodeId> leader = sim.currentLeader();
        if (leader.isPresent()) {
            Membership current = sim.node(leader.get()).core().membership();
            Optional<NodeId> missing = sim.allNodes().stream().filter(id -> !current.isVoter(id)).findFirst();
            if (missing.isEmpty()) {
                // Keep watching rather than stop: a removal queued in a paused or syncing leader's
                // inbox may still take effect after this moment (seeds 897 and 4902 of the 10,000
                // campaign lost a server that way for good).
                sim.scheduler().after(sim.options().tickMicros(), this::restoreMembersStep);
                return;
            }
            NodeId id = missing.get();
            MembershipChange change = current.isLearner(id) ? new MembershipChange.PromoteLearner(id)
                    : new MembershipChange.AddLearner(id);
            sim.node(leader.get()).clientRequest(replica -> {
                ProposalResult r = replica.core().proposeMembership(change);
                if (r instanceof ProposalResult.Accepted) {
                    sim.trace().event(sim.scheduler().nowMicros(), leader.get(), "membership", () -> "proposed " + change);
                }
            });
        }
        sim.scheduler().after(sim.options().tickMicros(), this::restoreMembersStep);
    }

    /** Whether every server is a voter in the current leader's configuration. */
    boolean fullMembership() {
        Optional<NodeId> leader = sim.currentLeader();
        return leader.isPresent() && sim.node(leader.get()).core().membership().voters().size() == sim.options().nodes();
    }

    /** Cuts links in {@code shape}; returns a description, or null when it could not apply. */
    private String partition(Fault.PartitionShape shape) {
        List<NodeId> ids = new ArrayList<>(sim.allNodes());
        shuffle(ids);
        int n = ids.size();
        if (n < 2) {
            return null;
        }
        switch (shape) {
            case HALVES -> {
                int cut = n / 2;
                List<Set<NodeId>> groups = List.of(new TreeSet<>(ids.subList(0, cut)), new TreeSet<>(ids.subList(cut, n)));
                network.partition(groups);
                return describeGroups(groups);
            }
            case ISOLATE_ONE -> {
                network.isolate(ids.get(0));
                return describeGroups(List.of(Set.of(ids.get(0)), new TreeSet<>(ids.subList(1, n))));
            }
            case ISOLATE_LEADER -> {
                Optional<NodeId> leader = sim.currentLeader();
                if (leader.isEmpty()) {
                    return null;
                }
                network.isolate(leader.get());
                TreeSet<NodeId> rest = new TreeSet<>(ids);
                rest.remove(leader.get());
                return describeGroups(List.of(Set.of(leader.get()), rest)) + " (leader isolated)";
            }
            case MAJORITIES_RING -> {
                // Jepsen's majorities-ring: nodes in a random ring each keep links only to their
                // nearest neighbours, enough to see a majority, so no two nodes see the same majority.
                Set<List<NodeId>> links = new LinkedHashSet<>();
                int reach = (n / 2 + 1) / 2;
                for (int i = 0; i < n; i++) {
                    for (int d = 1; d <= reach; d++) {
                        links.add(List.of(ids.get(i), ids.get((i + d) % n)));
                    }
                }
                network.keepOnly(links);
                StringBuilder ring = new StringBuilder("ring");
                ids.forEach(id -> ring.append(' ').append(id));
                return ring.toString();
            }
            case BRIDGE -> {
                if (n < 3) {
                    return null;
                }
                // Two halves that only one node, the bridge, can talk to both of.
                NodeId bridge = ids.get(0);
                int half = (n - 1) / 2;
                Set<NodeId> a = new TreeSet<>(ids.subList(1, 1 + half));
                Set<NodeId> b = new TreeSet<>(ids.subList(1 + half, n));
                network.partition(List.of(a, b));
                return describeGroups(List.of(a, b)) + " (bridge " + bridge + ")";
            }
            case ONE_WAY -> {
                network.cutOneWay(ids.get(0), ids.get(1));
                return ids.get(0) + " -/-> " + ids.get(1);
            }
        }
        return null;
    }

    private static String describeGroups(List<Set<NodeId>> groups) {
        StringBuilder b = new StringBuilder();
        for (Set<NodeId> g : groups) {
            if (b.length() > 0) {
                b.append(" | ");
            }
            g.forEach(id -> b.append(id).append(' '));
            b.setLength(b.length() - 1);
        }
        return b.toString();
    }

    private Set<NodeId> targets(Fault.Target target) {
        List<NodeId> ids = new ArrayList<>(sim.allNodes());
        shuffle(ids);
        int n = ids.size();
        return switch (target) {
            case ONE -> Set.of(ids.get(0));
            case LEADER -> sim.currentLeader().map(Set::of).orElse(Set.of());
            case MINORITY -> new TreeSet<>(ids.subList(0, Math.max(1, (n - 1) / 2)));
            case MAJORITY -> new TreeSet<>(ids.subList(0, n / 2 + 1));
            case ALL -> new TreeSet<>(ids);
        };
    }

    private void shuffle(List<NodeId> ids) {
        for (int i = ids.size() - 1; i > 0; i--) {
            int j = faultRandom.nextInt(i + 1);
            NodeId t = ids.get(i);
            ids.set(i, ids.get(j));
            ids.set(j, t);
        }
    }

    private void recordNemesis(String f, String value) {
        sim.record(new Event(Process.NEMESIS, EventType.INFO, f, null, value, sim.nowNanos(), null, null));
        sim.trace().event(sim.scheduler().nowMicros(), null, "nemesis", () -> f + " " + value);
    }
}
