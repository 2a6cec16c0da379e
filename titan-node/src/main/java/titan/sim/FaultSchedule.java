package titan.sim;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.random.RandomGenerator;

import titan.nemesis.Fault;
import titan.nemesis.NetworkFaults;

/**
 * When faults happen: windows of {@code [start, start + duration)} in simulated time, generated
 * from the seed, or edited by the shrinker (dropping windows keeps the rest of the run's choices).
 */
public record FaultSchedule(List<Window> windows) {
    /** One fault active from {@code startMicros} for {@code durationMicros}. */
    public record Window(long startMicros, long durationMicros, Fault fault) {
        public long endMicros() {
            return startMicros + durationMicros;
        }
    }

    /** Which kinds of fault a schedule may draw from. */
    public enum Kind {
        PARTITION, CRASH, PAUSE, LINKS, CLOCK, MEMBERSHIP, TRANSFER;

        public static Set<Kind> parseList(String text) {
            EnumSet<Kind> kinds = EnumSet.noneOf(Kind.class);
            if (text == null || text.isBlank() || text.equals("none")) {
                return kinds;
            }
            if (text.equals("all")) {
                return EnumSet.allOf(Kind.class);
            }
            for (String part : text.split(",")) {
                String p = part.trim().toLowerCase(Locale.ROOT);
                switch (p) {
                    case "partition" -> kinds.add(PARTITION);
                    case "crash", "kill" -> kinds.add(CRASH);
                    case "pause" -> kinds.add(PAUSE);
                    case "links", "lossy", "slow" -> kinds.add(LINKS);
                    case "clock", "clock-skew" -> kinds.add(CLOCK);
                    case "membership", "member" -> kinds.add(MEMBERSHIP);
                    case "transfer", "leadership-transfer" -> kinds.add(TRANSFER);
                    default -> throw new IllegalArgumentException("unknown fault kind '" + part
                            + "'; known: partition, crash (kill), pause, links, clock, membership, transfer, all, none");
                }
            }
            return kinds;
        }
    }

    public FaultSchedule {
        windows = List.copyOf(windows);
    }

    public static final FaultSchedule NONE = new FaultSchedule(List.of());

    /**
     * Windows until {@code horizonMicros}: a quiet gap, then one or two overlapping faults, then
     * the next gap. Durations are a few election timeouts, so elections happen during faults.
     */
    public static FaultSchedule random(RandomGenerator random, Set<Kind> kinds, long electionMicros,
                                       long horizonMicros) {
        if (kinds.isEmpty()) {
            return NONE;
        }
        List<Kind> pool = kinds.stream().sorted().toList(); // Set.of iteration order varies between JVMs
        List<Window> windows = new ArrayList<>();
        long t = electionMicros * (2 + random.nextInt(4));
        while (t < horizonMicros) {
            int concurrent = random.nextInt(4) == 0 ? 2 : 1;
            long longest = 0;
            for (int i = 0; i < concurrent; i++) {
                long duration = electionMicros + random.nextLong(electionMicros * 6);
                windows.add(new Window(t + random.nextLong(electionMicros), duration,
                        draw(pool.get(random.nextInt(pool.size())), random)));
                longest = Math.max(longest, duration);
            }
            t += longest + electionMicros + random.nextLong(electionMicros * 4);
        }
        return new FaultSchedule(windows);
    }

    private static Fault draw(Kind kind, RandomGenerator random) {
        return switch (kind) {
            case PARTITION -> new Fault.Partition(random.nextInt(4) == 0 ? Fault.PartitionShape.ISOLATE_LEADER
                    : pick(Fault.PartitionShape.values(), random));
            case CRASH -> switch (random.nextInt(5)) {
                // Crashes in a window, then ones timed to the protocol, with downtimes from
                // microseconds (a forgotten vote is reused at once) to seconds.
                case 0 -> new Fault.Crash(pick(new Fault.Target[] {Fault.Target.ONE, Fault.Target.LEADER,
                        Fault.Target.MINORITY, Fault.Target.MAJORITY, Fault.Target.ALL}, random));
                case 1 -> new Fault.Kill(pick(new Fault.Target[] {Fault.Target.ONE, Fault.Target.LEADER,
                        Fault.Target.LEADER, Fault.Target.MINORITY, Fault.Target.ALL}, random), downtime(random));
                // An overwrite-armed crash waits for a sync that replaces entries (a follower
                // catching up over a stale suffix) and stays armed past its window.
                case 2 -> new Fault.CrashInSync(pick(new Fault.Target[] {Fault.Target.ONE, Fault.Target.LEADER,
                        Fault.Target.MINORITY}, random), downtime(random), false);
                case 3 -> new Fault.CrashInSync(Fault.Target.ALL, downtime(random), true);
                default -> new Fault.CrashAfterAck(pick(new Fault.Target[] {Fault.Target.ONE, Fault.Target.MINORITY,
                        Fault.Target.ALL}, random), downtime(random));
            };
            case PAUSE -> random.nextInt(3) == 0
                    ? new Fault.SlowDisk(pick(new Fault.Target[] {Fault.Target.LEADER, Fault.Target.ONE}, random),
                            4 + random.nextInt(30))
                    : new Fault.Pause(pick(new Fault.Target[] {Fault.Target.ONE, Fault.Target.LEADER,
                            Fault.Target.LEADER, Fault.Target.MINORITY}, random));
            case LINKS -> new Fault.Links(new NetworkFaults(random.nextDouble() * 0.3, random.nextDouble() * 0.1,
                    150 + random.nextLong(2000), 50 + random.nextLong(2000)));
            case CLOCK -> new Fault.ClockSkew(random.nextBoolean() ? 0.5 + random.nextDouble() * 0.4
                    : 1.5 + random.nextDouble() * 2.5);
            case MEMBERSHIP -> random.nextBoolean() ? new Fault.MembershipBurst()
                    : new Fault.RemoveMember(pick(new Fault.Target[] {Fault.Target.ONE, Fault.Target.LEADER}, random));
            case TRANSFER -> new Fault.TransferLeadership();
        };
    }

    /** A node's downtime after a kill: log-uniform from 10 microseconds to 2 seconds. */
    private static long downtime(RandomGenerator random) {
        return SimConfig.logUniform(random, 10, 2_000_000);
    }

    private static <T> T pick(T[] options, RandomGenerator random) {
        return options[random.nextInt(options.length)];
    }

    public FaultSchedule without(int index) {
        List<Window> copy = new ArrayList<>(windows);
        copy.remove(index);
        return new FaultSchedule(copy);
    }

    /** Only the windows that start before {@code micros}. */
    public FaultSchedule truncatedAt(long micros) {
        return new FaultSchedule(windows.stream().filter(w -> w.startMicros() < micros).toList());
    }
}
