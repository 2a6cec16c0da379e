package titan.lab.report;

import static org.assertj.core.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Assumptions;

/**
 * Headless Chromium (Debian's {@code chromium}) for the page tests, as the checker's
 * HtmlReportBrowserTest drives it: without Chromium a test is skipped, except under CI
 * ({@code CI=true}), where its absence is a failure. Each run has a hard deadline and is killed,
 * with its children, past it. Output goes to files, never pipes, so a full pipe cannot block it.
 */
public final class Chromium {
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    private final Path program;
    private final Path scratch;

    private Chromium(Path program, Path scratch) {
        this.program = program;
        this.scratch = scratch;
    }

    /** Chromium on the PATH; skips the calling test without it, or fails it under CI. */
    public static Chromium find(Path scratch) {
        Optional<Path> found = onPath("chromium").or(() -> onPath("chromium-browser"));
        if (found.isEmpty()) {
            String why = "headless Chromium is not installed (Debian: apt-get install chromium)";
            if ("true".equals(System.getenv("CI"))) {
                fail(why + "; CI=true, so this is an error");
            }
            Assumptions.abort(why + "; skipping the browser test (it fails instead when CI=true)");
        }
        return new Chromium(found.get(), scratch);
    }

    /** A finished Chromium run: exit code, standard output, and its log. */
    public record Run(int exitCode, String stdout, String stderr) {
        /** Lines Chromium logs for the page's console (script errors, CSP violations, failed loads, console.*). */
        public List<String> consoleMessages() {
            return stderr.lines().filter(line -> line.contains(":CONSOLE")).toList();
        }
    }

    /** The DOM after scripts ran (and inline frames loaded: a virtual-time budget lets them). */
    public Run dumpDom(String url) throws IOException, InterruptedException {
        return run("dom", "--virtual-time-budget=5000", "--dump-dom", url);
    }

    public Run screenshot(String url, Path png, int width, int height) throws IOException, InterruptedException {
        Files.deleteIfExists(png);
        return run("shot", "--virtual-time-budget=5000", "--hide-scrollbars", "--screenshot=" + png.toAbsolutePath(),
                "--window-size=" + width + "," + height, url);
    }

    private Run run(String name, String... arguments) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(scratch, "profile-" + name);
        List<String> command = new ArrayList<>(List.of(program.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--enable-logging=stderr", "--v=0", "--user-data-dir=" + profile));
        command.addAll(List.of(arguments));
        File stdout = Files.createTempFile(scratch, name, ".out").toFile();
        File stderr = Files.createTempFile(scratch, name, ".err").toFile();
        Process process = new ProcessBuilder(command).redirectOutput(stdout).redirectError(stderr).start();
        if (!process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            fail("chromium (" + name + ") did not finish within " + DEADLINE.toSeconds() + " s; log:\n"
                    + Files.readString(stderr.toPath()));
        }
        return new Run(process.exitValue(), Files.readString(stdout.toPath()), Files.readString(stderr.toPath()));
    }

    /** Pixels within a small distance of {@code rgb}, allowing for anti-aliasing and colour management. */
    public static int pixelsNear(BufferedImage image, int rgb) {
        return pixels(image, pixel -> {
            int dr = ((pixel >> 16) & 0xff) - ((rgb >> 16) & 0xff);
            int dg = ((pixel >> 8) & 0xff) - ((rgb >> 8) & 0xff);
            int db = (pixel & 0xff) - (rgb & 0xff);
            return dr * dr + dg * dg + db * db <= 12 * 12;
        });
    }

    /** Pixels whose RGB satisfies {@code test} (e.g. "clearly blue"), for translucent and overlapping marks. */
    public static int pixels(BufferedImage image, IntPredicate test) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if (test.test(image.getRGB(x, y) & 0xffffff)) {
                    n++;
                }
            }
        }
        return n;
    }

    public static int red(int rgb) {
        return (rgb >> 16) & 0xff;
    }

    public static int green(int rgb) {
        return (rgb >> 8) & 0xff;
    }

    public static int blue(int rgb) {
        return rgb & 0xff;
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String folder : path.split(File.pathSeparator)) {
            Path candidate = Path.of(folder, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
