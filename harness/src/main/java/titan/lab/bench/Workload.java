package titan.lab.bench;

import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

import titan.client.Outcome;
import titan.client.TitanClient;

/**
 * What each request does: a put of a {@code valueBytes} value or a linearizable get, on one of
 * {@code keys} keys chosen uniformly, in the proportions of {@code mix}. The same for every
 * protocol of a run, so the protocols are compared on the same work.
 */
public record Workload(int keys, int valueBytes, Mix mix) {
    public Workload {
        if (keys < 1 || valueBytes < 0) {
            throw new IllegalArgumentException("need at least one key and a non-negative value size");
        }
    }

    /** The value every put writes: {@code valueBytes} printable bytes. */
    public byte[] value() {
        byte[] v = new byte[valueBytes];
        for (int i = 0; i < v.length; i++) {
            v[i] = (byte) ('a' + i % 26);
        }
        return v;
    }

    public static String key(int n) {
        return "bench-" + n;
    }

    /** Issues the next request on {@code client}, choosing with {@code random} (owned by the caller). */
    public CompletableFuture<Outcome> issue(TitanClient client, SplittableRandom random, byte[] value) {
        String key = key(random.nextInt(keys));
        if (mix.writeFraction() >= 1 || random.nextDouble() < mix.writeFraction()) {
            return client.put(key, value);
        }
        return client.get(key, TitanClient.ReadMode.LINEARIZABLE);
    }
}
