package titan.lab.nemesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
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
