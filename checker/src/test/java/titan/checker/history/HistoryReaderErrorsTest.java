package titan.checker.history;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad input gets a typed error naming the file, the line and the reason, never a verdict. */
class HistoryReaderErrorsTest {
    private static final String WRITE_INVOKE = "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":\"1\"}";
    private static final String WRITE_OK = "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"value\":\"1\"}";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            malformed json          | {"process":0,"type":"invoke"               | 2 | malformed JSON
            not an object           | [1, 2]                                     | 2 | expected a JSON object per line
            unknown type            | {"process":0,"type":"done","f":"write"}    | 2 | unknown event type "done"
            no process              | {"type":"ok","f":"write"}                  | 2 | event has no "process"
            negative process        | {"process":-1,"type":"ok","f":"write"}     | 2 | "process" must be a non-negative integer or "nemesis"
            no f                    | {"process":0,"type":"ok"}                  | 2 | event has no "f" string
            time not an integer     | {"process":0,"type":"ok","f":"write","time":"soon"} | 2 | "time" must be an integer
            completion of other f   | {"process":0,"type":"ok","f":"read"}       | 2 | process 0 completes read but invoked write at line 1
            """)
    void jsonLinesSecondLineErrors(String name, String secondLine, int line, String reason) {
        String text = WRITE_INVOKE + "\n" + secondLine + "\n";
        assertThatThrownBy(() -> JsonLinesFormat.read("h.jsonl", text))
                .isInstanceOfSatisfying(HistoryFormatException.class, e -> {
                    org.assertj.core.api.Assertions.assertThat(e.source()).isEqualTo("h.jsonl");
                    org.assertj.core.api.Assertions.assertThat(e.line()).isEqualTo(line);
                    org.assertj.core.api.Assertions.assertThat(e.reason()).contains(reason);
                })
                .hasMessageStartingWith("h.jsonl:" + line + ": ");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            completion without invoke | ok      | 1 | process 0 completes write (ok) without an open invoke
            invoke twice while open   | invoke  | 3 | process 0 invokes write while its write from line 1 is still open
            """)
    void pairingErrorsNameTheLine(String name, String kind, int line, String reason) {
        String text = kind.equals("ok") ? WRITE_OK + "\n"
                : WRITE_INVOKE + "\n\n" + WRITE_INVOKE + "\n";
        assertThatThrownBy(() -> JsonLinesFormat.read("h.jsonl", text))
                .isInstanceOf(HistoryFormatException.class)
                .hasMessage("h.jsonl:" + line + ": " + reason);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            vector never closed    | '[{:process 0, :type :invoke, :f :read}~{:process 0, :type :ok, :f :read}' | 1 | the history's '[' is never closed
            map never closed       | '{:process 0, :type :invoke, :f :read~'                     | 2 | missing '}' for the one opened on line 1
            unknown type           | '{:process 0, :type :invoke, :f :read}~{:process 0, :type :done, :f :read}' | 2 | unknown op :type :done
            type not a keyword     | '{:process 0, :type "ok", :f :read}'                         | 1 | op :type must be a keyword
            not a map              | '[{:process 0, :type :invoke, :f :read}~ 42]'              | 2 | expected an op map, found 42
            duplicate key          | '{:process 0, :process 1, :type :invoke, :f :read}'          | 1 | duplicate map key :process
            odd map                | '{:process 0, :type}'                                        | 1 | map has a key without a value
            bad string escape      | '{:process 0, :type :invoke, :f :read, :value "a%q"}'       | 1 | unknown string escape %q
            unmatched bracket      | '{:process 0, :type :invoke, :f :read}]'                     | 1 | unmatched ']'
            process as string      | '{:process "zero", :type :invoke, :f :read}'                 | 1 | op :process must be a non-negative integer or :nemesis
            text after history     | '[{:process 0, :type :invoke, :f :read}]~{:process 1}'     | 2 | text after the end of the history
            completion w/o invoke  | ';; comment~{:process 3, :type :ok, :f :read, :value 1}'  | 2 | process 3 completes read (ok) without an open invoke
            """)
    void ednErrorsNameTheLine(String name, String text, int line, String reason) {
        // In the table, ~ stands for a line break and % for a backslash.
        String unescaped = text.replace("~", "\n").replace("%", "\\");
        assertThatThrownBy(() -> EdnFormat.read("h.edn", unescaped))
                .isInstanceOf(HistoryFormatException.class)
                .hasMessageStartingWith("h.edn:" + line + ": ")
                .hasMessageContaining(reason.replace("%", "\\"));
    }
}
