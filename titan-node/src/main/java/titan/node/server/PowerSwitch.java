package titan.node.server;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import titan.node.Transport;
import titan.node.storage.FileLogStore;
import titan.node.storage.PowerCut;
import titan.raft.Message;

/**
 * The power-loss fault of the admin endpoint ({@code POST /admin/power-loss}), for nodes started with
 * {@code --fault-injection}: the store loses what it has not forced ({@link FileLogStore#losePower})
 * and the JVM halts at once ({@link Runtime#halt}), with no shutdown hook and no further write.
 * Three moments, the last two timed to the protocol as the simulator's crashes are
 * ({@code titan.sim.SimNode}):
 * <pre>
 *   now    at once
 *   sync   inside the next fsync window: the batch reached the OS, its force has not completed
 *   ack    right after the node next sends a vote grant or a successful append acknowledgement
 *   vote   right after the node next sends a vote grant (not a pre-vote's)
 *   overwrite  inside the first fsync window whose writes replace entries already in the log (a
 *          follower truncating a stale suffix, usually with the commit index it learned in the same
 *          batch): where the order of a batch's records decides what a restart applies
 * </pre>
 * A correct node loses nothing it promised in any of them: it answers only after its sync (Figure 2).
 */
final class PowerSwitch {
    /** The exit status of a node whose power the lab cut. */
    static final int EXIT_POWER_LOSS = 99;
    private static final Logger log = LoggerFactory.getLogger(PowerSwitch.class);
    /** How long an acknowledgement gets to leave (Netty writes it on its own thread) before the power goes. */
    static final long ACK_FLIGHT_MILLIS = 50;

    /** When the power goes. */
    enum Moment { NOW, SYNC, ACK, VOTE, OVERWRITE }

    private final FileLogStore store;
    private final Runnable halt;
    private final long ackFlightMillis;
    private volatile PowerCut ackCut;
    private volatile boolean votesOnly;
    private volatile long ackSeed;

    PowerSwitch(FileLogStore store, Runnable halt, long ackFlightMillis) {
        this.store = store;
        this.halt = halt;
        this.ackFlightMillis = ackFlightMillis;
    }

    /** The real switch: halts the JVM with {@link #EXIT_POWER_LOSS}. */
    static PowerSwitch halting(FileLogStore store) {
        return new PowerSwitch(store, () -> {
            System.err.flush();
            Runtime.getRuntime().halt(EXIT_POWER_LOSS);
        }, ACK_FLIGHT_MILLIS);
    }

    static Moment moment(String text) {
        try {
            return Moment.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown moment '" + text + "'; known: now, sync, ack, vote, overwrite");
        }
    }

    /** Cuts the power now; returns what the store lost. The caller halts ({@link #halt()}) after answering. */
    String loseNow(PowerCut cut, long seed) {
        String what = store.losePower(cut, new SplittableRandom(seed));
        log.warn("FAULT INJECTION: power lost: {}", what);
        return what;
    }

    void halt() {
        halt.run();
    }

    /** Arms a power loss at {@code moment} (any but {@link Moment#NOW}); replaces an armed one. */
    void arm(Moment moment, PowerCut cut, long seed) {
        disarm();
        log.warn("FAULT INJECTION: power loss armed at the next {} ({})", moment.name().toLowerCase(Locale.ROOT),
                cut.flag());
        if (moment == Moment.SYNC || moment == Moment.OVERWRITE) {
            store.armPowerLossInSync(cut, new SplittableRandom(seed), () -> {
                log.warn("FAULT INJECTION: power lost inside a sync{}", moment == Moment.OVERWRITE
                        ? " that replaces log entries" : "");
                halt.run();
            }, moment == Moment.OVERWRITE);
        } else if (moment == Moment.ACK || moment == Moment.VOTE) {
            ackSeed = seed;
            votesOnly = moment == Moment.VOTE;
            ackCut = cut;
        } else {
            throw new IllegalArgumentException("arm takes sync, overwrite, ack or vote, not " + moment);
        }
    }

    /** Whether a power loss is armed and has not happened yet (the endpoint answers before it arms). */
    boolean armed() {
        return ackCut != null || store.powerLossArmed();
    }

    /** Cancels an armed power loss; returns whether one was armed. */
    boolean disarm() {
        boolean armed = ackCut != null;
        ackCut = null;
        return store.disarmPowerLoss() || armed;
    }

    /** {@code transport}, watched for the acknowledgement an {@link Moment#ACK} power loss waits for. */
    Transport watch(Transport transport) {
        return message -> {
            transport.send(message);
            PowerCut cut = ackCut;
            if (cut != null && (votesOnly ? isGrant(message) : isAck(message))) {
                ackCut = null;
                sleepQuietly(ackFlightMillis); // on the node's loop thread: its next sync waits too
                String what = store.losePower(cut, new SplittableRandom(ackSeed));
                log.warn("FAULT INJECTION: power lost right after sending {}: {}", message, what);
                halt.run();
            }
        };
    }

    static boolean isAck(Message m) {
        return isGrant(m) || (m instanceof Message.AppendResponse a && a.success());
    }

    static boolean isGrant(Message m) {
        return m instanceof Message.VoteResponse v && v.granted() && !v.preVote();
    }

    private static void sleepQuietly(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
