package titan.lab.bench;

import java.util.List;
import java.util.Map;

import titan.client.Endpoint;

/**
 * Starts a Titan cluster for a benchmark and stops it. The lab's runtimes (local processes,
 * Docker) implement it; {@code titan-lab bench} uses whichever {@code --runtime} names.
 */
public interface ClusterLauncher {
    /** What to start: how many voters, and whether each write waits for fsync (the node's policy). */
    record Spec(int nodes, boolean fsync) {}

    /** A started cluster. {@link #close()} stops every node and must not throw. */
    interface Cluster extends AutoCloseable {
        /** Where each node serves clients, in node order. */
        List<Endpoint> endpoints();

        /** Process id of each node by node id, for the CPU sampler; empty where there is none to read. */
        Map<String, Long> pids();

        /** Where the nodes' CPU times come from (e.g. /proc, or a container's cgroup). */
        default CpuSource cpuSource() {
            return new ProcStatCpuSource();
        }

        @Override
        void close();
    }

    /**
     * Starts the cluster and returns once it has a leader that accepts writes. Throws with a clear
     * message when it cannot; must then leave nothing running.
     */
    Cluster start(Spec spec) throws Exception;
}
