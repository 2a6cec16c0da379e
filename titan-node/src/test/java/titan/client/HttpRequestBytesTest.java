package titan.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The pieces of the HTTP client's hand-written request bytes: numbers and keys without strings. */
class HttpRequestBytesTest {
    private static String decimal(long n) {
        ByteBuf out = Unpooled.buffer();
        HttpTitanClient.writeDecimal(out, n);
        return out.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void numbersAreWrittenInDecimal() {
        assertThat(decimal(0)).isEqualTo("0");
        assertThat(decimal(7)).isEqualTo("7");
        assertThat(decimal(10)).isEqualTo("10");
        assertThat(decimal(1_234_567_890_123L)).isEqualTo("1234567890123");
        assertThat(decimal(Long.MAX_VALUE)).isEqualTo(Long.toString(Long.MAX_VALUE));
        assertThat(decimal(-42)).isEqualTo("-42");
    }

    @Test
    void keysArePercentEncodedByteByByte() {
        assertThat(HttpTitanClient.encodeKey("bench-17_a.b~c")).isEqualTo("bench-17_a.b~c");
        assertThat(HttpTitanClient.encodeKey("a b/c")).isEqualTo("a%20b%2Fc");
        assertThat(HttpTitanClient.encodeKey("é")).isEqualTo("%C3%A9");
        assertThat(HttpTitanClient.encodeKey("x€")).isEqualTo("x%E2%82%AC");
    }
}
