package titan.node.kv;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** jqwik generators for keys, values and commands, shared by the kv property tests. */
final class KvGenerators {
    private KvGenerators() {}

    /** Keys of any Unicode code points (including 4-byte ones), valid by construction. */
    static Arbitrary<String> anyKeys() {
        return Arbitraries.integers().between(1, 0x10FFFF)
                .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)
                .list().ofMinSize(1).ofMaxSize(12)
                .map(KvGenerators::fromCodePoints);
    }

    /** A handful of keys, so that commands collide on the same key often. */
    static Arbitrary<String> fewKeys() {
        return Arbitraries.of("a", "b", "c", "ключ", "k😀");
    }

    static Arbitrary<byte[]> values() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(24);
    }

    static Arbitrary<KvCommand> commands(Arbitrary<String> keys, Arbitrary<Long> clientIds, Arbitrary<Long> sequences) {
        Arbitrary<byte[]> expected = Arbitraries.oneOf(Arbitraries.just(null), values());
        return Arbitraries.integers().between(1, 5).flatMap(op -> Combinators.combine(clientIds, sequences, keys,
                expected, values()).as((client, seq, key, exp, value) -> switch (op) {
                    case 1 -> new KvCommand.Put(client, seq, key, value);
                    case 2 -> new KvCommand.Delete(client, seq, key);
                    case 3 -> new KvCommand.Cas(client, seq, key, exp, value);
                    case 4 -> new KvCommand.Append(client, seq, key, value);
                    default -> new KvCommand.Get(client, seq, key);
                }));
    }

    static Arbitrary<KvCommand> anyCommands() {
        return commands(anyKeys(), Arbitraries.longs(), Arbitraries.longs().between(1, Long.MAX_VALUE));
    }

    private static String fromCodePoints(List<Integer> codePoints) {
        StringBuilder s = new StringBuilder();
        codePoints.forEach(s::appendCodePoint);
        return s.toString();
    }
}
