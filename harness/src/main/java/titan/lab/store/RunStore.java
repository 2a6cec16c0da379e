package titan.lab.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The results store (docs/history-format.md and README.md): each run writes
 * {@code results/runs/<test-name>/<yyyyMMdd-HHmmss[-n]>/} (UTC), and {@code latest} beside the
 * timestamps points at the newest: a symbolic link, or where links fail a text file holding the
 * folder's name. Run output is git-ignored; only baselines and small samples are committed.
 * <pre>
 * results/runs/
 *   register-partition/
 *     20261201-010203/      test.json history.jsonl results.json report.html nodes/n1/node.log
 *     20261201-010203-2/    a second run in the same second
 *     latest -> 20261201-010203-2
 * </pre>
 * Not thread-safe for two writers creating runs of one test in the same second in two processes:
 * the second {@code createDirectory} fails and {@link #create} tries the next suffix.
 */
public final class RunStore {
    /** The timestamp of a run folder's name, in UTC. */
    public static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    /** The name beside the run folders that points at the newest. */
    public static final String LATEST = "latest";

    private static final Pattern TEST_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,119}");
    private static final Pattern RUN_NAME = Pattern.compile("\\d{8}-\\d{6}(-\\d+)?|\\d{8}T\\d{6}Z(-\\d+)?");

    private final Path root;

    public RunStore(Path root) {
        this.root = root;
    }

    /** The default store, {@code results/runs} under the working directory. */
    public static RunStore defaultStore() {
        return new RunStore(Path.of("results", "runs"));
    }

    public Path root() {
        return root;
    }

    /**
     * Creates a new, empty run folder for {@code testName} and points {@code latest} at it.
     *
     * @throws IllegalArgumentException when {@code testName} is not a plain name (letters, digits,
     *                                  {@code . _ + -}, not starting with a dot), so no test name can
     *                                  write outside the store
     */
    public RunFolder create(String testName, ZonedDateTime now) throws IOException {
        checkTestName(testName);
        Path dir = Files.createDirectories(root.resolve(testName));
        String stamp = now.withZoneSameInstant(ZoneOffset.UTC).format(STAMP);
        for (int n = 1; ; n++) {
            Path run = dir.resolve(n == 1 ? stamp : stamp + "-" + n);
            try {
                Files.createDirectory(run);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                continue;
            }
            pointLatest(dir, run.getFileName().toString());
            return new RunFolder(run);
        }
    }

    /** Like {@link #create} and returns the folder's path (the shape the simulator's command uses). */
    public Path newRun(String testName, ZonedDateTime now) throws IOException {
        return create(testName, now).dir();
    }

    /**
     * Every run folder in the store, newest first (by folder name, which is the start time; ties by
     * test name). {@code latest} entries, stray files and folders whose names are not timestamps are
     * left out. A missing store has no runs.
     */
    public List<RunFolder> runs() throws IOException {
        List<RunFolder> runs = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return runs;
        }
        try (DirectoryStream<Path> tests = Files.newDirectoryStream(root)) {
            for (Path test : tests) {
                if (!Files.isDirectory(test, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        || !TEST_NAME.matcher(test.getFileName().toString()).matches()) {
                    continue;
                }
                try (DirectoryStream<Path> stamps = Files.newDirectoryStream(test)) {
                    for (Path run : stamps) {
                        if (RUN_NAME.matcher(run.getFileName().toString()).matches()
                                && Files.isDirectory(run, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                            runs.add(new RunFolder(run));
                        }
                    }
                }
            }
        }
        runs.sort(Comparator.comparing((RunFolder r) -> sortableStamp(r.runName())).reversed()
                .thenComparing(RunFolder::testName));
        return runs;
    }

    /** Whether {@code name} can name a test folder. */
    public static boolean isTestName(String name) {
        return name != null && TEST_NAME.matcher(name).matches();
    }

    private static void checkTestName(String testName) {
        if (!isTestName(testName)) {
            throw new IllegalArgumentException("a test name is 1 to 120 letters, digits, '.', '_', '+' or '-', "
                    + "not starting with a dot or dash: " + testName);
        }
    }

    /** Older runs used {@code yyyyMMdd'T'HHmmss'Z'}; both sort by their digits and suffix. */
    private static String sortableStamp(String name) {
        String digits = name.replace("T", "-").replace("Z", "");
        int dash = digits.indexOf('-', 9);
        String suffix = dash < 0 ? "" : digits.substring(dash + 1);
        String base = dash < 0 ? digits : digits.substring(0, dash);
        return base + "-" + "0".repeat(Math.max(0, 6 - suffix.length())) + suffix;
    }

    private static void pointLatest(Path testDir, String runName) throws IOException {
        Path latest = testDir.resolve(LATEST);
        Files.deleteIfExists(latest);
        try {
            Files.createSymbolicLink(latest, Path.of(runName));
        } catch (IOException | UnsupportedOperationException e) {
            // A file system without links gets the folder's name as text (the run-folder contract).
            Files.writeString(latest, runName + "\n", StandardCharsets.UTF_8);
        }
    }

    /** The newest run of {@code testName} as {@code latest} names it, or null when there is none. */
    public RunFolder latest(String testName) throws IOException {
        checkTestName(testName);
        Path latest = root.resolve(testName).resolve(LATEST);
        if (Files.isSymbolicLink(latest)) {
            Path target = latest.resolveSibling(Files.readSymbolicLink(latest));
            return Files.isDirectory(target) ? new RunFolder(target) : null;
        }
        if (Files.isRegularFile(latest)) {
            String name = Files.readString(latest, StandardCharsets.UTF_8).strip();
            Path target = latest.resolveSibling(name);
            return RUN_NAME.matcher(name).matches() && Files.isDirectory(target) ? new RunFolder(target) : null;
        }
        return null;
    }
}
