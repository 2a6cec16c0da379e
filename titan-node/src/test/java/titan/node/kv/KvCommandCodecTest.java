package titan.node.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KvCommandCodecTest {
    private static final KvCommandCodec CODEC = new KvCommandCodec(64);

    static Stream<KvCommand> examples() {
        byte[] v = "v".getBytes(StandardCharsets.UTF_8);
        return Stream.of(
                new KvCommand.Put(1, 1, "k", v),
                new KvCommand.Put(-7, Long.MAX_VALUE, "x".repeat(1024), new byte[64]),
                new KvCommand.Put(0, 3, "empty", new byte[0]),
                new KvCommand.Delete(2, 5, "ключ"),
                new KvCommand.Cas(3, 9, "k", null, v),
                new KvCommand.Cas(3, 10, "k", new byte[0], v),
                new KvCommand.Cas(3, 11, "k", v, new byte[0]),
                new KvCommand.Append(4, 2, "k😀", v),
                new KvCommand.Get(Long.MIN_VALUE, 1, "k"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void roundTripsEachCommandKind(KvCommand command) {
        assertThat(CODEC.decode(CODEC.encode(command))).isEqualTo(command);
    }

    @Test
    void putLayoutMatchesTheDrawing() {
        // The javadoc drawing is the contract for other implementations: check it byte for byte.
        byte[] bytes = CODEC.encode(new KvCommand.Put(0x0102, 3, "k", new byte[] {9}));
        assertThat(bytes).containsExactly(1, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 3, 0, 1, 'k', 0, 0, 0, 1, 9);
    }

    @Property
    void decodeInvertsEncode(@ForAll("commands") KvCommand command) {
        assertThat(CODEC.decode(CODEC.encode(command))).isEqualTo(command);
    }

    @Provide
    Arbitrary<KvCommand> commands() {
        return KvGenerators.anyCommands();
    }

    @Property
    void everyTruncationIsRefusedWithIllegalArgument(@ForAll("commands") KvCommand command) {
        // A torn or cut payload must never decode to a different, shorter command.
        byte[] bytes = CODEC.encode(command);
        for (int length = 0; length < bytes.length; length++) {
            byte[] cut = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> CODEC.decode(cut)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Property
    void arbitraryBytesDecodeOrFailWithIllegalArgumentOnly(@ForAll byte[] bytes) {
        try {
            CODEC.decode(bytes);
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    static Stream<Arguments> malformed() {
        byte[] put = CODEC.encode(new KvCommand.Put(1, 1, "k", new byte[] {1, 2}));
        return Stream.of(
                Arguments.of("empty input", new byte[0], "truncated"),
                Arguments.of("unknown op code", withByte(put, 0, 99), "unknown op code 99"),
                Arguments.of("op code zero", withByte(put, 0, 0), "unknown op code 0"),
                Arguments.of("sequence zero", header(1, 1, 0, 1), "sequence numbers start at 1"),
                Arguments.of("key length zero", header(1, 1, 1, 0), "key length 0"),
                Arguments.of("key length 1025", header(5, 1, 1, 1025), "key length 1025"),
                Arguments.of("value length over limit", withInt(put, 20, 65), "over the 64-byte limit"),
                Arguments.of("value length u32 max", withInt(put, 20, -1), "4294967295 bytes"),
                Arguments.of("value length past the end", withInt(put, 20, 3), "truncated"),
                Arguments.of("trailing bytes", Arrays.copyOf(put, put.length + 1), "trailing bytes"),
                Arguments.of("bad UTF-8 key", withByte(put, 19, 0xff), "not valid UTF-8"),
                Arguments.of("encoded surrogate in key", utf8Key(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}),
                        "not valid UTF-8"),
                Arguments.of("CAS flag 2", casWithFlag(2), "must be 0 or 1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void refusesMalformedInputWithAClearReason(String name, byte[] bytes, String reason) {
        assertThatThrownBy(() -> CODEC.decode(bytes)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void encodeRefusesOversizedValuesAndBadKeys() {
        assertThatThrownBy(() -> CODEC.encode(new KvCommand.Put(1, 1, "k", new byte[65])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("over valueBytesMax 64");
        assertThatThrownBy(() -> new KvCommand.Get(1, 1, "")).hasMessageContaining("1..1024");
        assertThatThrownBy(() -> new KvCommand.Get(1, 1, "é".repeat(513))).hasMessageContaining("got 1026");
        assertThatThrownBy(() -> new KvCommand.Get(1, 1, "a\ud800")).hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> new KvCommand.Get(1, 0, "k")).hasMessageContaining("start at 1");
    }

    private static byte[] header(int op, long clientId, long sequence, int keyLength) {
        return ByteBuffer.allocate(19 + 1).put((byte) op).putLong(clientId).putLong(sequence)
                .putShort((short) keyLength).put((byte) 'k').array();
    }

    private static byte[] utf8Key(byte[] key) {
        return ByteBuffer.allocate(19 + key.length).put((byte) KvCommandCodec.GET).putLong(1).putLong(1)
                .putShort((short) key.length).put(key).array();
    }

    private static byte[] casWithFlag(int flag) {
        byte[] cas = CODEC.encode(new KvCommand.Cas(1, 1, "k", null, new byte[0]));
        return withByte(cas, 20, flag);
    }

    private static byte[] withByte(byte[] bytes, int at, int value) {
        byte[] copy = bytes.clone();
        copy[at] = (byte) value;
        return copy;
    }

    private static byte[] withInt(byte[] bytes, int at, int value) {
        byte[] copy = bytes.clone();
        ByteBuffer.wrap(copy).putInt(at, value);
        return copy;
    }
}
