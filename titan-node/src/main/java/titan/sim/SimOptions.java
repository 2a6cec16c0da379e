package titan.sim;

import java.util.EnumSet;
import java.util.Set;

import titan.raft.UnsafeMode;

/**
 * Everything that shapes one simulated run besides the seed's random choices. Times are simulated
 * microseconds; a tick is one millisecond, election timeouts 10 to 20 ticks, heartbeats every
 * tick (the ratios etcd uses at 100 ms ticks).
 *
 * @param ops                 client operations in the workload (before the final reads)
 * @param keys                distinct keys; few keys mean contention
 * @param faultKinds          what the randomized fault schedule may draw from
 * @param fsyncMicros         how long one group-commit sync takes; inputs queue meanwhile
 * @param snapshotEveryEntries log compaction interval
 * @param appendBytesMax      the leader's batch limit per AppendRequest (small values replicate entry by entry)
 * @param traceMessages       with tracing, also record every message
 * @param swarm               draw the run's configuration from the seed ({@link SimConfig#draw}) instead of
 *                            the fixed values above (swarm testing); the fixed values then bound the draw
 */
public record SimOptions(long seed, int nodes, int clients, int ops, int keys, Set<FaultSchedule.Kind> faultKinds,
                         Set<UnsafeMode> unsafe, long tickMicros, int electionTicks, int heartbeatTicks,
                         long fsyncMicros, long snapshotEveryEntries, int appendBytesMax, long attemptTimeoutMicros,
                         long opTimeoutMicros, boolean trace, boolean traceMessages, boolean swarm) {
    public SimOptions {
        if (nodes < 1 || nodes > 9 || clients < 1 || ops < 0 || keys < 1) {
            throw new IllegalArgumentException("need 1..9 nodes, at least one client and one key");
        }
        faultKinds = faultKinds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(faultKinds));
        unsafe = unsafe.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(unsafe));
    }

    public static SimOptions defaults(long seed) {
        return new SimOptions(seed, 5, 5, 500, 4, EnumSet.allOf(FaultSchedule.Kind.class), Set.of(), 1_000, 10, 1,
                300, 64, 64 * 1024, 50_000, 150_000, false, false, true);
    }

    public SimOptions withSeed(long s) {
        return new SimOptions(s, nodes, clients, ops, keys, faultKinds, unsafe, tickMicros, electionTicks,
                heartbeatTicks, fsyncMicros, snapshotEveryEntries, appendBytesMax, attemptTimeoutMicros, opTimeoutMicros, trace,
                traceMessages, swarm);
    }

    public SimOptions withNodes(int n) {
        return new SimOptions(seed, n, clients, ops, keys, faultKinds, unsafe, tickMicros, electionTicks,
                heartbeatTicks, fsyncMicros, snapshotEveryEntries, appendBytesMax, attemptTimeoutMicros, opTimeoutMicros, trace,
                traceMessages, swarm);
    }

    public SimOptions withClients(int n) {
        return new SimOptions(seed, nodes, n, ops, keys, faultKinds, unsafe, tickMicros, electionTicks,
                heartbeatTicks, fsyncMicros, snapshotEveryEntries, appendBytesMax, attemptTimeoutMicros, opTimeoutMicros, trace,
                traceMessages, swarm);
    }

    public SimOptions withOps(int n) {
        return new SimOptions(seed, nodes, clients, n, keys, faultKinds, unsafe, tickMicros, electionTicks,
                heartbeatTicks, fsyncMicros, snapshotEveryEntries, appendBytesMax, attemptTimeoutMicros, opTimeoutMicros, trace,
                traceMessages, swarm);
    }

    public SimOptions withKeys(int n) {
        return new SimOptions(seed, nodes, clients, ops, n, faultKinds, unsafe, tickMicros, electionTicks,
                heartbeatTicks, fsyncMicros, snapshotEveryEntries, appendBytesMax, attemptTimeoutMicros, opTimeoutMicros, trace,
                traceMessages, swarm);
    }

    public SimOptions withFaults(Set<FaultSchedule.Kind> kinds) {
        return new SimOptions(seed, nodes, clients, ops, keys, kinds, unsafe, tickMicros, electionTicks,
                heartbeatTicks, fsyncMicros, snapshotEveryEntries, appendBytesMax, attemptTimeoutMicros, opTimeoutMicros, trace,
                traceMessages, swarm);
    }

    public SimOptions withUnsafe(Set<UnsafeMode> switches) {
        return new SimOptions(seed, nodes, clients, ops, keys, faultKinds, switches, tickMicros, electionTicks,
                heartbeatTicks, fsyncMicros, snapshotEveryEntries, appendBytesMax, attemptTimeoutMicros, opTimeoutMicros, trace,
                traceMessages, swarm);
    }

    public SimOptions withSnapshotEveryEntries(long n) {
        return new SimOptions(seed, nodes, clients, ops, keys, faultKinds, unsafe, tickMicros, electionTicks,
                heartbeatTicks, fsyncMicros, n, appendBytesMax, attemptTimeoutMicros, opTimeoutMicros, trace, traceMessages, swarm);
    }

    public SimOptions withAppendBytesMax(int bytes) {
        return new SimOptions(seed, nodes, clients, ops, keys, faultKinds, unsafe, tickMicros, electionTicks,
                heartbeatTicks, fsyncMicros, snapshotEveryEntries, bytes, attemptTimeoutMicros, opTimeoutMicros,
                trace, traceMessages, swarm);
    }

    public SimOptions withTrace(boolean on, boolean messages) {
        return new SimOptions(seed, nodes, clients, ops, keys, faultKinds, unsafe, tickMicros, electionTicks,
                heartbeatTicks, fsyncMicros, snapshotEveryEntries, appendBytesMax, attemptTimeoutMicros, opTimeoutMicros, on,
                messages, swarm);
    }

    /** With {@code on}, every seed draws its own configuration (the default); off, the fixed values here apply. */
    public SimOptions withSwarm(boolean on) {
        return new SimOptions(seed, nodes, clients, ops, keys, faultKinds, unsafe, tickMicros, electionTicks,
                heartbeatTicks, fsyncMicros, snapshotEveryEntries, appendBytesMax, attemptTimeoutMicros, opTimeoutMicros,
                trace, traceMessages, on);
    }

    public long electionMicros() {
        return tickMicros * electionTicks;
    }
}
