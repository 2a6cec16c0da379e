package titan.checker.history;

/**
 * A history that cannot be read or makes no sense: malformed text, an unknown event type, a
 * completion without a call, a process that calls twice. The message is {@code source:line: reason}
 * so a person can open the file at the right place.
 */
public final class HistoryFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final String reason;

    /**
     * @param source the file name or another label of the input
     * @param line   the 1-based line, or 0 when there is no line to point at
     * @param reason what is wrong, in words
     */
    public HistoryFormatException(String source, int line, String reason) {
        super(source + (line > 0 ? ":" + line : "") + ": " + reason);
        this.source = source;
        this.line = line;
        this.reason = reason;
    }

    public String source() {
        return source;
    }

    public int line() {
        return line;
    }

    public String reason() {
        return reason;
    }
}
