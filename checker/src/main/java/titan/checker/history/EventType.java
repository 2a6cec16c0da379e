package titan.checker.history;

import java.util.Locale;
import java.util.Optional;

/** The kind of a history event, with Jepsen's meaning. */
public enum EventType {
    /** A client called an operation. */
    INVOKE,
    /** The operation took effect, and its result is known. */
    OK,
    /** The operation definitely did not take effect. */
    FAIL,
    /** The outcome is unknown: the operation may take effect at any time after its call, or never. */
    INFO;

    /** The lower-case name used in both JSON Lines and EDN ({@code :ok}). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name, or returns empty for an unknown one. */
    public static Optional<EventType> fromWireName(String name) {
        for (EventType type : values()) {
            if (type.wireName().equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
