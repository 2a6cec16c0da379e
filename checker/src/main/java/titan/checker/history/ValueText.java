package titan.checker.history;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.math.BigInteger;
import titan.checker.edn.Keyword;
import titan.checker.edn.Tagged;

/**
 * Renders history values as EDN, which is also how people read them in explanations: strings
 * quoted, integers bare, nil as {@code nil}, vectors in brackets.
 */
public final class ValueText {
    private ValueText() {}

    public static String of(Object value) {
        StringBuilder text = new StringBuilder();
        append(text, value);
        return text.toString();
    }

    private static void append(StringBuilder text, Object value) {
        if (value == null) {
            text.append("nil");
        } else if (value instanceof String s) {
            text.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> text.append("\\\"");
                    case '\\' -> text.append("\\\\");
                    case '\n' -> text.append("\\n");
                    case '\t' -> text.append("\\t");
                    case '\r' -> text.append("\\r");
                    default -> text.append(c);
                }
            }
            text.append('"');
        } else if (value instanceof Character c) {
            text.append(switch (c) {
                case '\n' -> "\\newline";
                case ' ' -> "\\space";
                case '\t' -> "\\tab";
                case '\r' -> "\\return";
                default -> "\\" + c;
            });
        } else if (value instanceof Tagged tagged) {
            text.append('#').append(tagged.tag()).append(' ');
            append(text, tagged.value());
        } else if (value instanceof BigInteger big) {
            text.append(big).append(big.bitLength() < 64 ? "N" : "");
        } else if (value instanceof Keyword || value instanceof Number || value instanceof Boolean) {
            text.append(value);
        } else if (value instanceof Map<?, ?> map) {
            text.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!first) {
                    text.append(", ");
                }
                first = false;
                append(text, entry.getKey());
                text.append(' ');
                append(text, entry.getValue());
            }
            text.append('}');
        } else if (value instanceof Collection<?> items) {
            text.append(value instanceof java.util.Set<?> ? "#{" : "[");
            Iterator<?> it = items.iterator();
            while (it.hasNext()) {
                append(text, it.next());
                if (it.hasNext()) {
                    text.append(' ');
                }
            }
            text.append(value instanceof java.util.Set<?> ? "}" : "]");
        } else {
            text.append(value);
        }
    }
}
