package titan.lab.campaign;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The campaigns the README quotes, by name ({@code titan-lab campaign --preset NAME}), so that each is
 * one repeatable command. A preset is a list of {@code titan-lab test} argument lists; the campaign
 * adds {@code --seed} (the campaign's {@code --seed} plus the run's number) to each.
 *
 * <ul>
 *   <li>{@code unsafe-table}: for each unsafe switch a real cluster can reach, the configuration
 *       that catches it (README.md, "Proof that the lab can fail"), {@code --seeds} runs each; the
 *       campaign writes {@code unsafe-table.md} beside its summary.</li>
 *   <li>{@code unsafe-table-safe}: each distinct configuration of the table with every switch off,
 *       {@code --seeds} runs each: they must all be valid (a false positive is worse than a miss).</li>
 *   <li>{@code safe-local}: every switch off, 50 local runs over every nemesis kind, the three
 *       workloads and both protocols.</li>
 *   <li>{@code safe-docker}: every switch off, 10 Docker runs over the faults Docker can inject.</li>
 *   <li>{@code ci}: a short local campaign for CI (docs/ci.md): 6 runs, about 4 minutes.</li>
 * </ul>
 */
final class Presets {
    private Presets() {}

    static final List<String> NAMES = List.of("unsafe-table", "unsafe-table-safe", "safe-local", "safe-docker", "ci");

    /**
     * One row of the unsafe table: the switch, why the configuration catches it, and the test's flags.
     */
    record Probe(String unsafe, String why, String flags) {
        List<String> args() {
            List<String> args = new ArrayList<>(List.of(flags.trim().split("\\s+")));
            args.addAll(List.of("--unsafe", unsafe));
            return args;
        }
    }

    /** The short runs of the table: a 12 s workload, a fault every 3 s (two fault windows). */
    private static final String SHORT = " --time-limit 12s --nemesis-interval 3s";

    /**
     * Clients pinned to nodes whose operations give up after 1 s, so a worker bound to the paused
     * leader invokes new reads while a new leader takes writes. Windows of 5 s: the leader's pause
     * (1.5 s) and finding it take part of each, and the stale leader answers only in the rest.
     * Those give-ups are info operations, which make the linearizability search costly: three keys
     * spread them, and the checker's deadline stays short (an undecided run counts as not caught).
     */
    private static final String STALE_LEADER_READS = "--workload kv --keys 3 --nemesis stale-leader --pin-clients"
            + " --operation-timeout 1s --check-timeout 40s --protocol tcp --time-limit 20s --nemesis-interval 5s";

    /**
     * Power-loss kinds need nodes started with --fault-injection, which the lab's runtimes pass: the
     * node loses its unsynced WAL tail (titan.node.storage.FileLogStore) and halts.
     */
    private static final String FOLLOWERS_LOSE_POWER = "--workload set --nemesis power-loss-followers --protocol tcp"
            + SHORT;

    /**
     * The probes, node switches first. Raft-core switches that no real fault sequence here reaches
     * often enough are left out of the table and explained in README.md instead.
     */
    static final List<Probe> PROBES = List.of(
            new Probe("stale-reads", "the old leader, cut off from its peers and paused while a new one took writes,"
                    + " wakes with a slow clock and keeps answering its pinned clients from its own state",
                    STALE_LEADER_READS),
            new Probe("read-without-heartbeat", "as stale-reads: the stale leader confirms a read index without the"
                    + " heartbeat round that would have found it deposed",
                    STALE_LEADER_READS),
            new Probe("ack-before-commit", "the isolated leader acknowledges writes no majority has; the new leader"
                    + " never saw them",
                    "--workload kv --keys 2 --nemesis isolate-leader --protocol tcp" + SHORT),
            new Probe("no-dedup", "the client resends writes cut off by a killed leader in the same session; the"
                    + " new leader applies the copy again: a duplicated set element",
                    "--workload set --nemesis kill-leader --resend-unknown-writes 3 --protocol tcp" + SHORT),
            new Probe("no-fsync", "every node loses power: nothing was ever forced, so every acknowledged write since"
                    + " the start (or the last restart's recovery) is gone",
                    "--workload set --nemesis power-loss-all --protocol tcp" + SHORT),
            new Probe("append-ack-before-durable", "the followers acknowledge entries, then lose power inside the sync"
                    + " that would have made them durable; the leader, which counted them, is killed; a follower is"
                    + " elected without them and the old leader's copies are overwritten",
                    FOLLOWERS_LOSE_POWER),
            new Probe("vote-before-durable", "with the leader killed, a voter loses power right after a grant it"
                    + " never made durable, restarts and grants again in the same term: two leaders of one term, the"
                    + " first cut off with a slow clock until the heal, overwrite each other's committed entries",
                    "--workload set --nemesis power-loss-voter --protocol tcp --time-limit 20s --nemesis-interval 5s"),
            new Probe("hard-state-first", "the leader, cut off while its pinned clients write, appends entries it"
                    + " cannot commit; the others elect and commit at those indexes; healed, it loses power inside"
                    + " the sync that replaces its stale suffix, keeping the hard state written first but not the"
                    + " entries, and recovers the new commit index over the stale entries: it applies them, and the"
                    + " nodes' logs show two terms at one index (State Machine Safety)",
                    "--workload set --nemesis power-loss-overwrite --pin-clients --protocol tcp --time-limit 20s"
                            + " --nemesis-interval 5s"),
            new Probe("concurrent-membership", "two removals asked for without waiting: the leader accepts both and"
                    + " rules alone, while the two removed voters elect a leader of the old configuration",
                    "--workload kv --keys 3 --nemesis membership-burst --protocol tcp" + SHORT));

    /** The distinct configurations of the probes of {@code switches} (all when empty), every switch off. */
    static List<List<String>> safeCounterparts(List<String> switches) {
        List<List<String>> configs = new ArrayList<>();
        for (Probe p : probes(switches)) {
            List<String> args = new ArrayList<>(List.of(p.flags().trim().split("\\s+")));
            if (!configs.contains(args)) {
                configs.add(args);
            }
        }
        return configs;
    }

    /** The probes of {@code switches} (all when empty). */
    static List<Probe> probes(List<String> switches) {
        if (switches.isEmpty()) {
            return PROBES;
        }
        List<Probe> chosen = new ArrayList<>();
        for (String s : switches) {
            String flag = s.trim().toLowerCase(Locale.ROOT);
            chosen.add(PROBES.stream().filter(p -> p.unsafe().equals(flag)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("the unsafe table has no probe for '" + flag
                            + "'; known: " + String.join(", ", PROBES.stream().map(Probe::unsafe).toList()))));
        }
        return chosen;
    }

    /**
     * Every nemesis kind, for the safe campaigns: WAL damage, membership changes, power loss and the
     * stale leader included, since a safe cluster must survive them all.
     */
    private static final List<String> LOCAL_NEMESES = List.of("partition", "kill", "pause", "links", "throttle",
            "clock", "isolate-leader", "kill-leader", "pause-leader", "kill-majority", "kill-all", "wal", "membership",
            "membership-leader", "membership-burst", "power-loss", "power-loss-all", "power-loss-in-sync",
            "power-loss-after-ack", "power-loss-followers", "power-loss-voter", "stale-leader", "all");
    /** Ten kinds for the ten runs of the preset: membership rides with "all" (docs/membership.md). */
    private static final List<String> DOCKER_NEMESES = List.of("partition", "kill", "pause", "clock",
            "isolate-leader", "kill-leader", "pause-leader", "kill-majority", "kill-all", "all,membership");
    private static final List<String> WORKLOADS = List.of("kv", "set", "register");

    /** The safe campaigns' runs: {@code runs} runs cycling through nemeses, workloads and protocols. */
    static List<List<String>> safe(String runtime, int runs) {
        List<String> nemeses = runtime.equals("docker") ? DOCKER_NEMESES : LOCAL_NEMESES;
        List<List<String>> plan = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            // Each round over the nemeses shifts the workload and the protocol by one, so a kind is not
            // tied to one workload and one protocol when the list's length is a multiple of 2 or 3.
            int shifted = i % nemeses.size() + i / nemeses.size();
            plan.add(new ArrayList<>(List.of("--runtime", runtime, "--workload", WORKLOADS.get(shifted % WORKLOADS.size()),
                    "--nemesis", nemeses.get(i % nemeses.size()), "--protocol", shifted % 2 == 0 ? "tcp" : "http",
                    "--time-limit", "8s", "--nemesis-interval", "2s")));
        }
        return plan;
    }
}
