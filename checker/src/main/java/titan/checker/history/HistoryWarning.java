package titan.checker.history;

/**
 * Something in a history that is readable but suspicious: a duplicate field or {@code :index}, a
 * time that goes backward, a process reused after {@code info}, an empty history. A checker reports
 * it and goes on; {@code titan-lab check --strict} refuses the file instead.
 *
 * @param source the file name or another label of the input
 * @param line   the 1-based line, or 0 when there is none to point at
 * @param reason what looks wrong, in words
 */
public record HistoryWarning(String source, int line, String reason) {
    @Override
    public String toString() {
        return source + (line > 0 ? ":" + line : "") + ": " + reason;
    }
}
