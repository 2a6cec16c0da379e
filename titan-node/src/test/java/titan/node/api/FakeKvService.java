package titan.node.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

import titan.node.ClientOutcome;
import titan.node.kv.KvConfig;
import titan.node.kv.KvStateMachine;
import titan.raft.NodeId;

/**
 * A {@link KvService} for API and client tests: it records every request and either holds it (the
 * test answers it later, in any order) or answers at once through a responder, e.g. a real
 * {@link KvStateMachine} playing a one-node leader.
 */
public final class FakeKvService implements KvService {
    /** One submitted request and its reply callback. */
    public record Submitted(KvRequest request, Consumer<ClientOutcome> reply) {}

    public final List<Submitted> submitted = Collections.synchronizedList(new ArrayList<>());
    private volatile Function<KvRequest, ClientOutcome> responder;
    private volatile NodeStatus status;

    public FakeKvService(String id) {
        status = status(id, "leader", id, null, null);
    }

    public static NodeStatus status(String id, String role, String leader, String leaderHttp, String leaderTcp) {
        return new NodeStatus(id, "c1", role, 3, leader, leaderHttp, leaderTcp, 10, 10, 10, 0, List.of("n1", "n2", "n3"),
                List.of());
    }

    /** Answers every request at once with {@code responder} (null: hold every request). */
    public FakeKvService respond(Function<KvRequest, ClientOutcome> responder) {
        this.responder = responder;
        return this;
    }

    /** Answers like a one-node leader over a real state machine. */
    public FakeKvService asLeader() {
        KvStateMachine kv = new KvStateMachine(KvConfig.DEFAULT);
        long[] index = {0};
        return respond(request -> {
            synchronized (kv) {
                if (request instanceof KvRequest.Read read) {
                    return new ClientOutcome.Read(kv.get(read.key()).orElse(null));
                }
                KvRequest.Write write = (KvRequest.Write) request;
                long i = ++index[0];
                return new ClientOutcome.Applied(kv.apply(i, kv.codec().encode(write.command())), i, 3);
            }
        });
    }

    /** Answers every request "not leader", naming {@code leader} (null: none known). */
    public FakeKvService asFollowerOf(String leader) {
        return respond(request -> new ClientOutcome.NotLeader(leader == null ? null : NodeId.parse(leader)));
    }

    public FakeKvService withStatus(NodeStatus status) {
        this.status = status;
        return this;
    }

    public Submitted take(int i) {
        return submitted.get(i);
    }

    @Override
    public void submit(KvRequest request, Consumer<ClientOutcome> reply) {
        submitted.add(new Submitted(request, reply));
        Function<KvRequest, ClientOutcome> r = responder;
        if (r != null) {
            ClientOutcome outcome = r.apply(request);
            if (outcome != null) {
                reply.accept(outcome);
            }
        }
    }

    @Override
    public NodeStatus status() {
        return status;
    }
}
