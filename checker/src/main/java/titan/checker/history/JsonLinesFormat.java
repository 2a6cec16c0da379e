package titan.checker.history;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import titan.checker.edn.Keyword;

/**
 * The lab's native history format: JSON Lines, one event per line (docs/history-format.md).
 * <pre>
 * {"process":0,"type":"invoke","f":"write","key":"k1","value":"3","time":1200,"node":"n2"}
 * {"process":0,"type":"ok","f":"write","key":"k1","value":"3","time":5400,"node":"n2"}
 * {"process":"nemesis","type":"info","f":"start-partition","value":"n1 | n2 n3","time":9000}
 * </pre>
 * A cas value is {@code ["expected","new"]}; a read's invoke has a null value and its ok carries the
 * value read (null: the key is absent). JSON integers become {@code Long} and stay distinct from
 * strings. Unknown fields are ignored; blank lines are skipped.
 */
public final class JsonLinesFormat {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The same parser, refusing a field given twice, so the reader can warn about it. */
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    /** One event per line: a line longer than this is not an event of any history this lab reads. */
    public static final int LINE_CHARS_MAX = 4 << 20;

    private JsonLinesFormat() {}

    /**
     * Reads a whole history. A byte-order mark at the start is skipped. What is readable but
     * suspicious (a field given twice, a repeated {@code index}, a negative time) is kept in
     * {@link History#warnings()}.
     *
     * @throws HistoryFormatException naming the line: malformed JSON, a comment line, a NUL byte, a
     *                                line longer than {@link #LINE_CHARS_MAX}, a missing field, or a
     *                                pairing error
     */
    public static History read(String source, String text) throws HistoryFormatException {
        List<Event> events = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        List<HistoryWarning> warnings = new ArrayList<>();
        java.util.Map<Long, Integer> lineOfIndex = new java.util.HashMap<>();
        int lineNumber = 0;
        int start = text.startsWith("\uFEFF") ? 1 : 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            lineNumber++;
            String line = text.substring(start, end).strip();
            start = end + 1;
            if (line.isEmpty()) {
                continue;
            }
            JsonNode node = parse(source, lineNumber, line, warnings);
            JsonNode index = node.get("index");
            if (index != null && index.canConvertToExactIntegral()) {
                Integer earlier = lineOfIndex.putIfAbsent(index.asLong(), lineNumber);
                if (earlier != null) {
                    warnings.add(new HistoryWarning(source, lineNumber, "\"index\" " + index.asLong()
                            + " again (first at line " + earlier + ")"));
                }
            }
            events.add(event(source, lineNumber, node));
            lines.add(lineNumber);
        }
        return History.of(source, events, lines.stream().mapToInt(Integer::intValue).toArray())
                .withReaderWarnings(warnings);
    }

    /** One line as a JSON object, or an error in this lab's words (never the parser's). */
    private static JsonNode parse(String source, int line, String text, List<HistoryWarning> warnings)
            throws HistoryFormatException {
        if (text.length() > LINE_CHARS_MAX) {
            throw new HistoryFormatException(source, line, String.format(java.util.Locale.ROOT,
                    "the line is %.1f MB long; one event may be at most %d MB (is this a history file?)",
                    text.length() / 1e6, LINE_CHARS_MAX >> 20));
        }
        int nul = text.indexOf('\0');
        if (nul >= 0) {
            throw new HistoryFormatException(source, line, "a NUL byte at column " + (nul + 1)
                    + ": binary data, not JSON Lines text");
        }
        if (text.startsWith("#") || text.startsWith("//") || text.startsWith(";")) {
            throw new HistoryFormatException(source, line, "a comment line (it starts with '" + text.charAt(0)
                    + "'); JSON Lines has no comments: delete the line");
        }
        JsonNode node;
        try {
            node = STRICT.readTree(text);
        } catch (JsonProcessingException e) {
            String duplicate = duplicateField(e);
            if (duplicate == null) {
                throw new HistoryFormatException(source, line, jsonProblem(e, text));
            }
            warnings.add(new HistoryWarning(source, line, "field \"" + duplicate + "\" given twice; the last "
                    + "value is used"));
            try {
                node = MAPPER.readTree(text);
            } catch (JsonProcessingException again) {
                throw new HistoryFormatException(source, line, jsonProblem(again, text));
            }
        }
        if (node == null || !node.isObject()) {
            throw new HistoryFormatException(source, line, "expected a JSON object per line");
        }
        return node;
    }

    private static String duplicateField(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message == null || !message.startsWith("Duplicate field '")) {
            return null;
        }
        int end = message.indexOf('\'', "Duplicate field '".length());
        return end < 0 ? "?" : message.substring("Duplicate field '".length(), end);
    }

    /** What is wrong with a line the JSON parser refused, in this lab's words, with the column. */
    private static String jsonProblem(JsonProcessingException e, String text) {
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        int column = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
        String at = column > 0 ? " at column " + column : "";
        if (message.contains("end-of-input")) {
            return "malformed JSON: the line ends before the object is closed";
        }
        if (message.startsWith("Unexpected character") && column > 0 && column <= text.length()) {
            return "malformed JSON: unexpected '" + printable(text.charAt(column - 1)) + "'" + at;
        }
        if (message.startsWith("Unrecognized token")) {
            return "malformed JSON: a bare word" + at + " (strings need double quotes)";
        }
        if (message.contains("exceeds") || message.contains("length") || message.contains("depth")) {
            return "malformed JSON: a value too long or nested too deeply" + at;
        }
        return "malformed JSON" + at;
    }

    private static String printable(char c) {
        return c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }

    private static Event event(String source, int line, JsonNode node) throws HistoryFormatException {
        Process process = process(source, line, node.get("process"));
        JsonNode typeNode = node.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            throw new HistoryFormatException(source, line, "event has no \"type\" string");
        }
        EventType type = EventType.fromWireName(typeNode.asText()).orElseThrow(() -> new HistoryFormatException(
                source, line, "unknown event type \"" + typeNode.asText() + "\" (expected invoke, ok, fail or info)"));
        JsonNode fNode = node.get("f");
        if (fNode == null || !fNode.isTextual()) {
            throw new HistoryFormatException(source, line, "event has no \"f\" string");
        }
        JsonNode time = node.get("time");
        if (time != null && !time.isNull() && !time.canConvertToExactIntegral()) {
            throw new HistoryFormatException(source, line, "\"time\" must be an integer (nanoseconds)");
        }
        return new Event(process, type, fNode.asText(), text(node.get("key")), value(node.get("value")),
                time == null || time.isNull() ? Event.TIME_UNKNOWN : time.asLong(), text(node.get("node")),
                text(node.get("error")));
    }

    private static Process process(String source, int line, JsonNode node) throws HistoryFormatException {
        if (node != null && node.canConvertToExactIntegral() && node.canConvertToInt() && node.asInt() >= 0) {
            return Process.client(node.asInt());
        }
        if (node != null && node.isTextual() && node.asText().equals("nemesis")) {
            return Process.NEMESIS;
        }
        throw new HistoryFormatException(source, line, node == null ? "event has no \"process\""
                : "\"process\" must be a non-negative integer or \"nemesis\", found " + node);
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        return node.isTextual() ? node.asText() : node.toString();
    }

    private static Object value(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? (Object) node.asLong() : node.bigIntegerValue();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isArray()) {
            List<Object> items = new ArrayList<>(node.size());
            node.forEach(item -> items.add(value(item)));
            return Collections.unmodifiableList(items);
        }
        Map<Object, Object> map = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            map.put(field.getKey(), value(field.getValue()));
        }
        return Collections.unmodifiableMap(map);
    }

    /** Writes one event per line. Keywords in values are written as strings ({@code ":x"}). */
    public static void write(History history, Writer out) throws IOException {
        JsonFactory factory = MAPPER.getFactory();
        for (Event event : history.events()) {
            JsonGenerator json = factory.createGenerator(out);
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            json.writeStartObject();
            if (event.isNemesis()) {
                json.writeStringField("process", "nemesis");
            } else {
                json.writeNumberField("process", ((Process.Client) event.process()).id());
            }
            json.writeStringField("type", event.type().wireName());
            json.writeStringField("f", event.f());
            if (event.key() != null) {
                json.writeStringField("key", event.key());
            }
            json.writeFieldName("value");
            writeValue(json, event.value());
            if (event.timeNanos() != Event.TIME_UNKNOWN) {
                json.writeNumberField("time", event.timeNanos());
            }
            if (event.node() != null) {
                json.writeStringField("node", event.node());
            }
            if (event.error() != null) {
                json.writeStringField("error", event.error());
            }
            json.writeEndObject();
            json.flush();
            out.write('\n');
        }
    }

    private static void writeValue(JsonGenerator json, Object value) throws IOException {
        if (value == null) {
            json.writeNull();
        } else if (value instanceof String s) {
            json.writeString(s);
        } else if (value instanceof Long || value instanceof Integer) {
            json.writeNumber(((Number) value).longValue());
        } else if (value instanceof BigInteger big) {
            json.writeNumber(big);
        } else if (value instanceof Number number) {
            json.writeNumber(number.doubleValue());
        } else if (value instanceof Boolean b) {
            json.writeBoolean(b);
        } else if (value instanceof Map<?, ?> map) {
            json.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                json.writeFieldName(entry.getKey() instanceof Keyword k ? k.name() : String.valueOf(entry.getKey()));
                writeValue(json, entry.getValue());
            }
            json.writeEndObject();
        } else if (value instanceof Collection<?> items) {
            json.writeStartArray();
            for (Object item : items) {
                writeValue(json, item);
            }
            json.writeEndArray();
        } else {
            json.writeString(value.toString());
        }
    }
}
