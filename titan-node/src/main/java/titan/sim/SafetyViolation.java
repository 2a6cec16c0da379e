package titan.sim;

/** A broken Raft safety property, found by the {@link SafetyMonitor}. It stops the run. */
public final class SafetyViolation extends RuntimeException {
    private final String kind;

    public SafetyViolation(String kind, String message) {
        super(kind + ": " + message, null, false, false);
        this.kind = kind;
    }

    /** A short stable name of the property, e.g. {@code leader-completeness}. */
    public String kind() {
        return kind;
    }
}
