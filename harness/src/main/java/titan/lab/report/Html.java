package titan.lab.report;

import java.util.Locale;

/**
 * Text for the report page. Every string from a run folder (test names, keys, values, errors,
 * configuration) is untrusted and goes through {@link #escape}.
 */
public final class Html {
    private Html() {}

    /** Escapes for element content and quoted attribute values; control characters become U+FFFD. */
    public static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c < 0x20 && c != '\n' && c != '\t' || c == 0x7f ? '\uFFFD' : c);
            }
        }
        return escaped.toString();
    }

    /** {@code text} cut to {@code charsMax} characters (with an ellipsis) and escaped. */
    static String show(String text, int charsMax) {
        if (text == null) {
            return "";
        }
        return escape(text.length() <= charsMax ? text : text.substring(0, Math.max(0, charsMax - 1)) + "…");
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** Milliseconds with about three significant digits: 0.042, 1.25, 37.4, 1,204. */
    static String millis(double ms) {
        if (ms >= 100) {
            return String.format(Locale.ROOT, "%,.0f", ms);
        }
        if (ms >= 10) {
            return String.format(Locale.ROOT, "%.1f", ms);
        }
        if (ms >= 1) {
            return String.format(Locale.ROOT, "%.2f", ms);
        }
        return String.format(Locale.ROOT, "%.3f", ms);
    }

    /** A duration for people: 850 ms, 12.3 s, 4 min 05 s. */
    static String duration(long millis) {
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long seconds = millis / 1000;
        return String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
    }

    /** A coordinate with one decimal, the precision a screen needs. */
    static String px(double value) {
        long tenths = Math.round(value * 10);
        return tenths % 10 == 0 ? Long.toString(tenths / 10) : (tenths / 10.0 + "");
    }
}
