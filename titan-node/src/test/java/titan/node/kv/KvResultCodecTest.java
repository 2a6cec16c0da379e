package titan.node.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KvResultCodecTest {
    static Stream<KvResult> results() {
        return Stream.of(KvResult.Ok.WRITTEN, new KvResult.Ok(new byte[] {1, 2}), new KvResult.Ok(new byte[0]),
                KvResult.NotFound.INSTANCE, new KvResult.CasMismatch(null), new KvResult.CasMismatch(new byte[] {7}),
                new KvResult.Rejected("too big: ключ"), new KvResult.Stale(-1, 2, 3),
                new KvResult.SessionExpired(5, 6));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("results")
    void roundTripsAndRefusesEveryTruncation(KvResult result) {
        byte[] bytes = KvResultCodec.encode(result);
        assertThat(KvResultCodec.decode(bytes, 16)).isEqualTo(result);
        for (int length = 0; length < bytes.length; length++) {
            byte[] cut = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> KvResultCodec.decode(cut, 16)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Property
    void arbitraryBytesDecodeOrFailWithIllegalArgumentOnly(@ForAll byte[] bytes) {
        try {
            KvResultCodec.decode(bytes, 1 << 20);
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Test
    void longReasonsAreCutAtACharacterBoundary() {
        KvResult decoded = KvResultCodec.decode(KvResultCodec.encode(new KvResult.Rejected("é".repeat(600))), 0);
        assertThat(((KvResult.Rejected) decoded).reason()).isEqualTo("é".repeat(512));
    }
}
