package titan.sim;

import titan.nemesis.NetworkFaults;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The configuration of one simulated run: Raft's timing and flow-control settings, the disks, the
 * network's healthy behaviour and the clients. With swarm testing on ({@link SimOptions#swarm()},
 * the default) each seed draws its own (Groce et al., "Swarm Testing", ISSTA 2012: many small,
 * different configurations find more bugs than one big one); a bug that needs pre-vote off, one
 * entry per AppendRequest or a slow disk is then found on the seeds that drew those. The draw uses
 * its own random stream, so a seed's configuration does not shift its other choices' streams.
 *
 * @param electionTicks        minimum election timeout in ticks
 * @param heartbeatTicks       leader heartbeat interval in ticks
 * @param preVote              Raft pre-vote (dissertation §9.6)
 * @param checkQuorum          Raft check-quorum (dissertation §6.2)
 * @param appendBytesMax       batch limit per AppendRequest; 1 means one entry per request
 * @param inflightAppendsMax   appends in flight per follower
 * @param fsyncMicros          one sync's latency on a healthy disk
 * @param slowDiskNode         the node (1-based) whose disk is slow, or 0 for none
 * @param slowFsyncMicros      one sync's latency on the slow disk
 * @param netDelayMicros       healthy links' mean delay
 * @param netJitterMicros      healthy links' mean exponential jitter (reorders messages)
 * @param snapshotEveryEntries log compaction interval
 * @param clients              concurrent client workers
 * @param attemptTimeoutMicros a client's wait for one attempt before it tries another node
 * @param opTimeoutMicros      a client's deadline for one operation, retries included
 * @param randomTargetPercent  share of attempts a client sends to a random node rather than the one it
 *                             believes leads (so deposed leaders are asked, and answer, within their window)
 * @param writersPerKeyMax     concurrent writes on one key; a client that would exceed it reads instead
 *                             (keeps high-contention histories decidable for the checker)
 * @param overwriteCrashPercent the chance that a sync which replaces log entries (a follower overwriting
 *                             a stale suffix) loses power inside its fsync window while faults run
 *                             (FoundationDB's BUGGIFY: a rare moment made common on some seeds)
 * @param syncCrashPermille    the chance, in thousandths, that any sync loses power inside its fsync window
 *                             while faults run (a leader cut off after appending is the usual origin of
 *                             the stale suffixes that later syncs overwrite)
 * @param distantNode          the node (1-based) whose links to the other nodes are slower, or 0 for none:
 *                             a replica in a far data centre, which lags behind the others, so that a new
 *                             leader often has to bring a follower up over entries of earlier terms
 * @param distantExtraMicros   the extra one-way delay on the distant node's links
 */
public record SimConfig(int electionTicks, int heartbeatTicks, boolean preVote, boolean checkQuorum,
                        int appendBytesMax, int inflightAppendsMax, long fsyncMicros, int slowDiskNode,
                        long slowFsyncMicros, long netDelayMicros, long netJitterMicros, long snapshotEveryEntries,
                        int clients, long attemptTimeoutMicros, long opTimeoutMicros, int randomTargetPercent,
                        int writersPerKeyMax, int overwriteCrashPercent, int syncCrashPermille, int distantNode,
                        long distantExtraMicros) {
    public SimConfig {
        if (electionTicks < 2 || heartbeatTicks < 1 || heartbeatTicks >= electionTicks || clients < 1
                || writersPerKeyMax < 1 || appendBytesMax < 1 || inflightAppendsMax < 1
                || overwriteCrashPercent < 0 || overwriteCrashPercent > 100 || syncCrashPermille < 0
                || syncCrashPermille > 1000 || distantNode < 0
                || distantExtraMicros < 0) {
            throw new IllegalArgumentException("bad simulation configuration");
        }
    }

    /** The fixed configuration of {@code o}, as every run had before swarm testing. */
    public static SimConfig fixed(SimOptions o) {
        return new SimConfig(o.electionTicks(), o.heartbeatTicks(), true, true, o.appendBytesMax(), 32,
                o.fsyncMicros(), 0, o.fsyncMicros(), NetworkFaults.HEALTHY.delayMeanMicros(),
                NetworkFaults.HEALTHY.jitterMeanMicros(), o.snapshotEveryEntries(), o.clients(),
                o.attemptTimeoutMicros(), o.opTimeoutMicros(), 0, writersPerKeyMax(o), 0, 0, 0, 0);
    }

    /** The configuration {@code o}'s seed draws ({@code o.clients()} is the most clients it may draw). */
    public static SimConfig draw(SimOptions o) {
        RandomGenerator r = new SplittableRandom(o.seed() * 0x9E3779B97F4A7C15L + 0x5157A3L);
        int election = 5 + r.nextInt(16);
        int heartbeat = 1 + r.nextInt(Math.max(1, election / 4));
        boolean preVote = r.nextBoolean();
        boolean checkQuorum = r.nextBoolean();
        int appendBytes = pick(r, 1, 1, 64, 1024, 16 * 1024, 64 * 1024);
        int inflight = pick(r, 1, 2, 4, 8, 32);
        if (appendBytes == 1) {
            inflight = Math.max(inflight, 8); // one entry per append and one append in flight would crawl
        }
        // Disks and links stay well inside an election timeout (etcd's tuning guide: the timeout
        // should be about ten round trips); beyond that elections livelock and nothing is tested.
        long electionMicros = election * o.tickMicros();
        long fsync = logUniform(r, 20, Math.min(3_000, electionMicros / 8));
        boolean slow = r.nextInt(3) == 0;
        int slowNode = slow ? 1 + r.nextInt(o.nodes()) : 0;
        long slowFsync = slow ? Math.min(electionMicros / 4, fsync * (4 + r.nextInt(17))) : fsync;
        long delay = logUniform(r, 20, Math.min(1_000, electionMicros / 10));
        long jitter = r.nextInt(4) == 0 ? 0 : logUniform(r, 5, Math.min(2_000, electionMicros / 10));
        long snapshotEvery = pickLong(r, 8, 32, 128, 1024, 100_000);
        int low = 1 + (o.clients() - 1) / 2;
        int clients = low + r.nextInt(o.clients() - low + 1);
        // Short client timeouts, but not below a few round trips through the slowest disk.
        long roundTrip = 2 * (delay + jitter) + Math.max(fsync, slowFsync);
        long attempt = Math.max(3 * roundTrip, logUniform(r, 2_000, 60_000));
        long op = Math.max(2 * attempt, logUniform(r, 10_000, 200_000));
        int randomTarget = pick(r, 0, 20, 50, 80);
        // Drawn last, so that adding them left every earlier choice of a seed as it was.
        int overwriteCrash = pick(r, 0, 50, 100);
        int syncCrash = pick(r, 0, 0, 3, 10);
        boolean distant = o.nodes() > 1 && r.nextBoolean();
        int distantNode = distant ? 1 + r.nextInt(o.nodes()) : 0;
        // Up to a fifth of an election timeout each way: it lags, but still hears its leader in time.
        long distantExtra = distant ? logUniform(r, 100, Math.max(100, electionMicros / 5)) : 0;
        return new SimConfig(election, heartbeat, preVote, checkQuorum, appendBytes, inflight, fsync, slowNode,
                slowFsync, delay, jitter, snapshotEvery, clients, attempt, op, randomTarget, writersPerKeyMax(o),
                overwriteCrash, syncCrash, distantNode, distantExtra);
    }

    /** The configuration of a run with options {@code o}: drawn from the seed, or fixed. */
    public static SimConfig of(SimOptions o) {
        return o.swarm() ? draw(o) : fixed(o);
    }

    /**
     * Few concurrent writers per key: with one key and twenty clients, every write would otherwise
     * overlap nineteen others and the checker's search would explode (issue 7).
     */
    private static int writersPerKeyMax(SimOptions o) {
        return Math.max(1, Math.min(o.clients(), 3));
    }

    public long electionMicros(long tickMicros) {
        return tickMicros * electionTicks;
    }

    /** One sync's latency on {@code node}'s disk (1-based). */
    public long fsyncMicros(int node) {
        return node == slowDiskNode ? slowFsyncMicros : fsyncMicros;
    }

    /** The healthy links' behaviour, to which a links fault returns. */
    public NetworkFaults healthyNetwork() {
        return new NetworkFaults(0, 0, netDelayMicros, netJitterMicros);
    }

    /** For reports and test.json: every field by name, in order. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("electionTicks", electionTicks);
        m.put("heartbeatTicks", heartbeatTicks);
        m.put("preVote", preVote);
        m.put("checkQuorum", checkQuorum);
        m.put("appendBytesMax", appendBytesMax);
        m.put("inflightAppendsMax", inflightAppendsMax);
        m.put("fsyncMicros", fsyncMicros);
        m.put("slowDiskNode", slowDiskNode);
        m.put("slowFsyncMicros", slowFsyncMicros);
        m.put("netDelayMicros", netDelayMicros);
        m.put("netJitterMicros", netJitterMicros);
        m.put("snapshotEveryEntries", snapshotEveryEntries);
        m.put("clients", clients);
        m.put("attemptTimeoutMicros", attemptTimeoutMicros);
        m.put("opTimeoutMicros", opTimeoutMicros);
        m.put("randomTargetPercent", randomTargetPercent);
        m.put("writersPerKeyMax", writersPerKeyMax);
        m.put("overwriteCrashPercent", overwriteCrashPercent);
        m.put("syncCrashPermille", syncCrashPermille);
        m.put("distantNode", distantNode);
        m.put("distantExtraMicros", distantExtraMicros);
        return m;
    }

    /** One line: {@code election=12 heartbeat=2 preVote=off ...}. */
    public String describe() {
        return String.format("election=%d heartbeat=%d preVote=%s checkQuorum=%s appendBytes=%d inflight=%d "
                        + "fsync=%dus%s net=%dus+~%dus snapshotEvery=%d clients=%d attemptTimeout=%dus opTimeout=%dus "
                        + "randomTarget=%d%% writersPerKey=%d overwriteCrash=%d%% syncCrash=%d/1000%s", electionTicks, heartbeatTicks, onOff(preVote),
                onOff(checkQuorum), appendBytesMax, inflightAppendsMax, fsyncMicros,
                slowDiskNode == 0 ? "" : " (n" + slowDiskNode + " slow: " + slowFsyncMicros + "us)", netDelayMicros,
                netJitterMicros, snapshotEveryEntries, clients, attemptTimeoutMicros, opTimeoutMicros,
                randomTargetPercent, writersPerKeyMax, overwriteCrashPercent, syncCrashPermille,
                distantNode == 0 ? "" : " distant=n" + distantNode + "+" + distantExtraMicros + "us");
    }

    private static String onOff(boolean b) {
        return b ? "on" : "off";
    }

    private static long pickLong(RandomGenerator r, long... options) {
        return options[r.nextInt(options.length)];
    }

    private static int pick(RandomGenerator r, int... options) {
        return options[r.nextInt(options.length)];
    }

    /** Log-uniform in {@code [low, high]}: every order of magnitude equally likely. */
    static long logUniform(RandomGenerator r, long low, long high) {
        double x = Math.log(low) + r.nextDouble() * (Math.log(high) - Math.log(low));
        return Math.max(low, Math.min(high, Math.round(Math.exp(x))));
    }
}
