package titan.checker.history;

import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Reads a history file in either format, chosen by extension or, failing that, by content. */
public final class HistoryFiles {
    /** The two formats this lab reads and writes. */
    public enum Format { JSON_LINES, EDN }

    private HistoryFiles() {}

    /**
     * @throws IOException            the file cannot be read
     * @throws HistoryFormatException the file is not a well-formed history; the message names the line
     */
    public static History read(Path file) throws IOException, HistoryFormatException {
        return read(file.toString(), file, Files.readAllBytes(file));
    }

    /**
     * Reads a history from bytes, e.g. standard input.
     *
     * @param source names the input in messages
     * @param name   a file name whose extension picks the format, or null to look at the content
     */
    public static History read(String source, Path name, byte[] bytes) throws HistoryFormatException {
        String text = decode(source, bytes);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // a byte-order mark, as some editors on Windows write
        }
        return switch (detect(name == null ? Path.of("-") : name, text)) {
            case JSON_LINES -> JsonLinesFormat.read(source, text);
            case EDN -> EdnFormat.read(source, text);
        };
    }

    /** UTF-8 text, or an error naming the line of the first byte that is not. */
    private static String decode(String source, byte[] bytes) throws HistoryFormatException {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length);
        java.nio.charset.CoderResult result = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(in, out, true);
        if (result.isError()) {
            int at = in.position();
            int line = 1;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new HistoryFormatException(source, line, String.format(Locale.ROOT,
                    "not UTF-8 text (byte 0x%02x at offset %d)", bytes[at] & 0xff, at));
        }
        out.flip();
        return out.toString();
    }

    /** The format of {@code file}, from its extension or else its first characters. */
    public static Format detect(Path file) throws IOException {
        byte[] head;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(256);
        }
        return detect(file, new String(head, StandardCharsets.UTF_8));
    }

    /** {@code .jsonl}, {@code .ndjson} and {@code .json} are JSON Lines, {@code .edn} is EDN; else a look at the text. */
    public static Format detect(Path file, String text) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
            return Format.JSON_LINES;
        }
        if (name.endsWith(".edn")) {
            return Format.EDN;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || c == '\uFEFF') {
                continue;
            }
            if (c != '{') {
                return Format.EDN; // '[', '(' or ';' open EDN; anything else fails there with a line
            }
            for (int j = i + 1; j < text.length(); j++) {
                char next = text.charAt(j);
                if (!Character.isWhitespace(next)) {
                    return next == '"' ? Format.JSON_LINES : Format.EDN;
                }
            }
            return Format.EDN;
        }
        return Format.JSON_LINES;
    }
}
