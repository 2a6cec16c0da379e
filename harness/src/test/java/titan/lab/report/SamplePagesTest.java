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
        List<Path> pages = new java.util.ArrayList<>(RunReportTest.samplePages(into));
        pages.add(FakeRuns.write(new titan.lab.store.RunStore(into), FakeRuns.Spec.valid("kv-100k").withFaults()
                .withOperations(100_000, false), RunReportTest.START.plusMinutes(20)).file(titan.lab.store.RunFolder.REPORT));
        for (Path page : pages) {
            assertThat(Files.size(page)).isPositive();
            System.out.println(page.toAbsolutePath());
        }
    }
}
