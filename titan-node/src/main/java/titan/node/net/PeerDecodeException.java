package titan.node.net;

import io.netty.handler.codec.DecoderException;

/**
 * Bytes from a peer that are not a valid frame of the peer protocol. The only exception the
 * decoder throws on hostile or corrupt input; the connection that carried it can no longer be
 * trusted and is closed, never the node.
 */
public final class PeerDecodeException extends DecoderException {
    private static final long serialVersionUID = 1L;

    /** What was wrong, for tests and counters. */
    public enum Reason {
        BAD_MAGIC, UNSUPPORTED_VERSION, OVERSIZED, TRUNCATED, UNKNOWN_TYPE, MALFORMED, TRAILING_BYTES
    }

    private final Reason reason;

    public PeerDecodeException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
