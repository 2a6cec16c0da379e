package titan.checker.history;

import java.util.Objects;

/**
 * One line of a history: a call or a completion, or a nemesis note.
 *
 * @param process   the logical client, or {@link Process#NEMESIS}
 * @param type      invoke, ok, fail or info
 * @param f         the function, e.g. {@code read}, {@code write}, {@code cas}, {@code append}
 * @param key       the key for multi-key workloads, or null
 * @param value     the argument (in an invoke) or the result (in an ok): null, a {@code String},
 *                  a {@code Long}, a {@link titan.checker.edn.Keyword}, a {@code List} (a cas is
 *                  {@code [expected, new]}), a {@code Map} or a {@code Set}. Integers and strings
 *                  stay distinct: {@code 3L} is not {@code "3"}.
 * @param timeNanos nanoseconds since the start of the test, or {@link #TIME_UNKNOWN}
 * @param node      the node the client talked to, or null
 * @param error     an error description for fail/info completions, or null
 */
public record Event(Process process, EventType type, String f, String key, Object value, long timeNanos,
                    String node, String error) {
    /** Knossos histories often carry no time at all. */
    public static final long TIME_UNKNOWN = -1;

    public Event {
        Objects.requireNonNull(process, "process");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(f, "f");
    }

    public static Event invoke(int process, String f, String key, Object value, long timeNanos) {
        return new Event(Process.client(process), EventType.INVOKE, f, key, value, timeNanos, null, null);
    }

    public static Event complete(int process, EventType type, String f, String key, Object value, long timeNanos) {
        return new Event(Process.client(process), type, f, key, value, timeNanos, null, null);
    }

    public boolean isNemesis() {
        return process instanceof Process.Nemesis;
    }
}
