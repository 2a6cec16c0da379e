package titan.sim;

import java.util.List;

/**
 * One line of a history in the native JSON Lines format (docs/history-format.md): an invocation or completion
 * of a client operation, or a nemesis event.
 *
 * @param process the logical client process, or {@link #NEMESIS} for fault events
 * @param type    {@code invoke}, {@code ok}, {@code fail} or {@code info}
 * @param value   {@code null}, a string, or for {@code cas} a two-element list [expected, new]
 * @param timeNanos nanoseconds since the start of the test
 * @param node    the node the operation went to last, or {@code null}
 * @param error   why it failed or is indeterminate, or {@code null}
 */
public record HistoryEvent(long process, String type, String f, String key, Object value, long timeNanos,
                           String node, String error) {
    public static final long NEMESIS = -1;

    /** This event as one JSON object on one line. */
    public String toJson() {
        StringBuilder b = new StringBuilder(96);
        b.append("{\"process\":");
        if (process == NEMESIS) {
            b.append("\"nemesis\"");
        } else {
            b.append(process);
        }
        b.append(",\"type\":");
        string(b, type);
        b.append(",\"f\":");
        string(b, f);
        if (key != null) {
            b.append(",\"key\":");
            string(b, key);
        }
        b.append(",\"value\":");
        value(b, value);
        b.append(",\"time\":").append(timeNanos);
        if (node != null) {
            b.append(",\"node\":");
            string(b, node);
        }
        if (error != null) {
            b.append(",\"error\":");
            string(b, error);
        }
        return b.append('}').toString();
    }

    private static void value(StringBuilder b, Object v) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof List<?> list) {
            b.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                value(b, list.get(i));
            }
            b.append(']');
        } else {
            string(b, v.toString());
        }
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
