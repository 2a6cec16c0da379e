package titan.lab.runtime;

/** A runtime could not do what it was asked (a node would not start, a signal failed, ...). */
public final class RuntimeFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RuntimeFailure(String message) {
        super(message);
    }

    public RuntimeFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
