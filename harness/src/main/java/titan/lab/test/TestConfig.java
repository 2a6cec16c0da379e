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
 */
public record TestConfig(String name, String runtime, int nodes, String workload, int keys, List<String> nemesis,
                         Duration nemesisInterval, Duration timeLimit, int concurrency, double rate, String protocol,
                         long seed, List<String> unsafe, Duration operationTimeout, Duration checkTimeout) {
    public TestConfig {
        nemesis = List.copyOf(nemesis);
        unsafe = List.copyOf(unsafe);
    }
}
