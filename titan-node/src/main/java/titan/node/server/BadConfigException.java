package titan.node.server;

/** A flag, a port or a data directory the node cannot start with; the message is one line for a person. */
public final class BadConfigException extends RuntimeException {
    public BadConfigException(String message) {
        super(message);
    }
}
