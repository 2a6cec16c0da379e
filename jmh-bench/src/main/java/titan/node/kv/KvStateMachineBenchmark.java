package titan.node.kv;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of applying one committed command to {@link KvStateMachine}, as every replica does for
 * every write: decode, the session check (dissertation §6.3: dedup by client id and sequence, the
 * cached result, LRU order by log index) and the map update. Each invocation encodes the next
 * command of a round-robin over {@code sessions} clients and {@code keys} keys and applies it at
 * the next log index; {@link #baselineEncode} does only the encoding, so apply's own cost is the
 * difference. {@code op}: {@code put} of a {@code valueBytes} value; {@code cas} that always
 * matches (the expected value is the one this benchmark wrote last), so it takes the write path;
 * {@code append} of a 16-byte suffix.
 *
 * <p>Pitfalls guarded against: sequences rise per client, so every command is new (a repeated
 * sequence would measure the cached-retry path instead); the machine is rebuilt every iteration,
 * so appended values stay short and the heap does not grow across iterations; the result is
 * returned so the work cannot be eliminated.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class KvStateMachineBenchmark {
    private static final int APPEND_SUFFIX_BYTES = 16;

    @Param({"put", "cas", "append"})
    String op;

    @Param({"1", "1000"})
    int sessions;

    @Param({"1000"})
    int keys;

    @Param({"256"})
    int valueBytes;

    private KvStateMachine machine;
    private KvCommandCodec codec;
    private String[] keyNames;
    private byte[][] values;     // two alternating values, so a cas always changes the key
    private int[] lastValue;     // per key: which of the two values it holds, -1 for absent
    private long[] sequences;    // per client: the last sequence used
    private byte[] suffix;
    private long index;
    private long step;

    @Setup(Level.Iteration)
    public void freshMachine() {
        machine = new KvStateMachine(KvConfig.DEFAULT);
        codec = machine.codec();
        keyNames = new String[keys];
        for (int k = 0; k < keys; k++) {
            keyNames[k] = "key-" + k;
        }
        values = new byte[][] {filled(valueBytes, (byte) 'a'), filled(valueBytes, (byte) 'b')};
        lastValue = new int[keys];
        java.util.Arrays.fill(lastValue, -1);
        sequences = new long[sessions];
        suffix = filled(APPEND_SUFFIX_BYTES, (byte) 's');
        index = 0;
        step = 0;
    }

    @Benchmark
    public KvResult apply() {
        return machine.apply(++index, codec.encode(next()));
    }

    /** Builds and encodes the same commands without applying them. */
    @Benchmark
    public byte[] baselineEncode() {
        return codec.encode(next());
    }

    private KvCommand next() {
        int client = (int) (step % sessions);
        int key = (int) (step % keys);
        step++;
        long clientId = client + 1L;
        long sequence = ++sequences[client];
        String name = keyNames[key];
        switch (op) {
            case "put":
                return new KvCommand.Put(clientId, sequence, name, values[(int) (sequence & 1)]);
            case "cas": {
                int previous = lastValue[key];
                int nextValue = previous == 0 ? 1 : 0;
                lastValue[key] = nextValue;
                return new KvCommand.Cas(clientId, sequence, name, previous < 0 ? null : values[previous],
                        values[nextValue]);
            }
            case "append":
                return new KvCommand.Append(clientId, sequence, name, suffix);
            default:
                throw new IllegalArgumentException("op must be put, cas or append, not " + op);
        }
    }

    private static byte[] filled(int length, byte b) {
        byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, b);
        return bytes;
    }
}
