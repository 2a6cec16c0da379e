package titan.raft;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

import titan.sim.Trace;

/**
 * Drives several {@link RaftCore}s by hand for interaction transcripts: an in-memory "disk" per
 * node, a message queue in send order, and cut links. Every command returns what happened, in a
 * compact text form that a reviewer can read.
 */
final class InteractionEnv {
    /** What a node has persisted; a restart rebuilds the core from it. */
    private static final class Disk {
        HardState hardState = HardState.INITIAL;
        Snapshot snapshot;
        final List<Entry> entries = new ArrayList<>();
    }

    private final Map<NodeId, RaftCore> cores = new TreeMap<>();
    private final Map<NodeId, Disk> disks = new TreeMap<>();
    private final Map<NodeId, RaftConfig> configs = new TreeMap<>();
    private final Map<NodeId, RandomGenerator> randoms = new TreeMap<>();
    private final Map<NodeId, Role> lastRoles = new TreeMap<>();
    private final List<Message> network = new ArrayList<>();
    private final Set<String> cutLinks = new HashSet<>();
    private final StringBuilder out = new StringBuilder();
    private final Map<NodeId, List<Entry>> applied = new TreeMap<>();

    String handle(DataDriven.Command c) {
        out.setLength(0);
        switch (c.name()) {
            case "add-nodes" -> addNodes(c);
            case "campaign" -> core(c.args().get(0)).campaign();
            case "tick" -> tick(c);
            case "stabilize" -> stabilize(c.args().contains("quiet"), until(c));
            case "process-ready" -> c.args().forEach(a -> processReady(NodeId.parse(a), false));
            case "deliver" -> deliverOnce(false);
            case "drop" -> dropAll();
            case "propose" -> println(describe(core(c.args().get(0)).propose(c.args().get(1).getBytes(StandardCharsets.UTF_8))));
            case "read-index" -> println(core(c.args().get(0)).readIndex(Long.parseLong(c.args().get(1)))
                    ? "queued" : "not leader");
            case "transfer-leadership" -> println(core(c.args().get(0)).transferLeadership(NodeId.parse(c.args().get(1)))
                    ? "transferring" : "refused");
            case "add-learner" -> println(describe(core(c.args().get(0)).proposeMembership(
                    new MembershipChange.AddLearner(NodeId.parse(c.args().get(1))))));
            case "promote" -> println(describe(core(c.args().get(0)).proposeMembership(
                    new MembershipChange.PromoteLearner(NodeId.parse(c.args().get(1))))));
            case "remove" -> println(describe(core(c.args().get(0)).proposeMembership(
                    new MembershipChange.RemoveServer(NodeId.parse(c.args().get(1))))));
            case "compact" -> compact(NodeId.parse(c.args().get(0)), Long.parseLong(c.args().get(1)));
            case "isolate" -> isolate(NodeId.parse(c.args().get(0)));
            case "partition" -> partition(c.line());
            case "heal" -> cutLinks.clear();
            case "restart" -> restart(NodeId.parse(c.args().get(0)));
            case "status" -> c.args().forEach(a -> println(describe(core(a).status())));
            case "log" -> c.args().forEach(a -> println(describeLog(core(a))));
            default -> throw new IllegalArgumentException("unknown command: " + c.line());
        }
        reportRoleChanges();
        return out.toString();
    }

    // ---------------------------------------------------------------- commands

    private void addNodes(DataDriven.Command c) {
        int count = c.intArg(0);
        int voters = Integer.parseInt(c.option("voters", String.valueOf(count)));
        int first = cores.size() + 1;
        for (int i = first; i < first + count; i++) {
            NodeId id = NodeId.of(i);
            RaftConfig config = RaftConfig.defaults(id)
                    .withTicks(Integer.parseInt(c.option("election", "10")), Integer.parseInt(c.option("heartbeat", "1")))
                    .withPreVote(Boolean.parseBoolean(c.option("prevote", "true")))
                    .withCheckQuorum(Boolean.parseBoolean(c.option("checkquorum", "true")))
                    .withFlowControl(Integer.parseInt(c.option("append-bytes", "262144")),
                            Integer.parseInt(c.option("inflight", "64")), 4L << 20)
                    .withSnapshotChunkBytes(Integer.parseInt(c.option("chunk", "65536")));
            if (c.options().containsKey("unsafe")) {
                config = config.withUnsafe(EnumSet.of(UnsafeMode.fromFlag(c.option("unsafe", ""))));
            }
            Membership initial = i <= voters ? Membership.ofVoters(voters) : Membership.EMPTY;
            Disk disk = new Disk();
            disk.snapshot = PersistentState.bootstrap(initial).snapshot();
            configs.put(id, config);
            disks.put(id, disk);
            randoms.put(id, new SplittableRandom(1000 + i));
            cores.put(id, new RaftCore(config, PersistentState.bootstrap(initial), randoms.get(id)));
            lastRoles.put(id, Role.FOLLOWER);
            println(id + ": " + (i <= voters ? "voter of " + initial : "outside the cluster"));
        }
    }

    private void tick(DataDriven.Command c) {
        int count = Integer.parseInt(c.option("count", "1"));
        List<NodeId> ids = c.args().contains("all") ? List.copyOf(cores.keySet())
                : c.args().stream().map(NodeId::parse).toList();
        for (int t = 0; t < count; t++) {
            for (NodeId id : ids) {
                cores.get(id).tick();
                reportRoleChanges();
            }
        }
    }

    /**
     * Handles readies and delivers messages until nothing is left, or until {@code stop} holds
     * (checked after every ready and every delivered message), leaving the rest queued.
     */
    private void stabilize(boolean quiet, java.util.function.BooleanSupplier stop) {
        for (int round = 0; round < 1000; round++) {
            boolean any = false;
            for (NodeId id : cores.keySet()) {
                any |= processReady(id, quiet);
                if (stop.getAsBoolean()) {
                    return;
                }
            }
            any |= deliverOnce(quiet, stop);
            if (!any || stop.getAsBoolean()) {
                return;
            }
        }
        throw new IllegalStateException("did not stabilize in 1000 rounds");
    }

    /** {@code until-leader=N} or {@code until-commit=N:I}; by default, never stop early. */
    private java.util.function.BooleanSupplier until(DataDriven.Command c) {
        if (c.options().containsKey("until-leader")) {
            RaftCore core = core(c.option("until-leader", ""));
            return () -> core.role() == Role.LEADER;
        }
        if (c.options().containsKey("until-commit")) {
            String[] parts = c.option("until-commit", "").split(":");
            NodeId id = NodeId.parse(parts[0]);
            long index = Long.parseLong(parts[1]);
            return () -> cores.get(id).commitIndex() >= index;
        }
        return () -> false;
    }

    /** Every index that two nodes applied with different entries: a state-machine safety violation. */
    List<String> appliedConflicts() {
        List<String> conflicts = new ArrayList<>();
        Map<Long, Entry> first = new TreeMap<>();
        for (Map.Entry<NodeId, List<Entry>> e : applied.entrySet()) {
            for (Entry entry : e.getValue()) {
                Entry other = first.putIfAbsent(entry.index(), entry);
                if (other != null && !other.equals(entry)) {
                    conflicts.add(e.getKey() + " applied " + describe(entry) + " where another node applied "
                            + describe(other));
                }
            }
        }
        return conflicts;
    }

    /** Handles one Ready the way a driver must: persist, send, apply, answer reads, advance. */
    private boolean processReady(NodeId id, boolean quiet) {
        RaftCore core = cores.get(id);
        var maybe = core.ready();
        if (maybe.isEmpty()) {
            return false;
        }
        Ready ready = maybe.get();
        Disk disk = disks.get(id);
        if (ready.snapshotToInstall() != null) {
            disk.snapshot = ready.snapshotToInstall();
            disk.entries.clear();
            println(id + " installed " + ready.snapshotToInstall());
        }
        if (ready.hardState() != null) {
            disk.hardState = ready.hardState();
        }
        for (Entry e : ready.entriesToPersist()) {
            long first = disk.snapshot.meta().index() + 1;
            while (disk.entries.size() > e.index() - first) {
                disk.entries.remove(disk.entries.size() - 1);
            }
            disk.entries.add(e);
        }
        network.addAll(ready.messagesToSend());
        if (!ready.entriesToApply().isEmpty()) {
            StringJoiner text = new StringJoiner(" ");
            ready.entriesToApply().forEach(e -> text.add(describe(e)));
            println(id + " applied " + text);
            applied.computeIfAbsent(id, k -> new ArrayList<>()).addAll(ready.entriesToApply());
        }
        for (ReadState r : ready.readStates()) {
            println(id + " read " + r.requestId() + (r.confirmed() ? " confirmed at index " + r.readIndex() : " dropped"));
        }
        core.advance(ready);
        reportRoleChanges();
        return true;
    }

    private boolean deliverOnce(boolean quiet) {
        return deliverOnce(quiet, () -> false);
    }

    private boolean deliverOnce(boolean quiet, java.util.function.BooleanSupplier stop) {
        if (network.isEmpty()) {
            return false;
        }
        List<Message> batch = new ArrayList<>(network);
        network.clear();
        for (int i = 0; i < batch.size(); i++) {
            Message m = batch.get(i);
            if (stop.getAsBoolean()) {
                network.addAll(0, batch.subList(i, batch.size())); // keep the rest queued, in order
                return true;
            }
            if (cutLinks.contains(m.from() + ">" + m.to()) || !cores.containsKey(m.to())) {
                if (!quiet) {
                    println("  dropped " + describe(m));
                }
                continue;
            }
            if (!quiet) {
                println("  " + describe(m));
            }
            cores.get(m.to()).step(m);
            reportRoleChanges();
        }
        return true;
    }

    private void dropAll() {
        network.forEach(m -> println("  dropped " + describe(m)));
        network.clear();
    }

    private void compact(NodeId id, long index) {
        RaftCore core = cores.get(id);
        byte[] data = ("kv-state-at-index-" + index).getBytes(StandardCharsets.UTF_8);
        Snapshot snapshot = core.compact(index, data);
        Disk disk = disks.get(id);
        long first = disk.snapshot.meta().index() + 1;
        disk.entries.subList(0, (int) (index - first + 1)).clear();
        disk.snapshot = snapshot;
        println(id + " compacted to " + snapshot);
    }

    private void isolate(NodeId id) {
        for (NodeId other : cores.keySet()) {
            if (!other.equals(id)) {
                cutLinks.add(id + ">" + other);
                cutLinks.add(other + ">" + id);
            }
        }
    }

    /** {@code partition 1 2 | 3}: no traffic between the groups, in either direction. */
    private void partition(String line) {
        String[] groups = line.substring("partition".length()).split("\\|");
        List<List<NodeId>> parsed = new ArrayList<>();
        for (String g : groups) {
            List<NodeId> ids = new ArrayList<>();
            for (String s : g.trim().split("\\s+")) {
                ids.add(NodeId.parse(s));
            }
            parsed.add(ids);
        }
        cutLinks.clear();
        for (int a = 0; a < parsed.size(); a++) {
            for (int b = 0; b < parsed.size(); b++) {
                if (a != b) {
                    for (NodeId x : parsed.get(a)) {
                        for (NodeId y : parsed.get(b)) {
                            cutLinks.add(x + ">" + y);
                        }
                    }
                }
            }
        }
    }

    private void restart(NodeId id) {
        Disk disk = disks.get(id);
        PersistentState state = new PersistentState(disk.hardState, disk.snapshot, disk.entries);
        cores.put(id, new RaftCore(configs.get(id), state, randoms.get(id)));
        network.removeIf(m -> m.to().equals(id) || m.from().equals(id));
        lastRoles.put(id, Role.FOLLOWER);
        println(id + " restarted: " + describe(cores.get(id).status()));
    }

    // ---------------------------------------------------------------- output

    private RaftCore core(String id) {
        return cores.get(NodeId.parse(id));
    }

    private void reportRoleChanges() {
        for (Map.Entry<NodeId, RaftCore> e : cores.entrySet()) {
            Role now = e.getValue().role();
            Role before = lastRoles.put(e.getKey(), now);
            if (before != now) {
                println(e.getKey() + " became " + now + " at term " + e.getValue().term());
            }
        }
    }

    private void println(String line) {
        out.append(line).append('\n');
    }

    static String describe(ProposalResult r) {
        if (r instanceof ProposalResult.Accepted a) {
            return "accepted at " + a.index() + "@" + a.term();
        }
        ProposalResult.Rejected j = (ProposalResult.Rejected) r;
        return "rejected " + j.reason() + ": " + j.detail();
    }

    static String describe(Status s) {
        StringBuilder b = new StringBuilder();
        b.append(s.id()).append(' ').append(s.role()).append(" term=").append(s.term())
                .append(" leader=").append(s.leader() == null ? "none" : s.leader())
                .append(" commit=").append(s.commitIndex()).append(" applied=").append(s.appliedIndex())
                .append(" last=").append(s.lastIndex()).append('@').append(s.lastTerm());
        if (s.snapshotIndex() > 0) {
            b.append(" snapshot=").append(s.snapshotIndex());
        }
        b.append(" {").append(s.membership()).append('}');
        s.followers().forEach((id, p) -> b.append("\n  ").append(id).append(": ").append(p));
        return b.toString();
    }

    private static String describeLog(RaftCore core) {
        StringJoiner j = new StringJoiner(" ", core.id() + " log: ", "");
        if (core.snapshotIndex() > 0) {
            j.add("[snapshot " + core.snapshotIndex() + "@" + core.termAt(core.snapshotIndex()) + "]");
        }
        for (long i = core.snapshotIndex() + 1; i <= core.lastIndex(); i++) {
            j.add(describe(core.entryAt(i)));
        }
        return j.toString();
    }

    static String describe(Entry e) {
        return Trace.describe(e);
    }

    static String describe(Message m) {
        return Trace.describe(m);
    }
}
