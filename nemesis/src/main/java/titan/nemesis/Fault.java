package titan.nemesis;

/**
 * One fault of Jepsen's catalogue, as data, shared by every runtime: the simulator ({@code titan.sim})
 * and the lab's real runtimes (local processes, Docker) inject the same records. A fault names a
 * shape, not nodes: the nodes are chosen when it starts (the leader at that moment, a random
 * minority, …), from the fault's own random stream, and every fault is healed when its window ends.
 * A runtime that cannot inject a fault (the simulator has no bandwidth limit) never draws it.
 */
public sealed interface Fault {
    /** A short name for reports and history lines, e.g. {@code partition-halves}. */
    String name();

    enum PartitionShape { HALVES, ISOLATE_ONE, ISOLATE_LEADER, MAJORITIES_RING, BRIDGE, ONE_WAY }

    enum Target { ONE, LEADER, MINORITY, MAJORITY, ALL }

    /** Cuts links in the given shape (Jepsen's partition-random-halves, -majorities-ring, bridge, …). */
    record Partition(PartitionShape shape) implements Fault {
        public String name() {
            return "partition-" + shape.name().toLowerCase().replace('_', '-');
        }
    }

    /** Kills nodes (power loss: unsynced writes may be lost or torn) and restarts them at the end. */
    record Crash(Target target) implements Fault {
        public String name() {
            return "crash-" + target.name().toLowerCase();
        }
    }

    /** Freezes nodes (SIGSTOP) and resumes them at the end. */
    record Pause(Target target) implements Fault {
        public String name() {
            return "pause-" + target.name().toLowerCase();
        }
    }

    /** Makes every link lossy, duplicating or slow. */
    record Links(NetworkFaults faults) implements Fault {
        public String name() {
            return "links-degraded";
        }
    }

    /**
     * Removes a server from the cluster through a membership change (dissertation §4.1), and at the
     * end adds it back: first as a learner, promoted to voter once it has caught up (§4.2.1).
     */
    record RemoveMember(Target target) implements Fault {
        public String name() {
            return "remove-member-" + target.name().toLowerCase();
        }
    }

    /** Runs one node's clock at {@code rate} times real speed (its timeouts fire sooner or later). */
    record ClockSkew(double rate) implements Fault {
        public String name() {
            return "clock-skew";
        }
    }

    /**
     * Limits every peer link to {@code bytesPerSecond} (a throttling proxy). Real runtimes only:
     * the simulator's network has no bandwidth.
     */
    record Throttle(long bytesPerSecond) implements Fault {
        public Throttle {
            if (bytesPerSecond <= 0) {
                throw new IllegalArgumentException("bytesPerSecond must be positive: " + bytesPerSecond);
            }
        }

        public String name() {
            return "links-throttled";
        }
    }

    /** What happens to the tail of a stopped node's write-ahead log. */
    enum WalDamageKind { TRUNCATE, CORRUPT }

    /**
     * Kills nodes, damages the tail of their write-ahead log (cuts bytes off it, or flips bytes in
     * it), and restarts them at the end. Real runtimes only (the simulator tears unsynced tails on
     * every crash by itself). This breaks Raft's stable-storage assumption when the damaged bytes
     * had been synced, so it is for testing recovery, and drawn only when asked for by name.
     */
    record WalDamage(Target target, WalDamageKind kind) implements Fault {
        public String name() {
            return "wal-" + kind.name().toLowerCase() + "-" + target.name().toLowerCase();
        }
    }

    /** Kills nodes and restarts each after {@code downtimeMicros} (microseconds to seconds), whatever the window. */
    record Kill(Target target, long downtimeMicros) implements Fault {
        public String name() {
            return "kill-" + target.name().toLowerCase();
        }
    }

    /**
     * Arms nodes to lose power inside their next fsync window (FoundationDB's BUGGIFY, TigerBeetle's
     * VOPR: faults timed to the protocol), restarting after {@code downtimeMicros}.
     */
    record CrashInSync(Target target, long downtimeMicros, boolean onOverwrite) implements Fault {
        public String name() {
            return "crash-in-fsync-" + (onOverwrite ? "overwrite-" : "") + target.name().toLowerCase();
        }
    }

    /** Makes nodes' disks {@code factor} times slower (a slow-disk fault) until the window ends. */
    record SlowDisk(Target target, int factor) implements Fault {
        public String name() {
            return "slow-disk-" + target.name().toLowerCase();
        }
    }

    /** Arms nodes to lose power right after they next grant a vote or acknowledge an append. */
    record CrashAfterAck(Target target, long downtimeMicros) implements Fault {
        public String name() {
            return "crash-after-ack-" + target.name().toLowerCase();
        }
    }

    /**
     * What a power failure keeps of a node's writes not yet forced: nothing, a prefix of whole
     * records, or a prefix of bytes (a record torn in two). A real runtime's node emulates it
     * ({@code titan.node.storage.PowerCut}); {@link #flag()} is the name it takes.
     */
    enum TornTail {
        LOSE_TAIL, TORN_RECORDS, TORN_BYTES;

        public String flag() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    /**
     * Cuts nodes' power at once (real runtimes: the node loses its unsynced WAL tail as {@code cut}
     * says and halts; unlike a SIGKILL, the kernel's page cache does not save it), and restarts them
     * when the window ends.
     */
    record PowerLoss(Target target, TornTail cut) implements Fault {
        public String name() {
            return "power-loss-" + target.name().toLowerCase();
        }
    }

    /**
     * Every follower loses power inside its next fsync window; once they are down the leader is
     * killed (SIGKILL: its synced log survives). When the window ends the followers restart first
     * and elect one of them, and the old leader last. Committed entries survive this in a correct
     * cluster: each was durable on a majority, so on one of the followers too.
     */
    record PowerLossFollowers(TornTail cut) implements Fault {
        public String name() {
            return "power-loss-followers";
        }
    }

    /**
     * A deposed leader that does not know it: the leader's peer links are cut and it is paused
     * (SIGSTOP) until the others have had time to elect a new one, then it is resumed and its clock runs at
     * {@code clockRate} (slow), so it believes it leads for about an election timeout divided by the
     * rate. Its clients still reach it (they connect to nodes directly). The window's end restores
     * the clock and the links. A correct leader answers no read in that time (ReadIndex needs a
     * heartbeat round with a majority, §6.4).
     */
    record StaleLeader(double clockRate) implements Fault {
        public String name() {
            return "stale-leader";
        }
    }

    /**
     * An election whose voter forgets its vote if it can: the others are armed to lose power right
     * after their next vote grant, and the leader is killed. Once one voter has halted, the candidate
     * it elected is cut off from every peer and paused while the voter and the old leader restart and
     * elect among themselves; then it is resumed and its links healed. In a correct cluster the grant
     * was durable before it was sent (Figure 2), so that second election needs a later term, which
     * deposes the woken leader; a forgotten grant gives two leaders of one term. ({@code clockRate}
     * is unused by the real runtimes' injector since the pause replaced the slow clock.)
     */
    record PowerLossVoter(double clockRate) implements Fault {
        public String name() {
            return "power-loss-voter";
        }
    }

    /**
     * A deposed leader whose stale suffix is replaced while it loses power: the leader is cut off
     * from its peers while its clients keep writing to it (entries it can never commit), the others
     * elect a leader that commits entries at those indexes, then the old leader is armed to lose
     * power inside the first sync that replaces log entries, keeping only the records written
     * before that sync's first entry (a hard state written first survives, the entries do not), and
     * its links are healed; it halts in that sync and is restarted. A correct node writes the
     * entries before the hard state that speaks of them (etcd's WAL order), so it recovers its old
     * commit index; {@code --unsafe hard-state-first} recovers the new commit index over the stale
     * entries and applies them (State Machine Safety, Raft paper §5.4.3).
     */
    record PowerLossOverwrite() implements Fault {
        public String name() {
            return "power-loss-overwrite";
        }
    }

    /** Asks the leader to hand leadership to another voter (dissertation §3.10). */
    record TransferLeadership() implements Fault {
        public String name() {
            return "transfer-leadership";
        }
    }

    /**
     * A burst of membership changes: the leader is asked to remove two servers in one step (the
     * second is a concurrent change it must refuse) and, a few ticks later, to add one back; the
     * window's end adds every server back.
     */
    record MembershipBurst() implements Fault {
        public String name() {
            return "membership-burst";
        }
    }
}
