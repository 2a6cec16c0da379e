package titan.checker.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Readable but suspicious input gets a warning naming the line; clean input gets none. */
class HistoryWarningsTest {
    private static final String INVOKE = "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"key\":\"k\",\"value\":\"1\",\"time\":10}";
    private static final String OK = "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"key\":\"k\",\"value\":\"1\",\"time\":20}";

    private static List<HistoryWarning> warnings(String text) throws HistoryFormatException {
        return HistoryLint.check(JsonLinesFormat.read("h.jsonl", text), true, HistoryLint.CONFIRMING_FUNCTIONS);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            clean                  | 0 | ''
            duplicate field        | 1 | h.jsonl:1: field "time" given twice
            duplicate index        | 2 | h.jsonl:2: "index" 5 again (first at line 1)
            backward time          | 2 | h.jsonl:2: time goes backward: 3 after 10 at line 1
            negative time          | 1 | h.jsonl:1: negative time -4
            reused after info      | 3 | h.jsonl:3: process 0 invokes again after its info at line 2
            no key                 | 1 | h.jsonl:1: process 0 write has no "key"
            ok value differs       | 2 | h.jsonl:2: the ok of process 0's write has value "9" but its invoke (h.jsonl:1) has "1"
            empty                  | 0 | h.jsonl: the history has no operations
            """)
    void eachSuspicionIsNamed(String name, int line, String expected) throws HistoryFormatException {
        String text = switch (name) {
            case "clean" -> INVOKE + "\n" + OK + "\n";
            case "duplicate field" -> INVOKE.replace("\"time\":10", "\"time\":10,\"time\":11") + "\n" + OK + "\n";
            case "duplicate index" -> INVOKE.replace("{", "{\"index\":5,") + "\n" + OK.replace("{", "{\"index\":5,") + "\n";
            case "backward time" -> INVOKE + "\n" + OK.replace("\"time\":20", "\"time\":3") + "\n";
            case "negative time" -> INVOKE.replace("\"time\":10", "\"time\":-4") + "\n" + OK + "\n";
            case "reused after info" -> INVOKE + "\n" + OK.replace("\"ok\"", "\"info\"") + "\n"
                    + INVOKE.replace("\"time\":10", "\"time\":30") + "\n";
            case "no key" -> INVOKE.replace(",\"key\":\"k\"", "") + "\n" + OK.replace(",\"key\":\"k\"", "") + "\n";
            case "ok value differs" -> INVOKE + "\n" + OK.replace("\"1\"", "\"9\"") + "\n";
            case "empty" -> "";
            default -> throw new IllegalArgumentException(name);
        };
        List<HistoryWarning> warnings = warnings(text);
        if (expected.isEmpty()) {
            assertThat(warnings).isEmpty();
        } else {
            assertThat(warnings).isNotEmpty();
            assertThat(warnings.get(0).line()).isEqualTo(line);
            assertThat(warnings.get(0).toString()).startsWith(expected);
        }
    }

    // A byte-order mark is not an error, in either format.
    @ParameterizedTest(name = "{0}")
    @CsvSource({"h.jsonl", "h.edn"})
    void aByteOrderMarkIsSkipped(String name) throws Exception {
        String body = name.endsWith(".edn") ? "{:process 0, :type :invoke, :f :read}\n{:process 0, :type :ok, :f :read, :value 1}\n"
                : INVOKE + "\n" + OK + "\n";
        History history = HistoryFiles.read(name, java.nio.file.Path.of(name),
                ("\uFEFF" + body).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(history.operations()).hasSize(1);
    }
}
