package titan.checker.edn;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EdnReaderTest {
    private static Object read(String text) throws EdnSyntaxException {
        return new EdnReader(text).readForm();
    }

    // Each EDN element Jepsen writes maps to one plain Java value; ints and strings stay distinct.
    @Test
    void readsEveryKindOfElement() throws EdnSyntaxException {
        assertThat(read("nil")).isNull();
        assertThat(read("true")).isEqualTo(true);
        assertThat(read("-42")).isEqualTo(-42L);
        assertThat(read("+7")).isEqualTo(7L);
        assertThat(read("12345678901234567890")).isEqualTo(new BigInteger("12345678901234567890"));
        assertThat(read("3N")).isEqualTo(BigInteger.valueOf(3));
        assertThat(read("1.5")).isEqualTo(1.5);
        assertThat(read("\"3\"")).isEqualTo("3").isNotEqualTo(3L);
        assertThat(read("\"a\\\"b\\n\\u0041\"")).isEqualTo("a\"b\nA");
        assertThat(read(":read")).isEqualTo(Keyword.of("read"));
        assertThat(read("foo/bar")).isEqualTo(new Symbol("foo/bar"));
        assertThat(read("\\a")).isEqualTo('a');
        assertThat(read("\\newline")).isEqualTo('\n');
        assertThat(read("[1 \"x\" :y nil]")).isEqualTo(Arrays.asList(1L, "x", Keyword.of("y"), null));
        assertThat(read("(1, 2)")).isEqualTo(List.of(1L, 2L));
        assertThat(read("#{:a :b}")).isEqualTo(Set.of(Keyword.of("a"), Keyword.of("b")));
        assertThat(read("{:a 1, \"b\" [2]}")).isEqualTo(Map.of(Keyword.of("a"), 1L, "b", List.of(2L)));
        assertThat(read("#inst \"2024-01-01\"")).isEqualTo(new Tagged("inst", "2024-01-01"));
        assertThat(read("[1 #_ 2 3]")).isEqualTo(List.of(1L, 3L));
    }

    // Comments and commas are whitespace; the reader counts lines through them.
    @Test
    void tracksLinesThroughCommentsAndStrings() throws EdnSyntaxException {
        EdnReader reader = new EdnReader("; one\n\"two\nlines\" ; x\n,, :four");
        assertThat(reader.readForm()).isEqualTo("two\nlines");
        assertThat(reader.skipToForm()).isTrue();
        assertThat(reader.line()).isEqualTo(4);
        assertThat(reader.readForm()).isEqualTo(Keyword.of("four"));
        assertThat(reader.skipToForm()).isFalse();
    }

    // Deep nesting is refused with an error instead of a StackOverflowError.
    @Test
    void refusesAbsurdNesting() {
        String deep = "[".repeat(10_000);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> read(deep))
                .isInstanceOf(EdnSyntaxException.class).hasMessageContaining("nesting deeper than");
    }
}
