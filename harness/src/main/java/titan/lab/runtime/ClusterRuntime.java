package titan.lab.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.random.RandomGenerator;

import titan.client.Endpoint;
import titan.nemesis.Fault;
import titan.nemesis.Plans;

/**
 * Where a lab test's cluster runs: child processes on this machine ({@link LocalRuntime}), containers,
 * or hosts. The interface assumes nothing about sharing the lab's file system or process table:
 * logs come back through {@link #collectLogs}, WAL damage is done by the runtime, and clients reach
 * nodes only through {@link #endpoints()}.
 *
 * <p>Operations on a node block until done (a started node has printed its ready line, a stopped
 * one has exited) and throw {@link RuntimeFailure} when the runtime cannot do them. Not meant for
 * concurrent use: the test runner's setup/recovery code and the nemesis take turns.
 */
public interface ClusterRuntime extends AutoCloseable {
    /** The runtime's name in test.json: {@code local}, {@code docker}, ... */
    String name();

    /** The node ids, {@code n1..nN}, in order. */
    List<String> nodes();

    /** Starts every node of the cluster and waits until each is ready. */
    void startAll();

    /** Starts a node that is not running (after {@link #stop} or {@link #kill}); its data is kept. */
    void start(String node);

    /** Stops a node gracefully (SIGTERM) and waits for it to exit. */
    void stop(String node);

    /** Kills a node at once (SIGKILL): unsynced writes may be lost. */
    void kill(String node);

    /** Freezes a node (SIGSTOP): it keeps its sockets and state but does nothing. */
    void pause(String node);

    /** Resumes a paused node (SIGCONT); nothing when it is not paused. */
    void resume(String node);

    /** Kills (if running) and starts a node again, keeping its data. */
    default void restart(String node) {
        if (state(node) != NodeState.STOPPED) {
            kill(node);
        }
        start(node);
    }

    NodeState state(String node);

    /** Cuts one directed link: what {@code link.from()} sends to {@code link.to()} no longer arrives. */
    void cut(Plans.Link link);

    /** Heals one directed link. */
    void heal(Plans.Link link);

    /** Makes one directed link slow, flaky or throttled ({@link LinkFaults#HEALTHY} to undo). */
    void setLinkFaults(Plans.Link link, LinkFaults faults);

    /** Heals every link and clears every link fault. */
    void healAllLinks();

    /**
     * Runs a node's clock at {@code rate} times real speed through its fault-injection admin endpoint.
     *
     * @throws RuntimeFailure when the node does not answer (it is down or paused)
     */
    void setClockRate(String node, double rate);

    /**
     * Where the lab reaches a node's fault-injection admin endpoint (membership changes, clock):
     * always an address on loopback that the runtime publishes, stable across restarts.
     */
    java.net.InetSocketAddress adminAddress(String node);

    /**
     * Cuts a node's power through its fault-injection admin endpoint (nodes of the lab run with
     * {@code --fault-injection}): the node loses its unsynced WAL tail as {@code cut} says
     * ({@code lose-tail}, {@code torn-records}, {@code torn-bytes}) and halts. {@code at} is {@code now}
     * (returns once the node has stopped), {@code sync} or {@code ack} (arms it for its next fsync
     * window or acknowledgement, and returns), or {@code off} (disarms).
     *
     * @return the node's answer, for the history
     * @throws RuntimeFailure when the node does not answer or refuses
     */
    String powerLoss(String node, String at, String cut, long seed);

    /**
     * Damages the tail of a stopped node's write-ahead log.
     *
     * @return what was done, for the history (e.g. {@code cut 37 bytes off wal-...log})
     * @throws IllegalStateException when the node is running
     */
    String damageWal(String node, Fault.WalDamageKind kind, RandomGenerator random);

    /** Where clients reach each node; stable across restarts. */
    List<Endpoint> endpoints();

    /** The operating-system process id of a running node, for CPU sampling; empty when not local. */
    OptionalLong pid(String node);

    /** Copies each node's logs into {@code runDir/nodes/<node>/}. */
    void collectLogs(Path runDir);

    /** Kills every node and releases everything (proxies, ports, child processes). Never throws. */
    @Override
    void close();

    /** What a node is doing. */
    enum NodeState { RUNNING, PAUSED, STOPPED }
}
