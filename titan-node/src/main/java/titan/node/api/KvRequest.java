package titan.node.api;

import titan.node.kv.KvCommand;

/**
 * One client request as the node sees it, whichever protocol carried it. Both client APIs (HTTP/JSON
 * and binary TCP) decode into this type and differ only in encoding.
 */
public sealed interface KvRequest {
    /** A write (put, delete, cas, append) with its client session; applied at most once per session sequence. */
    record Write(KvCommand command) implements KvRequest {}

    /**
     * A read of {@code key}. Linearizable (ReadIndex, dissertation §6.4) unless {@code stale}: a stale
     * read answers from this node's state machine at once and is NOT linearizable (it may miss
     * acknowledged writes, and a follower may be arbitrarily far behind).
     */
    record Read(String key, boolean stale) implements KvRequest {}
}
