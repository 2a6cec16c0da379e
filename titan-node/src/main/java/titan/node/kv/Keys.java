package titan.node.kv;

/** The rules every key obeys: 1 to {@link #KEY_BYTES_MAX} bytes of well-formed UTF-8. */
public final class Keys {
    public static final int KEY_BYTES_MAX = 1024;

    private Keys() {}

    /** Throws {@link IllegalArgumentException} unless {@code key} is a valid key. */
    public static void check(String key) {
        if (key == null) {
            throw new IllegalArgumentException("key is required");
        }
        int length = utf8Length(key);
        if (length < 1 || length > KEY_BYTES_MAX) {
            throw new IllegalArgumentException("key must be 1.." + KEY_BYTES_MAX + " UTF-8 bytes, got " + length);
        }
    }

    /**
     * The UTF-8 length of {@code s}, computed without encoding it. An unpaired surrogate has no UTF-8
     * form (the JDK encoder would silently write '?'), so it is refused here rather than changing
     * the key behind the caller's back.
     */
    public static int utf8Length(String s) {
        int length = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                length += 1;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                length += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("key has an unpaired surrogate at char " + i);
            } else {
                length += 3;
            }
        }
        return length;
    }
}
