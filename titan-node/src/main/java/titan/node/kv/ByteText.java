package titan.node.kv;

import java.nio.charset.StandardCharsets;

/** Short, readable renderings of byte values for {@code toString()} and error messages. */
final class ByteText {
    private static final int SHOWN_BYTES_MAX = 32;

    private ByteText() {}

    /** {@code "text"} when the bytes are printable ASCII, {@code 0x0a1b…} otherwise; long values are cut. */
    static String of(byte[] value) {
        if (value == null) {
            return "null";
        }
        int shown = Math.min(value.length, SHOWN_BYTES_MAX);
        String more = value.length > shown ? "…(" + value.length + "B)" : "";
        if (isPrintable(value, shown)) {
            return '"' + new String(value, 0, shown, StandardCharsets.US_ASCII) + '"' + more;
        }
        StringBuilder hex = new StringBuilder("0x");
        for (int i = 0; i < shown; i++) {
            hex.append(Character.forDigit((value[i] >> 4) & 0xf, 16)).append(Character.forDigit(value[i] & 0xf, 16));
        }
        return hex + more;
    }

    private static boolean isPrintable(byte[] value, int count) {
        for (int i = 0; i < count; i++) {
            if (value[i] < 0x20 || value[i] > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
