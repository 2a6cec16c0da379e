package titan.checker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import titan.checker.history.EdnFormat;
import titan.checker.history.History;
import titan.checker.history.HistoryFormatException;
import titan.checker.model.CasRegisterModel;
import titan.checker.model.MultiRegisterModel;
import titan.checker.model.MutexModel;

/**
 * The Knossos test histories the checker's tests use ({@code checker/src/test/resources/knossos/data},
 * laid out as {@code <model>/<good|bad>/<name>.edn}), read as text once so benchmarks can parse or
 * check them without touching the disk.
 * <p>The folder is taken from the system property {@code titan.knossos.dir} if set, else found by
 * walking up from the working directory (so the benchmarks run from the repository root or from
 * {@code jmh-bench/}). A missing folder is an error with the places looked at, never an empty set.
 */
final class KnossosCorpus {
    static final String DIRECTORY_PROPERTY = "titan.knossos.dir";
    private static final Path RELATIVE = Path.of("checker", "src", "test", "resources", "knossos", "data");
    /** The folder's file count, as the checker's KnossosVerdictTest asserts: a partial copy fails loudly. */
    static final int FILE_COUNT = 122;

    /** One history file: its text, and the model and verdict its folders give. */
    record Entry(String name, String text, Model<?> model, Verdict expected) {}

    private KnossosCorpus() {}

    static List<Entry> load() {
        Path root = locate();
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".edn")).sorted().toList()) {
                Path relative = root.relativize(file);
                Verdict expected = relative.getName(1).toString().equals("good") ? Verdict.VALID : Verdict.INVALID;
                entries.add(new Entry(relative.toString(), Files.readString(file, StandardCharsets.UTF_8),
                        model(relative.getName(0).toString()), expected));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Knossos histories under " + root, e);
        }
        if (entries.size() != FILE_COUNT) {
            throw new IllegalStateException("expected " + FILE_COUNT + " Knossos histories under " + root
                    + " but found " + entries.size());
        }
        return entries;
    }

    static History parse(Entry entry) {
        try {
            return EdnFormat.read(entry.name(), entry.text());
        } catch (HistoryFormatException e) {
            throw new IllegalStateException("Knossos history " + entry.name() + " does not parse: " + e.getMessage(), e);
        }
    }

    private static Path locate() {
        String configured = System.getProperty(DIRECTORY_PROPERTY);
        if (configured != null) {
            Path root = Path.of(configured);
            if (!Files.isDirectory(root)) {
                throw new IllegalStateException("-D" + DIRECTORY_PROPERTY + "=" + configured + " is not a directory");
            }
            return root;
        }
        List<Path> looked = new ArrayList<>();
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(RELATIVE);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
            looked.add(candidate);
        }
        throw new IllegalStateException("the Knossos histories were not found; looked in " + looked
                + ". Run the benchmarks from the repository root, or pass -jvmArgsAppend -D"
                + DIRECTORY_PROPERTY + "=<path to checker/src/test/resources/knossos/data>");
    }

    /**
     * The models Knossos's own tests use, as the checker's KnossosHistories does: a nil read is
     * "not known", cas-register starts at 0, multi-register at {x 0, y 0}.
     */
    private static Model<?> model(String folder) {
        return switch (folder) {
            case "cas-register" -> CasRegisterModel.knossos(0L);
            case "multi-register" -> new MultiRegisterModel(Map.of("x", 0L, "y", 0L));
            case "mutex" -> new MutexModel();
            default -> throw new IllegalStateException("no model for the Knossos folder " + folder);
        };
    }
}
