package titan.client;

import titan.node.kv.KvCommand;

/** One client operation, before a connection gives it a session. */
record Request(Kind kind, String key, byte[] value, byte[] expected, boolean stale) {
    enum Kind { GET, PUT, DELETE, CAS, APPEND }

    boolean isRead() {
        return kind == Kind.GET;
    }

    /** The command for a write in session {@code clientId} at {@code sequence}. */
    KvCommand command(long clientId, long sequence) {
        return switch (kind) {
            case PUT -> new KvCommand.Put(clientId, sequence, key, value);
            case DELETE -> new KvCommand.Delete(clientId, sequence, key);
            case CAS -> new KvCommand.Cas(clientId, sequence, key, expected, value);
            case APPEND -> new KvCommand.Append(clientId, sequence, key, value);
            case GET -> throw new IllegalStateException("a read has no command");
        };
    }
}
