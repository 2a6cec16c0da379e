package titan.raft;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Raft core must stay a pure, deterministic state machine (docs/architecture.md): no
 * threads, sockets, files, clock reads or global randomness in {@code titan.raft}. This test reads
 * the package's sources and fails the build on any banned import or call.
 */
class RaftPurityTest {
    private static final List<Pattern> BANNED = List.of(
            Pattern.compile("^import\\s+java\\.io\\.", Pattern.MULTILINE),
            Pattern.compile("^import\\s+java\\.nio\\.(file|channels)\\.", Pattern.MULTILINE),
            Pattern.compile("^import\\s+java\\.net\\.", Pattern.MULTILINE),
            Pattern.compile("^import\\s+java\\.util\\.concurrent\\.", Pattern.MULTILINE),
            Pattern.compile("^import\\s+java\\.time\\.", Pattern.MULTILINE),
            Pattern.compile("^import\\s+java\\.util\\.Random;", Pattern.MULTILINE),
            Pattern.compile("\\bnew\\s+(java\\.util\\.)?Random\\s*\\("),
            Pattern.compile("\\bThread\\b"),
            Pattern.compile("\\bThreadLocalRandom\\b"),
            Pattern.compile("System\\s*\\.\\s*(currentTimeMillis|nanoTime)"),
            Pattern.compile("\\bInstant\\s*\\.\\s*now"),
            Pattern.compile("\\bMath\\s*\\.\\s*random"),
            Pattern.compile("\\bsynchronized\\b"),
            Pattern.compile("\\bvolatile\\b"));

    @Test
    void raftPackageImportsNoIoConcurrencyOrTime() throws IOException {
        Path root = Path.of("src/main/java/titan/raft");
        assertThat(root).isDirectory();
        List<String> offences = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                offences.addAll(offences(file.toString(), Files.readString(file)));
            }
        }
        assertThat(offences).isEmpty();
    }

    // The scan itself must be able to fail: each banned construct is caught in a sample.
    @Test
    void theScanCatchesEachBannedConstruct() {
        List<String> samples = List.of("import java.io.File;", "import java.nio.file.Path;",
                "import java.net.Socket;", "import java.util.concurrent.Executor;", "import java.time.Instant;",
                "import java.util.Random;", "int r = new Random().nextInt();", "Thread.onSpinWait();",
                "ThreadLocalRandom.current()", "long t = System.nanoTime();", "System.currentTimeMillis()",
                "Instant.now()", "Math.random()", "synchronized (this) {}", "volatile int x;");
        for (String sample : samples) {
            assertThat(offences("sample", sample)).as(sample).isNotEmpty();
        }
        assertThat(offences("sample", "import java.util.random.RandomGenerator;")).isEmpty();
    }

    private static List<String> offences(String file, String source) {
        String code = source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
        List<String> found = new ArrayList<>();
        for (Pattern p : BANNED) {
            if (p.matcher(code).find()) {
                found.add(file + ": " + p.pattern());
            }
        }
        return found;
    }
}
