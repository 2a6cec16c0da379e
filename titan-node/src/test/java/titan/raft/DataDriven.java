package titan.raft;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A data-driven test file in the etcd "datadriven" shape: blocks of an optional comment, one
 * command line, a {@code ----} separator and the expected output, separated by blank lines.
 * Running with {@code -Dtitan.rewrite=true} rewrites the expected output in place, for a
 * reviewer to read in the diff.
 */
final class DataDriven {
    /** One command: its name, positional arguments and {@code key=value} arguments. */
    record Command(String name, List<String> args, Map<String, String> options, String line) {
        String option(String key, String fallback) {
            return options.getOrDefault(key, fallback);
        }

        int intArg(int i) {
            return Integer.parseInt(args.get(i));
        }
    }

    private record Block(List<String> comments, String commandLine, String expected) {}

    private DataDriven() {}

    static void run(Path file, Function<Command, String> handler) {
        List<Block> blocks = parse(file);
        boolean rewrite = Boolean.getBoolean("titan.rewrite");
        StringBuilder rewritten = new StringBuilder();
        for (Block block : blocks) {
            String actual = trim(handler.apply(parseCommand(block.commandLine())));
            if (actual.isEmpty()) {
                actual = "ok";
            }
            if (rewrite) {
                block.comments().forEach(c -> rewritten.append(c).append('\n'));
                rewritten.append(block.commandLine()).append("\n----\n").append(actual).append("\n\n");
            } else {
                assertThat(actual).as("%s: output of '%s'", file.getFileName(), block.commandLine())
                        .isEqualTo(trim(block.expected()));
            }
        }
        if (rewrite) {
            try {
                Files.writeString(sourceOf(file), rewritten.toString().stripTrailing() + "\n", StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static String trim(String s) {
        return s.replaceAll("^\\n+", "").stripTrailing();
    }

    /** Maps target/test-classes/x back to src/test/resources/x so a rewrite lands in the source tree. */
    private static Path sourceOf(Path file) {
        String s = file.toAbsolutePath().toString().replace("/target/test-classes/", "/src/test/resources/");
        return Path.of(s);
    }

    private static List<Block> parse(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Block> blocks = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            List<String> comments = new ArrayList<>();
            while (i < lines.size() && (lines.get(i).isBlank() || lines.get(i).startsWith("#"))) {
                if (lines.get(i).startsWith("#")) {
                    comments.add(lines.get(i));
                }
                i++;
            }
            if (i >= lines.size()) {
                break;
            }
            String command = lines.get(i++);
            if (i >= lines.size() || !lines.get(i).equals("----")) {
                throw new IllegalArgumentException(file + ":" + i + ": expected ---- after '" + command + "'");
            }
            i++;
            StringBuilder expected = new StringBuilder();
            while (i < lines.size() && !lines.get(i).isBlank()) {
                expected.append(lines.get(i++)).append('\n');
            }
            blocks.add(new Block(comments, command, expected.toString()));
        }
        return blocks;
    }

    static Command parseCommand(String line) {
        String[] parts = line.trim().split("\\s+");
        List<String> args = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0) {
                options.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
            } else {
                args.add(parts[i]);
            }
        }
        return new Command(parts[0], args, options, line);
    }
}
