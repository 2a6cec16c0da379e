package titan.checker.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The explanation page in a real browser: headless Chromium (Debian's {@code chromium}) loads it
 * from a file, runs its script, and takes a screenshot into {@code target/html-report/}.
 * <p>Without Chromium the test is skipped, except under CI ({@code CI=true}), where {@code .ci/run}
 * installs it and its absence is a failure. Each Chromium run has a hard deadline and is killed,
 * with its children, if it passes it.
 */
@Tag("browser")
class HtmlReportBrowserTest {
    private static final Duration CHROMIUM_DEADLINE = Duration.ofSeconds(90);
    private static final Path OUTPUT = Path.of("target", "html-report");

    @TempDir
    Path scratch;

    // The page for Knossos's cas-failure.edn renders in Chromium without console errors, its
    // script completes (it marks the body ready), the DOM has the chart with the failing operation,
    // and the screenshot is a real picture: many colours, among them the failing bar's red and the
    // linearized bars' green.
    @Test
    void invalidKnossosExplanationRendersInHeadlessChromium() throws Exception {
        Path chromium = chromium();
        ReportHistories.Checked checked = ReportHistories.casFailure();
        Files.createDirectories(OUTPUT);
        Path page = OUTPUT.resolve("cas-failure.html").toAbsolutePath();
        HtmlReport.write(checked.result(), checked.history(), page);

        Run dom = run(chromium, "dom", "--dump-dom", page.toUri().toString());
        Files.writeString(OUTPUT.resolve("cas-failure.dom.html"), dom.stdout());
        assertThat(dom.exitCode()).as(dom.stderr()).isZero();
        assertThat(dom.consoleMessages()).as("messages the page wrote to the console").isEmpty();
        assertThat(dom.stdout()).contains("data-timeline=\"ready\"")
                .contains("<svg class=\"chart\"")
                .contains("<g class=\"op bad focus\"")
                .contains("p70 read 0 ok");

        Path png = OUTPUT.resolve("cas-failure.png").toAbsolutePath();
        Files.deleteIfExists(png);
        Run shot = run(chromium, "screenshot", "--screenshot=" + png, "--window-size=1400,1100",
                page.toUri().toString());
        assertThat(shot.exitCode()).as(shot.stderr()).isZero();
        assertThat(shot.consoleMessages()).isEmpty();
        assertThat(png).exists();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1400);
        assertThat(image.getHeight()).isEqualTo(1100);
        assertThat(distinctColours(image)).isGreaterThan(50);
        assertThat(pixelsNear(image, 0xfddcdc)).as("failing bar and verdict fill").isGreaterThan(500);
        assertThat(pixelsNear(image, 0xd5eedd)).as("linearized bars' fill").isGreaterThan(500);
        assertThat(pixelsNear(image, 0xc53030)).as("failing bar outline, verdict text").isGreaterThan(100);
    }

    /** A finished Chromium run: exit code, standard output, and its log. */
    private record Run(int exitCode, String stdout, String stderr) {
        /** Lines Chromium logs for the page's console (script errors, failed loads, console.*). */
        List<String> consoleMessages() {
            return stderr.lines().filter(line -> line.contains(":CONSOLE")).toList();
        }
    }

    private Run run(Path chromium, String name, String... arguments) throws IOException, InterruptedException {
        Path profile = Files.createDirectories(scratch.resolve("profile-" + name));
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--enable-logging=stderr", "--v=0", "--user-data-dir=" + profile));
        command.addAll(List.of(arguments));
        File stdout = scratch.resolve(name + ".out").toFile();
        File stderr = scratch.resolve(name + ".err").toFile();
        // Output goes to files, not pipes: a full pipe would block Chromium while we wait for it.
        Process process = new ProcessBuilder(command).redirectOutput(stdout).redirectError(stderr).start();
        if (!process.waitFor(CHROMIUM_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            fail("chromium (" + name + ") did not finish within " + CHROMIUM_DEADLINE.toSeconds() + " s; log:\n"
                    + Files.readString(stderr.toPath()));
        }
        return new Run(process.exitValue(), Files.readString(stdout.toPath()), Files.readString(stderr.toPath()));
    }

    /** Chromium on the PATH; skips the test without it, or fails it under CI. */
    private static Path chromium() {
        Optional<Path> found = findOnPath("chromium").or(() -> findOnPath("chromium-browser"));
        if (found.isEmpty()) {
            String why = "headless Chromium is not installed (Debian: apt-get install chromium)";
            if ("true".equals(System.getenv("CI"))) {
                fail(why + "; CI=true, and .ci/run installs it, so this is an error");
            }
            Assumptions.abort(why + "; skipping the browser test (it fails instead when CI=true)");
        }
        return found.get();
    }

    private static Optional<Path> findOnPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String folder : path.split(File.pathSeparator)) {
            Path candidate = Path.of(folder, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static int distinctColours(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                colours.add(image.getRGB(x, y) & 0xffffff);
            }
        }
        return colours.size();
    }

    /** Pixels within a small distance of {@code rgb}, allowing for anti-aliasing and colour management. */
    private static int pixelsNear(BufferedImage image, int rgb) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int pixel = image.getRGB(x, y);
                int dr = ((pixel >> 16) & 0xff) - ((rgb >> 16) & 0xff);
                int dg = ((pixel >> 8) & 0xff) - ((rgb >> 8) & 0xff);
                int db = (pixel & 0xff) - (rgb & 0xff);
                if (dr * dr + dg * dg + db * db <= 12 * 12) {
                    n++;
                }
            }
        }
        return n;
    }
}
