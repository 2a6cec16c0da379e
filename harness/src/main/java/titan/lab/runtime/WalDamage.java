package titan.lab.runtime;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

import titan.nemesis.Fault;

/**
 * Damages the tail of a stopped node's write-ahead log on a file system the lab can reach: cuts
 * 1-64 bytes off the newest segment ({@code wal-*.log}), or flips one byte among its last 64.
 */
final class WalDamage {
    private static final int TAIL_BYTES = 64;

    private WalDamage() {}

    static String damage(Path dataDir, Fault.WalDamageKind kind, RandomGenerator random) {
        Optional<Path> newest;
        try (Stream<Path> files = Files.walk(dataDir)) {
            newest = files.filter(p -> p.getFileName().toString().matches("wal-.*\\.log"))
                    .max(Comparator.comparing(p -> p.getFileName().toString()));
        } catch (IOException e) {
            throw new RuntimeFailure("cannot list " + dataDir + ": " + e.getMessage(), e);
        }
        if (newest.isEmpty()) {
            return "no WAL segment";
        }
        Path segment = newest.get();
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            long length = file.length();
            if (length == 0) {
                return "empty segment " + segment.getFileName();
            }
            int span = (int) Math.min(TAIL_BYTES, length);
            if (kind == Fault.WalDamageKind.TRUNCATE) {
                int cut = 1 + random.nextInt(span);
                file.setLength(length - cut);
                return "cut " + cut + " bytes off " + segment.getFileName();
            }
            long at = length - 1 - random.nextInt(span);
            file.seek(at);
            int b = file.read();
            file.seek(at);
            file.write(b ^ (1 + random.nextInt(255)));
            return "flipped byte " + at + " of " + segment.getFileName();
        } catch (IOException e) {
            throw new RuntimeFailure("cannot damage " + segment + ": " + e.getMessage(), e);
        }
    }
}
