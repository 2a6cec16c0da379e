package titan.node.kv;

/**
 * The rules of one key-value state machine. Every replica of a cluster must use the same
 * configuration: the limits and the eviction count decide results, so replicas that differ in them
 * would diverge.
 *
 * @param valueBytesMax   the largest value, CAS expected value or append suffix a command may carry,
 *                        and the largest value an append may produce
 * @param sessionCountMax how many client sessions are kept; beyond it the least recently used (by
 *                        log index) is evicted, identically on every replica
 * @param noDedup         UNSAFE ({@code no-dedup}): ignore sessions, so a retried write is applied
 *                        again. Exists only so the lab can prove that it catches double-applied retries.
 */
public record KvConfig(int valueBytesMax, int sessionCountMax, boolean noDedup) {
    public static final int VALUE_BYTES_MAX_DEFAULT = 1 << 20;
    public static final int SESSION_COUNT_MAX_DEFAULT = 10_000;
    public static final KvConfig DEFAULT = new KvConfig(VALUE_BYTES_MAX_DEFAULT, SESSION_COUNT_MAX_DEFAULT, false);

    public KvConfig {
        if (valueBytesMax < 0) {
            throw new IllegalArgumentException("valueBytesMax must not be negative: " + valueBytesMax);
        }
        if (sessionCountMax < 1) {
            throw new IllegalArgumentException("sessionCountMax must be at least 1: " + sessionCountMax);
        }
    }

    public KvConfig withNoDedup(boolean on) {
        return new KvConfig(valueBytesMax, sessionCountMax, on);
    }
}
