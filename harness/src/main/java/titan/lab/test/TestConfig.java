package titan.lab.test;

import java.time.Duration;
import java.util.List;

/**
 * A lab test's whole configuration, as written to {@code test.json}: with the seed and the commit it
 * names the run.
 *
 * @param name             the test's name: its folder under {@code results/runs/}
 * @param runtime          {@code local} (the only runtime of {@code test} so far)
 * @param nodes            cluster size
 * @param workload         {@code register}, {@code kv} or {@code set}
 * @param keys             keys of the kv workload
 * @param nemesis          fault kinds ({@code partition}, {@code kill}, ...); empty for none
 * @param nemesisInterval  quiet and fault intervals of the periodic schedule
 * @param timeLimit        how long the workload runs
 * @param concurrency      client workers
 * @param rate             operations per second over all workers; 0 for as fast as they go
 * @param protocol         {@code http} or {@code tcp}
 * @param seed             seeds the schedule, the nemesis' choices, the operations and the proxies
 * @param unsafe           unsafe switches passed to every node
 * @param operationTimeout the lab's own limit on one operation before it is recorded as info
 * @param checkTimeout     the checker's deadline (UNKNOWN after it)
 * @param resendUnknownWrites how often the client resends a write whose fate is unknown, in its own
 *                         session ({@code titan.client.ClientOptions#unknownWriteResends}); 0 never
 * @param pinClients       each worker's client bound to one node (no redirects), as Jepsen binds
 *                         its clients; the final reads still find the leader
 */
public record TestConfig(String name, String runtime, int nodes, String workload, int keys, List<String> nemesis,
                         Duration nemesisInterval, Duration timeLimit, int concurrency, double rate, String protocol,
                         long seed, List<String> unsafe, Duration operationTimeout, Duration checkTimeout,
                         int resendUnknownWrites, boolean pinClients) {
    public TestConfig {
        nemesis = List.copyOf(nemesis);
        unsafe = List.copyOf(unsafe);
    }

    /** A configuration whose client neither resends nor is pinned. */
    public TestConfig(String name, String runtime, int nodes, String workload, int keys, List<String> nemesis,
                      Duration nemesisInterval, Duration timeLimit, int concurrency, double rate, String protocol,
                      long seed, List<String> unsafe, Duration operationTimeout, Duration checkTimeout) {
        this(name, runtime, nodes, workload, keys, nemesis, nemesisInterval, timeLimit, concurrency, rate, protocol,
                seed, unsafe, operationTimeout, checkTimeout, 0, false);
    }
}
