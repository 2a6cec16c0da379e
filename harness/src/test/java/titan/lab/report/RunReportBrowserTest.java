package titan.lab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static titan.lab.report.Chromium.blue;
import static titan.lab.report.Chromium.green;
import static titan.lab.report.Chromium.red;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run report in a real browser: headless Chromium loads two fake runs' report.html from files
 * (a valid run with faults, an invalid one), runs the script, loads the embedded explanation, and
 * takes screenshots into {@code target/run-report/}.
 */
@Tag("browser")
class RunReportBrowserTest {
    private static final Path OUTPUT = Path.of("target", "run-report");

    @TempDir
    Path scratch;

    // Both pages render without console errors, their script finishes (body marked ready), the DOM
    // has the charts, the bands and the embedded explanation, and the screenshots show the outcome
    // colours (blue ok, magenta fail, amber info dots), the verdict colours and the fault bands.
    @Test
    void reportsRenderInHeadlessChromium() throws Exception {
        Chromium chromium = Chromium.find(scratch);
        List<Path> pages = RunReportTest.samplePages(Files.createDirectories(OUTPUT.resolve("runs")));

        Path valid = pages.get(0).toAbsolutePath();
        Chromium.Run dom = chromium.dumpDom(valid.toUri().toString());
        assertThat(dom.exitCode()).as(dom.stderr()).isZero();
        assertThat(dom.consoleMessages()).as("messages the page wrote to the console").isEmpty();
        assertThat(dom.stdout()).contains("data-report=\"ready\"").contains("<svg class=\"chart latency\"")
                .contains("<svg class=\"chart throughput\"").contains("<rect class=\"band\"")
                .contains("<span class=\"verdict valid\">VALID</span>").contains("<td>p99.9</td>".replace("td", "th"));

        BufferedImage shot = shoot(chromium, valid, OUTPUT.resolve("kv-partition.png"));
        assertThat(Chromium.pixels(shot, p -> blue(p) > red(p) + 70 && blue(p) > green(p) + 25))
                .as("ok dots and lines, blue").isGreaterThan(2_000);
        assertThat(Chromium.pixels(shot, p -> red(p) > 180 && green(p) < 120 && blue(p) > 70 && blue(p) < 170))
                .as("fail dots, magenta").isGreaterThan(300);
        assertThat(Chromium.pixels(shot, p -> red(p) > 220 && green(p) > 140 && green(p) < 190 && blue(p) < 90))
                .as("info dots, amber").isGreaterThan(100);
        assertThat(Chromium.pixelsNear(shot, 0xd5eedd)).as("VALID badge fill").isGreaterThan(300);
        assertThat(Chromium.pixelsNear(shot, 0x2f855a)).as("valid header rule and badge text").isGreaterThan(2_000);

        Path invalid = pages.get(1).toAbsolutePath();
        Chromium.Run invalidDom = chromium.dumpDom(invalid.toUri().toString());
        assertThat(invalidDom.exitCode()).as(invalidDom.stderr()).isZero();
        assertThat(invalidDom.consoleMessages()).as("messages the page or its frame wrote to the console").isEmpty();
        assertThat(invalidDom.stdout()).contains("data-report=\"ready\"").contains("<g class=\"flagged\">")
                .contains("<iframe class=\"explanation\"").contains("<tr class=\"flagged\">");
        BufferedImage invalidShot = shoot(chromium, invalid, OUTPUT.resolve("kv-stale-read.png"));
        assertThat(Chromium.pixelsNear(invalidShot, 0xc53030)).as("invalid header rule and badge text")
                .isGreaterThan(2_000);
        assertThat(Chromium.pixelsNear(invalidShot, 0xfddcdc)).as("INVALID badge and flagged row fill")
                .isGreaterThan(500);
    }

    private static BufferedImage shoot(Chromium chromium, Path page, Path png) throws Exception {
        Chromium.Run run = chromium.screenshot(page.toUri().toString(), png, 1300, 2000);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.consoleMessages()).isEmpty();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1300);
        return image;
    }
}
