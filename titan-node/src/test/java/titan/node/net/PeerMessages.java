package titan.node.net;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import titan.raft.Entry;
import titan.raft.EntryType;
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
import titan.raft.SnapshotMeta;

/** Example messages of every type, and jqwik generators of arbitrary valid ones. */
final class PeerMessages {
    private PeerMessages() {}

    /** One message of each type from {@code from} to {@code to}, with non-trivial fields. */
    static List<Message> everyType(NodeId from, NodeId to) {
        Membership members = new Membership(new TreeSet<>(List.of(NodeId.of(1), NodeId.of(2), NodeId.of(3))),
                new TreeSet<>(List.of(NodeId.of(4))));
        return List.of(
                new VoteRequest(from, to, 7, 41, 6, true, false),
                new VoteRequest(from, to, 8, 41, 6, false, true),
                new VoteResponse(from, to, 7, true, true),
                new AppendRequest(from, to, 7, 40, 6, List.of(Entry.command(7, 41, new byte[] {1, 2, 3}),
                        Entry.noop(7, 42), new Entry(7, 43, EntryType.MEMBERSHIP, members.encode())), 39),
                new AppendRequest(from, to, 7, 43, 7, List.of(), 43),
                AppendResponse.accept(from, to, 7, 43),
                AppendResponse.reject(from, to, 7, 40, 12, 3),
                new HeartbeatRequest(from, to, 7, 43, 99),
                new HeartbeatResponse(from, to, 7, 99),
                new InstallSnapshotRequest(from, to, 7, new SnapshotMeta(1000, 6, members), 65536, new byte[] {9, 8},
                        true),
                new InstallSnapshotResponse(from, to, 7, 1000, 65538, true),
                new TimeoutNow(from, to, 7));
    }

    static Arbitrary<Message> any() {
        return Arbitraries.oneOf(votes(), appends(), appendResponses(), heartbeats(), snapshots(), timeouts());
    }

    static Arbitrary<NodeId> nodeIds() {
        return Arbitraries.oneOf(Arbitraries.integers().between(1, 7), Arbitraries.integers().greaterOrEqual(1))
                .map(NodeId::of);
    }

    private static Arbitrary<Long> terms() {
        return Arbitraries.longs().greaterOrEqual(0);
    }

    private static Arbitrary<Message> votes() {
        Arbitrary<Boolean> b = Arbitraries.of(true, false);
        Arbitrary<Message> request = Combinators.combine(nodeIds(), nodeIds(), terms(), Arbitraries.longs(),
                Arbitraries.longs(), b, b).as(VoteRequest::new);
        Arbitrary<Message> response = Combinators.combine(nodeIds(), nodeIds(), terms(), b, b).as(VoteResponse::new);
        return Arbitraries.oneOf(request, response);
    }

    private static Arbitrary<Message> appends() {
        Arbitrary<byte[]> data = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
        Arbitrary<Entry> entryShapes = Combinators.combine(Arbitraries.longs().between(1, Long.MAX_VALUE),
                Arbitraries.of(EntryType.class), data).as((term, type, bytes) -> new Entry(term, 1, type, bytes));
        return Combinators.combine(nodeIds(), nodeIds(), terms(), Arbitraries.longs().between(0, Long.MAX_VALUE - 10),
                terms(), entryShapes.list().ofMaxSize(6), Arbitraries.longs()).as(
                        (from, to, term, prev, prevTerm, shapes, commit) -> {
                            List<Entry> entries = new ArrayList<>();
                            for (Entry e : shapes) {
                                entries.add(new Entry(e.term(), prev + 1 + entries.size(), e.type(), e.data()));
                            }
                            return new AppendRequest(from, to, term, prev, prevTerm, entries, commit);
                        });
    }

    private static Arbitrary<Message> appendResponses() {
        return Combinators.combine(nodeIds(), nodeIds(), terms(), Arbitraries.of(true, false), Arbitraries.longs(),
                Arbitraries.longs(), Arbitraries.longs(), Arbitraries.longs()).as(AppendResponse::new);
    }

    private static Arbitrary<Message> heartbeats() {
        Arbitrary<Message> request = Combinators.combine(nodeIds(), nodeIds(), terms(), Arbitraries.longs(),
                Arbitraries.longs()).as(HeartbeatRequest::new);
        Arbitrary<Message> response = Combinators.combine(nodeIds(), nodeIds(), terms(), Arbitraries.longs())
                .as(HeartbeatResponse::new);
        return Arbitraries.oneOf(request, response);
    }

    private static Arbitrary<Message> snapshots() {
        Arbitrary<Membership> memberships = nodeIds().set().ofMaxSize(6).flatMap(all -> Arbitraries.integers()
                .between(0, all.size()).map(voterCount -> {
                    TreeSet<NodeId> voters = new TreeSet<>();
                    TreeSet<NodeId> learners = new TreeSet<>();
                    for (NodeId id : all) {
                        (voters.size() < voterCount ? voters : learners).add(id);
                    }
                    return new Membership(voters, learners);
                }));
        Arbitrary<SnapshotMeta> metas = Combinators.combine(Arbitraries.longs().between(1, Long.MAX_VALUE),
                Arbitraries.longs().between(1, Long.MAX_VALUE), memberships, Arbitraries.of(true, false))
                .as((index, term, members, empty) -> empty ? new SnapshotMeta(0, 0, members)
                        : new SnapshotMeta(index, term, members));
        Arbitrary<Message> request = Combinators.combine(nodeIds(), nodeIds(), terms(), metas,
                Arbitraries.longs().greaterOrEqual(0), Arbitraries.bytes().array(byte[].class).ofMaxSize(64),
                Arbitraries.of(true, false)).as(InstallSnapshotRequest::new);
        Arbitrary<Message> response = Combinators.combine(nodeIds(), nodeIds(), terms(), Arbitraries.longs(),
                Arbitraries.longs(), Arbitraries.of(true, false)).as(InstallSnapshotResponse::new);
        return Arbitraries.oneOf(request, response);
    }

    private static Arbitrary<Message> timeouts() {
        return Combinators.combine(nodeIds(), nodeIds(), terms()).as(TimeoutNow::new);
    }
}
