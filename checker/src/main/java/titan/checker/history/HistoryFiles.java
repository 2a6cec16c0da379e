package titan.checker.history;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
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
        String source = file.toString();
        byte[] bytes = Files.readAllBytes(file);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new HistoryFormatException(source, 0, "not UTF-8 text");
        }
        return switch (detect(file, text)) {
            case JSON_LINES -> JsonLinesFormat.read(source, text);
            case EDN -> EdnFormat.read(source, text);
        };
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
            if (Character.isWhitespace(c)) {
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
