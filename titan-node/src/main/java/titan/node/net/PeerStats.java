package titan.node.net;

/**
 * A snapshot of the traffic with one peer, for metrics. Counters only grow.
 *
 * @param connected        the outbound connection has completed its handshake
 * @param messagesSent     messages written to the outbound connection
 * @param bytesSent        frame bytes of those messages
 * @param flushes          flushes of the outbound connection; messagesSent / flushes is the
 *                         batching achieved (messages per write)
 * @param messagesDropped  messages dropped: queue full, not connected, or too large to send
 * @param reconnects       connection attempts after the first
 * @param messagesReceived messages delivered from this peer's inbound connections
 * @param queuedMessages   messages waiting to be written now
 */
public record PeerStats(boolean connected, long messagesSent, long bytesSent, long flushes, long messagesDropped, long reconnects,
                        long messagesReceived, int queuedMessages) {}
