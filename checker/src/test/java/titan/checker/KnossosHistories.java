package titan.checker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import titan.checker.model.CasRegisterModel;
import titan.checker.model.MultiRegisterModel;
import titan.checker.model.MutexModel;

/** The Knossos test histories copied into test resources, with the model and verdict their folders give. */
final class KnossosHistories {
    /** One file: {@code data/<model>/<good|bad>/<name>.edn}. */
    record Case(String name, Path file, Model<?> model, Verdict expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private KnossosHistories() {}

    static Path root() {
        try {
            return Path.of(KnossosHistories.class.getResource("/knossos/data").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Case> all() {
        Path root = root();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".edn")).sorted().map(f -> {
                Path relative = root.relativize(f);
                String modelName = relative.getName(0).toString();
                Verdict expected = relative.getName(1).toString().equals("good") ? Verdict.VALID : Verdict.INVALID;
                return new Case(relative.toString(), f, model(modelName), expected);
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Knossos's own tests check cas-register histories with {@code (cas-register 0)} and
     * multi-register ones with {@code (multi-register {:x 0 :y 0})}; both read nil as "unknown".
     */
    static Model<?> model(String folder) {
        return switch (folder) {
            case "cas-register" -> CasRegisterModel.knossos(0L);
            case "multi-register" -> new MultiRegisterModel(Map.of("x", 0L, "y", 0L));
            case "mutex" -> new MutexModel();
            default -> throw new IllegalArgumentException("no model for folder " + folder);
        };
    }
}
