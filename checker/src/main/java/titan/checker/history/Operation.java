package titan.checker.history;

/**
 * An invocation paired with its completion: the unit the linearizability search orders.
 * <p>Positions are indices into {@link History#events()}, so an operation's real-time interval is
 * {@code [callIndex, completionIndex]} in history order; times are carried for reports only
 * (Knossos histories may have none, and clocks of different clients may disagree).
 *
 * @param id              index in {@link History#operations()}
 * @param process         the client process id
 * @param f               the function
 * @param key             the key, or null
 * @param input           the value of the invoke event
 * @param output          the value of the completion event (null when there is none)
 * @param outcome         what the completion said
 * @param callIndex       event index of the invoke
 * @param completionIndex event index of the completion, or -1 when the history ends first
 * @param callTimeNanos   time of the invoke, or {@link Event#TIME_UNKNOWN}
 * @param completionTimeNanos time of the completion, or {@link Event#TIME_UNKNOWN}
 * @param node            the node the client talked to, or null
 * @param error           the completion's error, or null
 */
public record Operation(int id, int process, String f, String key, Object input, Object output, Outcome outcome,
                        int callIndex, int completionIndex, long callTimeNanos, long completionTimeNanos,
                        String node, String error) {

    /** What is known about an operation's effect. */
    public enum Outcome {
        /** It took effect between call and completion, with the result in {@code output}. */
        OK,
        /** It definitely did not take effect (Jepsen's {@code :fail}). */
        FAIL,
        /** An {@code info} completion or none at all: it may take effect at any time after the call, or never. */
        UNKNOWN
    }

    /**
     * The value a model should look at, as Knossos does when it folds a completion into its call: the
     * completion's value when the operation is OK and the completion carries one, else the call's.
     * For an OK read that is the value read (null: nothing there); for a write or cas, its argument.
     */
    public Object value() {
        return outcome == Outcome.OK && output != null ? output : input;
    }

    public boolean isOk() {
        return outcome == Outcome.OK;
    }

    public boolean isUnknown() {
        return outcome == Outcome.UNKNOWN;
    }

    /** A short human form, e.g. {@code p3 write k1 "7" ok}. */
    public String describe() {
        StringBuilder text = new StringBuilder().append('p').append(process).append(' ').append(f);
        if (key != null) {
            text.append(' ').append(key);
        }
        Object shown = value();
        if (shown != null || "read".equals(f)) {
            text.append(' ').append(ValueText.of(shown));
        }
        text.append(' ').append(outcome == Outcome.UNKNOWN ? "info" : outcome.name().toLowerCase(java.util.Locale.ROOT));
        return text.toString();
    }
}
