package titan.sim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.Supplier;

import titan.raft.Entry;
import titan.raft.Membership;
import titan.raft.Message;
import titan.raft.Message.AppendRequest;
import titan.raft.Message.AppendResponse;
import titan.raft.Message.HeartbeatRequest;
import titan.raft.Message.HeartbeatResponse;
import titan.raft.Message.InstallSnapshotRequest;
import titan.raft.Message.InstallSnapshotResponse;
import titan.raft.Message.TimeoutNow;
import titan.raft.Message.VoteRequest;
import titan.raft.Message.VoteResponse;
import titan.raft.NodeId;

/**
 * What happened in a simulation, line by line. Off in swarms (building the text would cost more
 * than the run); a failing seed is replayed with the trace on, which the determinism makes exact.
 */
public final class Trace {
    /** One line: simulated time, the node it concerns ({@code null} for the lab), the text. */
    public record Line(long timeMicros, NodeId node, String kind, String text) {
        @Override
        public String toString() {
            return String.format("%10.3f ms  %-4s %s", timeMicros / 1000.0, node == null ? "lab" : node, text);
        }
    }

    static final Trace OFF = new Trace(false, false);

    private final boolean enabled;
    private final boolean messages;
    /** Renders a command entry's payload; the simulator decodes key-value commands with it. */
    private java.util.function.Function<byte[], String> commandText = Trace::printable;
    private final List<Line> lines = new ArrayList<>();

    private Trace(boolean enabled, boolean messages) {
        this.enabled = enabled;
        this.messages = messages;
    }

    /** A trace that records state changes, faults and client operations, and optionally every message. */
    static Trace on(boolean withMessages) {
        return new Trace(true, withMessages);
    }

    boolean enabled() {
        return enabled;
    }

    void renderCommandsWith(java.util.function.Function<byte[], String> render) {
        this.commandText = render;
    }

    /** A message, with command payloads rendered by this trace's renderer. */
    String text(Message m) {
        return describe(m, commandText);
    }

    /** Records a message-level line (sends, drops, deliveries) if message tracing is on. */
    void log(long timeMicros, NodeId node, Supplier<String> text) {
        if (enabled && messages) {
            lines.add(new Line(timeMicros, node, "message", text.get()));
        }
    }

    /** Records an event line (roles, commits, faults, crashes, client operations). */
    void event(long timeMicros, NodeId node, String kind, Supplier<String> text) {
        if (enabled) {
            lines.add(new Line(timeMicros, node, kind, text.get()));
        }
    }

    public List<Line> lines() {
        return lines;
    }

    /** A compact one-line rendering of a Raft message. */
    public static String describe(Message m) {
        return describe(m, Trace::printable);
    }

    private static String describe(Message m, java.util.function.Function<byte[], String> commandText) {
        String head = m.from() + "->" + m.to() + " ";
        if (m instanceof VoteRequest r) {
            return head + (r.preVote() ? "PreVoteRequest" : "VoteRequest") + " term=" + r.term() + " last="
                    + r.lastLogIndex() + "@" + r.lastLogTerm() + (r.leadershipTransfer() ? " transfer" : "");
        }
        if (m instanceof VoteResponse r) {
            return head + (r.preVote() ? "PreVoteResponse" : "VoteResponse") + " term=" + r.term()
                    + (r.granted() ? " granted" : " rejected");
        }
        if (m instanceof AppendRequest a) {
            StringJoiner entries = new StringJoiner(" ", "[", "]");
            a.entries().forEach(e -> entries.add(describe(e, commandText)));
            return head + "AppendRequest term=" + a.term() + " prev=" + a.prevLogIndex() + "@" + a.prevLogTerm()
                    + " commit=" + a.leaderCommit() + " " + entries;
        }
        if (m instanceof AppendResponse r) {
            return head + "AppendResponse term=" + r.term() + (r.success() ? " match=" + r.matchIndex()
                    : " rejected=" + r.rejectedIndex() + " hint=" + r.hintIndex() + "@" + r.hintTerm());
        }
        if (m instanceof HeartbeatRequest h) {
            return head + "HeartbeatRequest term=" + h.term() + " commit=" + h.commitIndex() + " round=" + h.readRound();
        }
        if (m instanceof HeartbeatResponse h) {
            return head + "HeartbeatResponse term=" + h.term() + " round=" + h.readRound();
        }
        if (m instanceof InstallSnapshotRequest s) {
            return head + "InstallSnapshotRequest term=" + s.term() + " snapshot=" + s.meta().index() + "@"
                    + s.meta().term() + " offset=" + s.offset() + " bytes=" + s.chunk().length + (s.done() ? " done" : "");
        }
        if (m instanceof InstallSnapshotResponse s) {
            return head + "InstallSnapshotResponse term=" + s.term() + " snapshot=" + s.snapshotIndex()
                    + (s.installed() ? " installed" : " next=" + s.nextOffset());
        }
        TimeoutNow t = (TimeoutNow) m;
        return head + "TimeoutNow term=" + t.term();
    }

    /** {@code index@term:payload}, with commands shown as text when printable. */
    public static String describe(Entry e) {
        return describe(e, Trace::printable);
    }

    private static String describe(Entry e, java.util.function.Function<byte[], String> commandText) {
        String payload = switch (e.type()) {
            case NOOP -> "noop";
            case COMMAND -> commandText.apply(e.data());
            case MEMBERSHIP -> "{" + Membership.decode(e.data()) + "}";
        };
        return e.index() + "@" + e.term() + ":" + payload;
    }

    private static String printable(byte[] data) {
        for (byte b : data) {
            if (b < 0x20 || b > 0x7e) {
                return data.length + "B";
            }
        }
        return new String(data, StandardCharsets.US_ASCII);
    }
}
