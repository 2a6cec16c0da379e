package titan.raft;

/**
 * Fail-fast checks of conditions that can only be false because of a bug. They throw
 * {@link IllegalStateException}, are never caught, and run everywhere: in tests, in the simulator
 * and in production (docs/architecture.md).
 */
public final class Invariants {
    private Invariants() {}

    public static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException("invariant violated: " + message);
        }
    }

    public static void check(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new IllegalStateException("invariant violated: " + String.format(format, args));
        }
    }
}
