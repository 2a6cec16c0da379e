package titan.checker.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import titan.checker.edn.Keyword;

class HistoryFormatsTest {
    private static final String NATIVE = """
            {"process":0,"type":"invoke","f":"write","key":"k1","value":"3","time":1200,"node":"n2"}
            {"process":"nemesis","type":"info","f":"start-partition","value":"n1 | n2 n3","time":1300}
            {"process":1,"type":"invoke","f":"cas","key":"k1","value":["3","4"],"time":1350}
            {"process":0,"type":"ok","f":"write","key":"k1","value":"3","time":5400,"node":"n2"}
            {"process":1,"type":"info","f":"cas","key":"k1","value":["3","4"],"time":6000,"error":"timeout"}
            {"process":2,"type":"invoke","f":"read","key":"k1","value":null,"time":7000}
            {"process":2,"type":"ok","f":"read","key":"k1","value":7,"time":7100}
            {"process":3,"type":"invoke","f":"delete","key":"k1","time":8000}
            """;

    // The native example from docs/history-format.md reads into the event model, with pairing and Jepsen semantics.
    @Test
    void readsNativeJsonLines() throws Exception {
        History history = JsonLinesFormat.read("h.jsonl", NATIVE);
        assertThat(history.events()).hasSize(8);
        assertThat(history.events().get(1).isNemesis()).isTrue();
        Event first = history.events().get(0);
        assertThat(first).isEqualTo(new Event(Process.client(0), EventType.INVOKE, "write", "k1", "3", 1200, "n2", null));
        List<Operation> ops = history.operations();
        assertThat(ops).extracting(Operation::f).containsExactly("write", "cas", "read", "delete");
        assertThat(ops.get(0).outcome()).isEqualTo(Operation.Outcome.OK);
        assertThat(ops.get(1).outcome()).isEqualTo(Operation.Outcome.UNKNOWN);
        assertThat(ops.get(1).error()).isEqualTo("timeout");
        assertThat(ops.get(2).value()).isEqualTo(7L); // an integer read stays an integer
        assertThat(ops.get(3).completionIndex()).isEqualTo(-1);
        assertThat(ops.get(3).isUnknown()).isTrue();
        assertThat(history.lineOf(6)).isEqualTo(7);
    }

    // Writing then reading gives the same events, in both formats.
    @Test
    void bothFormatsRoundTrip() throws Exception {
        History history = JsonLinesFormat.read("h.jsonl", NATIVE);
        StringWriter json = new StringWriter();
        JsonLinesFormat.write(history, json);
        assertThat(JsonLinesFormat.read("again.jsonl", json.toString()).events()).isEqualTo(history.events());
        StringWriter edn = new StringWriter();
        EdnFormat.write(history, edn);
        assertThat(EdnFormat.read("again.edn", edn.toString()).events()).isEqualTo(history.events());
    }

    // Knossos writes keywords and ints; they survive EDN export and import unchanged.
    @Test
    void ednRoundTripKeepsKeywordsAndIntegers() throws Exception {
        String text = """
                [{:process 0, :type :invoke, :f :txn, :value [[:read :x nil] [:write :y 2]], :index 0}
                 {:process 0  :type :ok, :f :txn, :value [[:read :x 1] [:write :y 2]]}
                 {:process :nemesis, :type :info, :f :start, :value "Cut off [:n3 #[:n4]]"}]
                """;
        History history = EdnFormat.read("m.edn", text);
        assertThat(history.operations().get(0).value())
                .isEqualTo(List.of(List.of(Keyword.of("read"), Keyword.of("x"), 1L), List.of(Keyword.of("write"), Keyword.of("y"), 2L)));
        StringWriter edn = new StringWriter();
        EdnFormat.write(history, edn);
        assertThat(EdnFormat.read("again.edn", edn.toString()).events()).isEqualTo(history.events());
    }

    // A file's format comes from its extension, else from its first characters.
    @Test
    void detectsTheFormat(@TempDir Path folder) throws Exception {
        Path json = folder.resolve("history");
        Files.writeString(json, NATIVE);
        assertThat(HistoryFiles.read(json).events()).hasSize(8);
        Path edn = folder.resolve("history.txt");
        Files.writeString(edn, "{:process 0, :type :invoke, :f :read, :value nil}\n");
        assertThat(HistoryFiles.detect(edn, Files.readString(edn))).isEqualTo(HistoryFiles.Format.EDN);
        assertThat(HistoryFiles.read(edn).operations()).hasSize(1);
        Path binary = folder.resolve("history.edn");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0});
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HistoryFiles.read(binary))
                .isInstanceOf(HistoryFormatException.class).hasMessageContaining("not UTF-8");
    }
}
