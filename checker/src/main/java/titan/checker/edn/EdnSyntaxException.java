package titan.checker.edn;

/** Text that is not EDN (or uses a part of EDN this reader does not support), with the line where it happened. */
public final class EdnSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final String reason;

    public EdnSyntaxException(int line, String reason) {
        super("line " + line + ": " + reason);
        this.line = line;
        this.reason = reason;
    }

    /** The 1-based line. */
    public int line() {
        return line;
    }

    public String reason() {
        return reason;
    }
}
