package titan.checker.history;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import titan.checker.edn.EdnReader;
import titan.checker.edn.EdnSyntaxException;
import titan.checker.edn.Keyword;
import titan.checker.edn.Symbol;
import titan.checker.edn.Tagged;

/**
 * Jepsen's EDN histories: either one op map per line (what Jepsen writes to {@code history.edn}) or
 * one vector or list of op maps (what Knossos keeps in its test data), with {@code ;} comments.
 * <pre>
 * {:process 0, :type :invoke, :f :cas, :value [1 2], :time 1200}
 * {:process :nemesis, :type :info, :f :start, :value "n1 | n2 n3"}
 * </pre>
 * Keys this lab knows are {@code :process :type :f :key :value :time :node :error}; others (such as
 * {@code :index}) are ignored. Ints stay {@code Long}, strings {@code String}, keywords
 * {@link Keyword}: they never compare equal to each other.
 */
public final class EdnFormat {
    private static final Keyword PROCESS = Keyword.of("process");
    private static final Keyword TYPE = Keyword.of("type");
    private static final Keyword F = Keyword.of("f");
    private static final Keyword KEY = Keyword.of("key");
    private static final Keyword VALUE = Keyword.of("value");
    private static final Keyword TIME = Keyword.of("time");
    private static final Keyword NODE = Keyword.of("node");
    private static final Keyword ERROR = Keyword.of("error");
    private static final Keyword NEMESIS = Keyword.of("nemesis");
    private static final Keyword INDEX = Keyword.of("index");

    private EdnFormat() {}

    /** Reads a whole EDN history from {@code text}; {@code source} names it in messages. */
    public static History read(String source, String text) throws HistoryFormatException {
        List<Event> events = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        List<Long> indices = new ArrayList<>();
        EdnReader reader = new EdnReader(text.startsWith("\uFEFF") ? text.substring(1) : text);
        try {
            if (!reader.skipToForm()) {
                return History.of(source, List.of(), new int[0]);
            }
            char first = reader.peek();
            if (first == '[' || first == '(') {
                char close = first == '[' ? ']' : ')';
                int openLine = reader.line();
                reader.consume();
                while (true) {
                    if (!reader.skipToForm()) {
                        throw new HistoryFormatException(source, openLine, "the history's '" + first + "' is never closed");
                    }
                    if (reader.peek() == close) {
                        reader.consume();
                        break;
                    }
                    readOne(source, reader, events, lines, indices);
                }
                if (reader.skipToForm()) {
                    throw new HistoryFormatException(source, reader.line(), "text after the end of the history");
                }
            } else {
                while (reader.skipToForm()) {
                    readOne(source, reader, events, lines, indices);
                }
            }
        } catch (EdnSyntaxException e) {
            throw new HistoryFormatException(source, e.line(), e.reason());
        }
        return History.of(source, events, lines.stream().mapToInt(Integer::intValue).toArray())
                .withReaderWarnings(indexWarnings(source, indices, lines));
    }

    /** Jepsen numbers ops with {@code :index}; a number given twice means the file was spliced or edited. */
    private static List<HistoryWarning> indexWarnings(String source, List<Long> indices, List<Integer> lines) {
        List<HistoryWarning> warnings = new ArrayList<>();
        Map<Long, Integer> lineOfIndex = new java.util.HashMap<>();
        for (int i = 0; i < indices.size(); i++) {
            Long index = indices.get(i);
            if (index == null) {
                continue;
            }
            Integer earlier = lineOfIndex.putIfAbsent(index, lines.get(i));
            if (earlier != null) {
                warnings.add(new HistoryWarning(source, lines.get(i), ":index " + index + " again (first at line "
                        + earlier + ")"));
            }
        }
        return warnings;
    }

    private static void readOne(String source, EdnReader reader, List<Event> events, List<Integer> lines,
                                List<Long> indices)
            throws EdnSyntaxException, HistoryFormatException {
        int line = reader.line();
        Object form = reader.readForm();
        if (form instanceof Tagged tagged) {
            form = tagged.value(); // a Clojure record such as #jepsen.history.Op{...}
        }
        if (!(form instanceof Map<?, ?> map)) {
            throw new HistoryFormatException(source, line, "expected an op map, found " + ValueText.of(form));
        }
        events.add(event(source, line, map));
        lines.add(line);
        indices.add(map.get(INDEX) instanceof Long index ? index : null);
    }

    private static Event event(String source, int line, Map<?, ?> map) throws HistoryFormatException {
        Process process = process(source, line, map.get(PROCESS));
        Object typeValue = map.get(TYPE);
        if (!(typeValue instanceof Keyword typeKeyword)) {
            throw new HistoryFormatException(source, line, typeValue == null ? "op has no :type"
                    : "op :type must be a keyword, found " + ValueText.of(typeValue));
        }
        EventType type = EventType.fromWireName(typeKeyword.name()).orElseThrow(
                () -> new HistoryFormatException(source, line, "unknown op :type " + typeKeyword));
        String f = name(map.get(F));
        if (f == null) {
            throw new HistoryFormatException(source, line, "op has no :f");
        }
        Object time = map.get(TIME);
        if (time != null && !(time instanceof Long)) {
            throw new HistoryFormatException(source, line, ":time must be an integer, found " + ValueText.of(time));
        }
        Object error = map.get(ERROR);
        return new Event(process, type, f, name(map.get(KEY)), map.get(VALUE),
                time == null ? Event.TIME_UNKNOWN : (Long) time, name(map.get(NODE)),
                error == null ? null : error instanceof String s ? s : ValueText.of(error));
    }

    private static Process process(String source, int line, Object value) throws HistoryFormatException {
        if (value instanceof Long id && id >= 0 && id <= Integer.MAX_VALUE) {
            return Process.client(id.intValue());
        }
        if (NEMESIS.equals(value)) {
            return Process.NEMESIS;
        }
        throw new HistoryFormatException(source, line, value == null ? "op has no :process"
                : "op :process must be a non-negative integer or :nemesis, found " + ValueText.of(value));
    }

    private static String name(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Keyword keyword) {
            return keyword.name();
        }
        if (value instanceof Symbol symbol) {
            return symbol.name();
        }
        return value instanceof String s ? s : ValueText.of(value);
    }

    /** Writes one op map per line, as Jepsen writes {@code history.edn}. */
    public static void write(History history, Writer out) throws IOException {
        StringBuilder line = new StringBuilder(128);
        for (Event event : history.events()) {
            line.setLength(0);
            line.append("{:process ").append(event.isNemesis() ? ":nemesis" : event.process().toString());
            line.append(", :type :").append(event.type().wireName());
            line.append(", :f ").append(keywordOrString(event.f()));
            if (event.key() != null) {
                line.append(", :key ").append(ValueText.of(event.key()));
            }
            line.append(", :value ").append(ValueText.of(event.value()));
            if (event.timeNanos() != Event.TIME_UNKNOWN) {
                line.append(", :time ").append(event.timeNanos());
            }
            if (event.node() != null) {
                line.append(", :node ").append(ValueText.of(event.node()));
            }
            if (event.error() != null) {
                line.append(", :error ").append(ValueText.of(event.error()));
            }
            out.write(line.append("}\n").toString());
        }
    }

    private static String keywordOrString(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!Character.isLetterOrDigit(c) && "-_?!*.".indexOf(c) < 0) {
                return ValueText.of(name);
            }
        }
        return name.isEmpty() || Character.isDigit(name.charAt(0)) ? ValueText.of(name) : ":" + name;
    }
}
