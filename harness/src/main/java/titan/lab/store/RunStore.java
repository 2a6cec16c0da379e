package titan.lab.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The results store (DESIGN.md, "Store and reports"): each run writes
 * {@code results/runs/<test-name>/<timestamp>/}, and {@code latest} beside the timestamps points at
 * the newest. Run output is git-ignored; only baselines and small samples are committed.
 */
public final class RunStore {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private final Path root;

    public RunStore(Path root) {
        this.root = root;
    }

    /** The default store, {@code results/runs} under the working directory. */
    public static RunStore defaultStore() {
        return new RunStore(Path.of("results", "runs"));
    }

    /** Creates a new run folder for {@code testName} and points {@code latest} at it. */
    public Path newRun(String testName, ZonedDateTime now) throws IOException {
        Path dir = root.resolve(testName);
        String stamp = now.withZoneSameInstant(ZoneOffset.UTC).format(STAMP);
        Path run = dir.resolve(stamp);
        for (int n = 2; Files.exists(run); n++) {
            run = dir.resolve(stamp + "-" + n);
        }
        Files.createDirectories(run);
        Path latest = dir.resolve("latest");
        try {
            Files.deleteIfExists(latest);
            Files.createSymbolicLink(latest, run.getFileName());
        } catch (IOException | UnsupportedOperationException e) {
            // A file system without links still has the timestamped folder; latest is a convenience.
        }
        return run;
    }
}
