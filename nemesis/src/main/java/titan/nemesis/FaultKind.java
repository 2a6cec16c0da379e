package titan.nemesis;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The kinds of fault a real-runtime schedule draws from ({@code --nemesis partition,kill}), and how
 * one concrete {@link Fault} of a kind is drawn. The simulator keeps its own list of kinds in
 * {@code titan.sim.FaultSchedule} over the same {@link Fault} records.
 */
public enum FaultKind {
    /** Partitions of every shape: random halves, isolate one, isolate the leader, ring, bridge, one-way. */
    PARTITION("partition"),
    /** Kill (SIGKILL) one node, the leader, a minority, a majority or all, and restart them. */
    KILL("kill"),
    /** Pause (SIGSTOP) one node, the leader, a minority or a majority, and resume them. */
    PAUSE("pause"),
    /** Slow links (delay with jitter) and flaky links (connections dropped). */
    LINKS("links"),
    /** Links throttled to a few KiB/s. */
    THROTTLE("throttle"),
    /** One node's clock runs fast or slow (through the node's admin endpoint). */
    CLOCK("clock"),
    /** A stopped node's WAL tail truncated or corrupted; never part of "all" (see {@link Fault.WalDamage}). */
    WAL("wal"),
    /** Only the leader isolated (a subset of partition, for targeted tests; not part of "all"). */
    ISOLATE_LEADER("isolate-leader"),
    /** Only the leader killed (a subset of kill; not part of "all"). */
    KILL_LEADER("kill-leader"),
    /** Only the leader paused (a subset of pause; not part of "all"). */
    PAUSE_LEADER("pause-leader"),
    /** A majority killed at once (a subset of kill, for lost-write tests; not part of "all"). */
    KILL_MAJORITY("kill-majority"),
    /** Every node killed at once (a subset of kill: what unsynced data survives; not part of "all"). */
    KILL_ALL("kill-all"),
    /**
     * A voter removed through a membership change (one node or the leader, dissertation §4.1) and
     * added back at the window's end (learner, catch-up, voter: §4.2.1); not part of "all".
     */
    MEMBERSHIP("membership"),
    /** Only the leader removed from the configuration (a subset of membership; not part of "all"). */
    MEMBERSHIP_LEADER("membership-leader"),
    /**
     * Overlapping changes: two removals asked for without waiting for the first to commit (a safe
     * leader refuses the second); the window's end adds every node back. For
     * the {@code concurrent-membership} switch; not part of "all".
     */
    MEMBERSHIP_BURST("membership-burst"),
    /**
     * Power loss of one node, the leader, a minority, a majority or all, each cut drawn at random
     * (nodes started with --fault-injection lose their unsynced WAL tail and halt); not part of "all".
     */
    POWER_LOSS("power-loss"),
    /** Every node loses power at once (a subset of power-loss; not part of "all"). */
    POWER_LOSS_ALL("power-loss-all"),
    /** Nodes armed to lose power inside their next fsync window (see {@link Fault.CrashInSync}); not part of "all". */
    POWER_LOSS_IN_SYNC("power-loss-in-sync"),
    /** Nodes armed to lose power right after their next vote grant or append acknowledgement; not part of "all". */
    POWER_LOSS_AFTER_ACK("power-loss-after-ack"),
    /** The followers lose power inside a sync, then the leader is killed ({@link Fault.PowerLossFollowers}). */
    POWER_LOSS_FOLLOWERS("power-loss-followers"),
    /** The leader paused, then resumed cut off from its peers with a slow clock ({@link Fault.StaleLeader}); not part of "all". */
    STALE_LEADER("stale-leader"),
    /** A voter that loses power right after its grant, then a second election ({@link Fault.PowerLossVoter}); not part of "all". */
    POWER_LOSS_VOTER("power-loss-voter"),
    /** A deposed leader loses power inside the sync that replaces its stale suffix ({@link Fault.PowerLossOverwrite}); not part of "all". */
    POWER_LOSS_OVERWRITE("power-loss-overwrite");

    /** The kinds "all" stands for: every fault, each shape drawn at random. */
    private static final Set<FaultKind> ALL = EnumSet.of(PARTITION, KILL, PAUSE, LINKS, THROTTLE, CLOCK);

    private final String flag;

    FaultKind(String flag) {
        this.flag = flag;
    }

    public String flag() {
        return flag;
    }

    /**
     * Parses {@code partition,kill}; {@code none} or blank is no fault, {@code all} every kind but
     * {@link #WAL} and the leader-only kinds. Synonyms: {@code crash} for kill, {@code slow}/{@code flaky} for links.
     *
     * @throws IllegalArgumentException naming the unknown kind and the known ones
     */
    public static Set<FaultKind> parseList(String text) {
        EnumSet<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
        if (text == null || text.isBlank() || text.trim().equals("none")) {
            return kinds;
        }
        for (String part : text.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            switch (p) {
                case "all" -> kinds.addAll(ALL);
                case "none" -> { }
                case "partition" -> kinds.add(PARTITION);
                case "kill", "crash" -> kinds.add(KILL);
                case "pause" -> kinds.add(PAUSE);
                case "links", "slow", "flaky" -> kinds.add(LINKS);
                case "throttle" -> kinds.add(THROTTLE);
                case "clock", "clock-skew" -> kinds.add(CLOCK);
                case "wal" -> kinds.add(WAL);
                case "isolate-leader" -> kinds.add(ISOLATE_LEADER);
                case "kill-leader" -> kinds.add(KILL_LEADER);
                case "pause-leader" -> kinds.add(PAUSE_LEADER);
                case "kill-majority" -> kinds.add(KILL_MAJORITY);
                case "kill-all" -> kinds.add(KILL_ALL);
                case "membership", "member" -> kinds.add(MEMBERSHIP);
                case "membership-leader" -> kinds.add(MEMBERSHIP_LEADER);
                case "membership-burst" -> kinds.add(MEMBERSHIP_BURST);
                case "power-loss" -> kinds.add(POWER_LOSS);
                case "power-loss-all" -> kinds.add(POWER_LOSS_ALL);
                case "power-loss-in-sync" -> kinds.add(POWER_LOSS_IN_SYNC);
                case "power-loss-after-ack" -> kinds.add(POWER_LOSS_AFTER_ACK);
                case "power-loss-followers" -> kinds.add(POWER_LOSS_FOLLOWERS);
                case "stale-leader" -> kinds.add(STALE_LEADER);
                case "power-loss-voter" -> kinds.add(POWER_LOSS_VOTER);
                case "power-loss-overwrite" -> kinds.add(POWER_LOSS_OVERWRITE);
                default -> throw new IllegalArgumentException("unknown nemesis '" + part.trim() + "'; known: partition,"
                        + " kill, pause, links, throttle, clock, wal, isolate-leader, kill-leader, pause-leader, kill-majority,"
                        + " kill-all, membership, membership-leader, membership-burst, power-loss, power-loss-all,"
                        + " power-loss-in-sync, power-loss-after-ack, power-loss-followers, stale-leader, power-loss-voter,"
                        + " power-loss-overwrite, all, none");
            }
        }
        return kinds;
    }

    /** The fewest nodes a fault of this kind needs. */
    public int nodesMin() {
        return switch (this) {
            case PARTITION, LINKS, THROTTLE, ISOLATE_LEADER, POWER_LOSS_FOLLOWERS, STALE_LEADER -> 2;
            // two nodes elect the new leader while the old one is cut off
            case POWER_LOSS_OVERWRITE -> 3;
            // a removal leaves at least two voters (the burst's second removal is the one a safe leader refuses)
            case MEMBERSHIP, MEMBERSHIP_LEADER, MEMBERSHIP_BURST, POWER_LOSS_VOTER -> 3;
            default -> 1;
        };
    }

    /** Draws one concrete fault of this kind for a cluster of {@code nodes}. */
    public Fault draw(RandomGenerator random, int nodes) {
        return switch (this) {
            case PARTITION -> new Fault.Partition(pick(partitionShapes(nodes), random));
            case KILL -> new Fault.Crash(pick(Fault.Target.values(), random));
            case PAUSE -> new Fault.Pause(pick(new Fault.Target[] {Fault.Target.ONE, Fault.Target.LEADER,
                    Fault.Target.MINORITY, Fault.Target.MAJORITY}, random));
            case LINKS -> random.nextBoolean()
                    // slow: 5-50 ms delay with exponential jitter of a few ms, nothing lost
                    ? new Fault.Links(new NetworkFaults(0, 0, (5 + random.nextInt(46)) * 1000L,
                            (1 + random.nextInt(10)) * 1000L))
                    // flaky: each chunk of peer traffic drops its connection with a small probability
                    : new Fault.Links(new NetworkFaults(0.01 + random.nextDouble() * 0.09, 0, 1000, 1000));
            case THROTTLE -> new Fault.Throttle(1024L * (4 + random.nextInt(60)));
            case CLOCK -> new Fault.ClockSkew(random.nextBoolean() ? 0.5 + random.nextDouble() * 0.4
                    : 1.5 + random.nextDouble() * 2.5);
            case ISOLATE_LEADER -> new Fault.Partition(Fault.PartitionShape.ISOLATE_LEADER);
            case KILL_LEADER -> new Fault.Crash(Fault.Target.LEADER);
            case PAUSE_LEADER -> new Fault.Pause(Fault.Target.LEADER);
            case KILL_MAJORITY -> new Fault.Crash(Fault.Target.MAJORITY);
            case KILL_ALL -> new Fault.Crash(Fault.Target.ALL);
            case MEMBERSHIP -> new Fault.RemoveMember(random.nextBoolean() ? Fault.Target.ONE : Fault.Target.LEADER);
            case MEMBERSHIP_LEADER -> new Fault.RemoveMember(Fault.Target.LEADER);
            case MEMBERSHIP_BURST -> new Fault.MembershipBurst();
            case WAL -> new Fault.WalDamage(Fault.Target.ONE,
                    random.nextBoolean() ? Fault.WalDamageKind.TRUNCATE : Fault.WalDamageKind.CORRUPT);
            case POWER_LOSS -> new Fault.PowerLoss(pick(Fault.Target.values(), random), pick(Fault.TornTail.values(), random));
            case POWER_LOSS_ALL -> new Fault.PowerLoss(Fault.Target.ALL, pick(Fault.TornTail.values(), random));
            // The downtime is the window's: the real runtimes restart the nodes when it ends.
            case POWER_LOSS_IN_SYNC -> new Fault.CrashInSync(pick(Fault.Target.values(), random), 0, false);
            case POWER_LOSS_AFTER_ACK -> new Fault.CrashAfterAck(pick(Fault.Target.values(), random), 0);
            case POWER_LOSS_FOLLOWERS -> new Fault.PowerLossFollowers(random.nextInt(4) == 0
                    ? Fault.TornTail.TORN_RECORDS : Fault.TornTail.LOSE_TAIL);
            case STALE_LEADER -> new Fault.StaleLeader(0.1);
            case POWER_LOSS_VOTER -> new Fault.PowerLossVoter(0.05);
            case POWER_LOSS_OVERWRITE -> new Fault.PowerLossOverwrite();
        };
    }

    private static Fault.PartitionShape[] partitionShapes(int nodes) {
        return nodes >= 3 ? Fault.PartitionShape.values() : new Fault.PartitionShape[] {
            Fault.PartitionShape.HALVES, Fault.PartitionShape.ISOLATE_ONE, Fault.PartitionShape.ISOLATE_LEADER,
            Fault.PartitionShape.ONE_WAY};
    }

    private static <T> T pick(T[] options, RandomGenerator random) {
        return options[random.nextInt(options.length)];
    }
}
