package titan.node.api;

import titan.node.kv.KvConfig;
import titan.node.kv.Keys;

/**
 * The bounds a client API server enforces before anything reaches the node. Keys follow
 * {@link Keys} (1..1024 UTF-8 bytes), values {@code valueBytesMax} (use the cluster's
 * {@link KvConfig#valueBytesMax()}: a larger value would only be rejected later, in the log).
 *
 * @param valueBytesMax      the largest value, expected value or append suffix
 * @param frameBytesMax      the largest binary frame (after its length prefix) and the largest HTTP body
 * @param inFlightMax        requests in flight per connection before the server stops reading it
 */
public record ApiLimits(int valueBytesMax, int frameBytesMax, int inFlightMax) {
    public ApiLimits {
        if (valueBytesMax < 0 || inFlightMax < 1) {
            throw new IllegalArgumentException("valueBytesMax must be >= 0 and inFlightMax >= 1");
        }
        if (frameBytesMax < BinaryProtocol.HEADER_BYTES + 64) {
            throw new IllegalArgumentException("frameBytesMax " + frameBytesMax + " is too small");
        }
    }

    /** Limits for {@code valueBytesMax}: frames large enough for a CAS of two such values, 1024 in flight. */
    public static ApiLimits forValues(int valueBytesMax) {
        long frame = 2L * valueBytesMax + Keys.KEY_BYTES_MAX + 64;
        return new ApiLimits(valueBytesMax, (int) Math.min(Integer.MAX_VALUE - 16, frame), 1024);
    }

    public static ApiLimits of(KvConfig config) {
        return forValues(config.valueBytesMax());
    }

    public ApiLimits withInFlightMax(int max) {
        return new ApiLimits(valueBytesMax, frameBytesMax, max);
    }
}
