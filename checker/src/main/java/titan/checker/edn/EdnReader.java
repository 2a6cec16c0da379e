package titan.checker.edn;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small, strict reader for the EDN that Jepsen and Knossos write: nil, booleans, integers
 * (arbitrary size), floats, strings, characters, keywords, symbols, lists, vectors, maps, sets,
 * {@code ;} comments, {@code #_} discards and tagged elements. Commas are whitespace.
 * <p>Values come back as plain Java: {@code null}, {@code Boolean}, {@code Long} (or
 * {@code BigInteger} when too large), {@code Double}/{@code BigDecimal}, {@code String},
 * {@code Character}, {@link Keyword}, {@link Symbol}, unmodifiable {@code List} for both lists and
 * vectors, {@code Map} and {@code Set} in reading order, and {@link Tagged}. Anything else (an
 * unbalanced bracket, a duplicate map key, a bad escape) is an {@link EdnSyntaxException} with the
 * line. Not thread-safe.
 */
public final class EdnReader {
    private static final int DEPTH_MAX = 256;

    private final String text;
    private int position;
    private int line = 1;
    private int depth;

    public EdnReader(String text) {
        this.text = text;
    }

    /** Skips whitespace, commas, comments and {@code #_} discards; returns false at the end of the input. */
    public boolean skipToForm() throws EdnSyntaxException {
        while (position < text.length()) {
            char c = text.charAt(position);
            if (c == '\n') {
                line++;
                position++;
            } else if (Character.isWhitespace(c) || c == ',') {
                position++;
            } else if (c == ';') {
                while (position < text.length() && text.charAt(position) != '\n') {
                    position++;
                }
            } else if (c == '#' && position + 1 < text.length() && text.charAt(position + 1) == '_') {
                position += 2;
                if (!skipToForm()) {
                    throw new EdnSyntaxException(line, "#_ discards nothing at the end of the input");
                }
                readForm();
            } else {
                return true;
            }
        }
        return false;
    }

    /** The next character after {@link #skipToForm()}, without consuming it. */
    public char peek() {
        return text.charAt(position);
    }

    /** Consumes one character known from {@link #peek()}. */
    public void consume() {
        position++;
    }

    /** The current 1-based line. */
    public int line() {
        return line;
    }

    /** Reads one form; the caller must have checked with {@link #skipToForm()} that there is one. */
    public Object readForm() throws EdnSyntaxException {
        if (!skipToForm()) {
            throw new EdnSyntaxException(line, "unexpected end of input");
        }
        char c = text.charAt(position);
        switch (c) {
            case '"':
                return readString();
            case '[':
                position++;
                return Collections.unmodifiableList(readUntil(']'));
            case '(':
                position++;
                return Collections.unmodifiableList(readUntil(')'));
            case '{':
                position++;
                return readMap();
            case '#':
                return readDispatch();
            case '\\':
                return readCharacter();
            case ']':
            case ')':
            case '}':
                throw new EdnSyntaxException(line, "unmatched '" + c + "'");
            default:
                return readAtom();
        }
    }

    private List<Object> readUntil(char close) throws EdnSyntaxException {
        int openLine = line;
        if (++depth > DEPTH_MAX) {
            throw new EdnSyntaxException(line, "nesting deeper than " + DEPTH_MAX);
        }
        List<Object> items = new ArrayList<>();
        while (true) {
            if (!skipToForm()) {
                throw new EdnSyntaxException(line, "missing '" + close + "' for the one opened on line " + openLine);
            }
            char c = text.charAt(position);
            if (c == close) {
                position++;
                depth--;
                return items;
            }
            items.add(readForm());
        }
    }

    private Map<Object, Object> readMap() throws EdnSyntaxException {
        int openLine = line;
        List<Object> items = readUntil('}');
        if (items.size() % 2 != 0) {
            throw new EdnSyntaxException(openLine, "map has a key without a value");
        }
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i += 2) {
            if (map.containsKey(items.get(i))) {
                throw new EdnSyntaxException(openLine, "duplicate map key " + items.get(i));
            }
            map.put(items.get(i), items.get(i + 1));
        }
        return Collections.unmodifiableMap(map);
    }

    private Object readDispatch() throws EdnSyntaxException {
        int startLine = line;
        position++;
        if (position >= text.length()) {
            throw new EdnSyntaxException(line, "lone '#' at the end of the input");
        }
        if (text.charAt(position) == '{') {
            position++;
            List<Object> items = readUntil('}');
            Set<Object> set = new LinkedHashSet<>();
            for (Object item : items) {
                if (!set.add(item)) {
                    throw new EdnSyntaxException(startLine, "duplicate set element " + item);
                }
            }
            return Collections.unmodifiableSet(set);
        }
        String tag = readToken();
        if (tag.isEmpty() || !Character.isLetter(tag.charAt(0))) {
            throw new EdnSyntaxException(startLine, "unsupported dispatch '#" + tag + "'");
        }
        return new Tagged(tag, readForm());
    }

    private Character readCharacter() throws EdnSyntaxException {
        position++;
        String token = readToken();
        if (token.isEmpty() && position < text.length()) {
            return text.charAt(position++);
        }
        return switch (token) {
            case "newline" -> '\n';
            case "space" -> ' ';
            case "tab" -> '\t';
            case "return" -> '\r';
            case "formfeed" -> '\f';
            case "backspace" -> '\b';
            default -> {
                if (token.length() == 1) {
                    yield token.charAt(0);
                }
                if (token.length() == 5 && token.charAt(0) == 'u') {
                    yield (char) parseHex(token.substring(1));
                }
                throw new EdnSyntaxException(line, "unknown character literal \\" + token);
            }
        };
    }

    private String readString() throws EdnSyntaxException {
        int startLine = line;
        position++;
        StringBuilder value = new StringBuilder();
        while (true) {
            if (position >= text.length()) {
                throw new EdnSyntaxException(startLine, "string not closed");
            }
            char c = text.charAt(position++);
            if (c == '"') {
                return value.toString();
            }
            if (c == '\n') {
                line++;
            }
            if (c != '\\') {
                value.append(c);
                continue;
            }
            if (position >= text.length()) {
                throw new EdnSyntaxException(startLine, "string not closed");
            }
            char escaped = text.charAt(position++);
            switch (escaped) {
                case '"' -> value.append('"');
                case '\\' -> value.append('\\');
                case 'n' -> value.append('\n');
                case 't' -> value.append('\t');
                case 'r' -> value.append('\r');
                case 'b' -> value.append('\b');
                case 'f' -> value.append('\f');
                case 'u' -> {
                    if (position + 4 > text.length()) {
                        throw new EdnSyntaxException(line, "short \\u escape");
                    }
                    value.append((char) parseHex(text.substring(position, position + 4)));
                    position += 4;
                }
                default -> throw new EdnSyntaxException(line, "unknown string escape \\" + escaped);
            }
        }
    }

    private int parseHex(String digits) throws EdnSyntaxException {
        try {
            return Integer.parseInt(digits, 16);
        } catch (NumberFormatException e) {
            throw new EdnSyntaxException(line, "bad unicode escape " + digits);
        }
    }

    private Object readAtom() throws EdnSyntaxException {
        String token = readToken();
        if (token.isEmpty()) {
            throw new EdnSyntaxException(line, "unexpected character '" + text.charAt(position) + "'");
        }
        char first = token.charAt(0);
        if (first == ':') {
            if (token.length() == 1 || token.charAt(1) == ':') {
                throw new EdnSyntaxException(line, "bad keyword '" + token + "'");
            }
            return new Keyword(token.substring(1));
        }
        if (Character.isDigit(first) || ((first == '-' || first == '+') && token.length() > 1
                && Character.isDigit(token.charAt(1)))) {
            return parseNumber(token);
        }
        return switch (token) {
            case "nil" -> null;
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> new Symbol(token);
        };
    }

    private Object parseNumber(String token) throws EdnSyntaxException {
        try {
            if (token.endsWith("N")) {
                return new BigInteger(token.substring(0, token.length() - 1));
            }
            if (token.endsWith("M")) {
                return new BigDecimal(token.substring(0, token.length() - 1));
            }
            if (token.indexOf('.') >= 0 || token.indexOf('e') >= 0 || token.indexOf('E') >= 0) {
                return Double.parseDouble(token);
            }
            BigInteger value = new BigInteger(token.startsWith("+") ? token.substring(1) : token);
            return value.bitLength() < 64 ? (Object) value.longValue() : value;
        } catch (NumberFormatException e) {
            throw new EdnSyntaxException(line, "bad number '" + token + "'");
        }
    }

    private String readToken() {
        int start = position;
        while (position < text.length() && isTokenChar(text.charAt(position))) {
            position++;
        }
        return text.substring(start, position);
    }

    private static boolean isTokenChar(char c) {
        return Character.isLetterOrDigit(c) || ".*+!-_?$%&=<>/:'#".indexOf(c) >= 0;
    }
}
