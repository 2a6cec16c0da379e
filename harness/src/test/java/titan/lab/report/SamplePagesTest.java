package titan.lab.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Writes sample run folders into target/run-report for a person to open (not part of the default suite). */
@Tag("slow")
class SamplePagesTest {
    @Test
    void writeSamples() throws Exception {
        Path into = Path.of("target", "run-report", "runs");
        List<Path> pages = RunReportTest.samplePages(into);
        for (Path page : pages) {
            assertThat(Files.size(page)).isPositive();
            System.out.println(page.toAbsolutePath());
        }
    }
}
