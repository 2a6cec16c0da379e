package titan.checker.report;

import java.util.Locale;

/**
 * Text for an HTML page. Every string that comes from a history (values, keys, function names,
 * the file name, error messages, model states) is untrusted and goes through {@link #escape}.
 */
final class HtmlText {
    private HtmlText() {}

    /**
     * Escapes {@code text} for element content and quoted attribute values alike. Control
     * characters other than newline and tab become U+FFFD: they are not allowed in HTML and a
     * history must not be able to break the page with them.
     */
    static String escape(String text) {
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

    /**
     * {@code text} cut to at most {@code charsMax} characters, with an ellipsis when cut. Values in
     * histories can be arbitrarily large; a report must stay small whatever it shows.
     */
    static String shorten(String text, int charsMax) {
        if (text.length() <= charsMax) {
            return text;
        }
        int end = charsMax - 1;
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // do not split a surrogate pair
        }
        return text.substring(0, Math.max(0, end)) + "…";
    }

    /** Escaped and shortened: the usual way a history string enters the page. */
    static String show(String text, int charsMax) {
        return escape(shorten(text, charsMax));
    }

    /** An integer with thousands separators, e.g. {@code 100,000}. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** Nanoseconds as milliseconds with one decimal, e.g. {@code 12.3 ms}. */
    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%,.1f ms", nanos / 1e6);
    }
}
