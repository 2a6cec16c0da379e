package titan.lab.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import titan.lab.report.Chromium;
import titan.lab.report.FakeRuns;
import titan.lab.store.RunFolder;
import titan.lab.store.RunStore;

/**
 * {@code titan-lab serve} in a real browser: headless Chromium loads the index and a report from a
 * running server on 127.0.0.1 (so under the server's Content-Security-Policy, which a page that
 * reached for the network would violate, in the console), and takes screenshots into
 * {@code target/run-browser/}.
 */
@Tag("browser")
class RunBrowserPagesBrowserTest {
    private static final Path OUTPUT = Path.of("target", "run-browser");
    private static final ZonedDateTime START = ZonedDateTime.of(2026, 12, 1, 1, 2, 3, 0, ZoneOffset.UTC);

    @TempDir
    Path scratch;

    // The index renders without console errors with one row per run in the verdict's colour and the
    // filter form; a served report renders under the CSP without console errors too.
    @Test
    void indexAndReportRenderFromTheServer() throws Exception {
        Chromium chromium = Chromium.find(scratch);
        RunStore store = new RunStore(scratch.resolve("runs"));
        FakeRuns.write(store, FakeRuns.Spec.valid("kv-partition").withFaults().withOperations(4_000, false), START);
        FakeRuns.write(store, FakeRuns.Spec.valid("register-kill").withSeed(2).withOperations(800, false),
                START.plusMinutes(3));
        RunFolder invalid = FakeRuns.write(store, FakeRuns.Spec.valid("kv-stale-read").withInvalidRead(),
                START.plusMinutes(9));
        store.create("kv-crashed", START.plusMinutes(12)).writeTest(FakeRuns.config(FakeRuns.Spec.valid("kv-crashed"), START));
        Files.createDirectories(OUTPUT);

        try (RunBrowser browser = RunBrowser.start(store, 0)) {
            Chromium.Run dom = chromium.dumpDom(browser.url());
            assertThat(dom.exitCode()).as(dom.stderr()).isZero();
            assertThat(dom.consoleMessages()).as("messages the index wrote to the console").isEmpty();
            assertThat(dom.stdout()).contains("data-index=\"ready\"").contains("<form class=\"filter\"")
                    .contains("<tr class=\"run invalid\" data-test=\"kv-stale-read\"")
                    .contains("<tr class=\"run valid\" data-test=\"kv-partition\"")
                    .contains("<tr class=\"run running\" data-test=\"kv-crashed\"");

            Path png = OUTPUT.resolve("index.png").toAbsolutePath();
            Chromium.Run shot = chromium.screenshot(browser.url(), png, 1300, 700);
            assertThat(shot.exitCode()).as(shot.stderr()).isZero();
            BufferedImage image = ImageIO.read(png.toFile());
            assertThat(Chromium.pixelsNear(image, 0xd5eedd)).as("valid badges").isGreaterThan(300);
            assertThat(Chromium.pixelsNear(image, 0xfddcdc)).as("invalid badges").isGreaterThan(300);
            assertThat(Chromium.pixelsNear(image, 0xc53030)).as("invalid row rule and badge text").isGreaterThan(100);
            assertThat(Chromium.pixelsNear(image, 0x2f855a)).as("valid row rules and badge text").isGreaterThan(100);

            String report = browser.url() + "runs/kv-stale-read/" + invalid.runName() + "/report.html";
            Chromium.Run served = chromium.dumpDom(report);
            assertThat(served.exitCode()).as(served.stderr()).isZero();
            assertThat(served.consoleMessages()).as("CSP violations or script errors of the served report").isEmpty();
            assertThat(served.stdout()).contains("data-report=\"ready\"").contains("<iframe class=\"explanation\"");
            Chromium.Run reportShot = chromium.screenshot(report, OUTPUT.resolve("served-report.png"), 1300, 1400);
            assertThat(reportShot.consoleMessages()).isEmpty();
        }
    }
}
