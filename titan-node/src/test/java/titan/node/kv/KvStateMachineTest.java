package titan.node.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The semantics of each command, as tables: a starting value, a command, the result and the value after. */
class KvStateMachineTest {
    private static final KvConfig CONFIG = new KvConfig(8, 100, false);
    private static final String KEY = "k";

    static Stream<Arguments> commandCases() {
        return Stream.of(
                // name, value of KEY before (null: absent), command, expected result, value of KEY after
                Arguments.of("put on absent", null, put("x"), KvResult.Ok.WRITTEN, "x"),
                Arguments.of("put overwrites", "a", put("x"), KvResult.Ok.WRITTEN, "x"),
                Arguments.of("put empty value", "a", put(""), KvResult.Ok.WRITTEN, ""),
                Arguments.of("delete present", "a", new KvCommand.Delete(1, 1, KEY), KvResult.Ok.WRITTEN, null),
                Arguments.of("delete absent", null, new KvCommand.Delete(1, 1, KEY), KvResult.NotFound.INSTANCE, null),
                Arguments.of("get present", "a", new KvCommand.Get(1, 1, KEY), new KvResult.Ok(bytes("a")), "a"),
                Arguments.of("get absent", null, new KvCommand.Get(1, 1, KEY), KvResult.NotFound.INSTANCE, null),
                Arguments.of("cas expected absent, is absent", null, cas(null, "x"), KvResult.Ok.WRITTEN, "x"),
                Arguments.of("cas expected absent, is present", "a", cas(null, "x"),
                        new KvResult.CasMismatch(bytes("a")), "a"),
                Arguments.of("cas matches", "a", cas("a", "x"), KvResult.Ok.WRITTEN, "x"),
                Arguments.of("cas differs", "b", cas("a", "x"), new KvResult.CasMismatch(bytes("b")), "b"),
                Arguments.of("cas on absent key", null, cas("a", "x"), new KvResult.CasMismatch(null), null),
                // An empty value is a value: it is not the same as absent.
                Arguments.of("cas empty vs absent", null, cas("", "x"), new KvResult.CasMismatch(null), null),
                Arguments.of("cas absent vs empty", "", cas(null, "x"), new KvResult.CasMismatch(bytes("")), ""),
                Arguments.of("append to absent", null, append("x"), KvResult.Ok.WRITTEN, "x"),
                Arguments.of("append to present", "ab", append("cd"), KvResult.Ok.WRITTEN, "abcd"),
                Arguments.of("append up to the limit", "abcd", append("efgh"), KvResult.Ok.WRITTEN, "abcdefgh"),
                Arguments.of("append past the limit", "abcde", append("fghi"),
                        new KvResult.Rejected("append would make the value 9 bytes, over valueBytesMax 8"), "abcde"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commandCases")
    void appliesEachCommand(String name, String before, KvCommand command, KvResult result, String after) {
        KvStateMachine kv = new KvStateMachine(CONFIG);
        if (before != null) {
            kv.apply(1, kv.codec().encode(new KvCommand.Put(99, 1, KEY, bytes(before))));
        }
        assertThat(kv.apply(2, kv.codec().encode(command))).isEqualTo(result);
        assertThat(kv.get(KEY).map(v -> new String(v, StandardCharsets.UTF_8)).orElse(null)).isEqualTo(after);
        assertThat(kv.appliedIndex()).isEqualTo(2);
    }

    @Test
    void malformedAndOversizedEntriesAreRejectedWithoutEffect() {
        // A bad entry is in every replica's log; it must give the same Rejected everywhere, not crash apply.
        KvStateMachine kv = new KvStateMachine(CONFIG);
        byte[] oversized = new KvCommandCodec(100).encode(new KvCommand.Put(1, 1, KEY, new byte[9]));
        for (byte[] entry : List.of(new byte[0], new byte[] {42}, oversized)) {
            KvResult result = kv.apply(kv.appliedIndex() + 1, entry);
            assertThat(result).isInstanceOf(KvResult.Rejected.class);
            assertThat(((KvResult.Rejected) result).reason()).startsWith("malformed command: ");
        }
        assertThat(kv.keyCount()).isZero();
        assertThat(kv.sessionCount()).isZero();
        assertThat(kv.appliedIndex()).isEqualTo(3);
    }

    @Test
    void indexesMustIncrease() {
        KvStateMachine kv = new KvStateMachine(CONFIG);
        kv.apply(5, kv.codec().encode(put("x")));
        kv.skipTo(7);
        assertThatThrownBy(() -> kv.apply(7, kv.codec().encode(put("y"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("entry 7 applied after entry 7");
        assertThat(kv.appliedIndex()).isEqualTo(7);
    }

    static KvCommand put(String value) {
        return new KvCommand.Put(1, 1, KEY, bytes(value));
    }

    static KvCommand cas(String expected, String value) {
        return new KvCommand.Cas(1, 1, KEY, expected == null ? null : bytes(expected), bytes(value));
    }

    static KvCommand append(String suffix) {
        return new KvCommand.Append(1, 1, KEY, bytes(suffix));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
