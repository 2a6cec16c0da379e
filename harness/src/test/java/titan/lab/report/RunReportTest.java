package titan.lab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import titan.checker.history.Event;
import titan.checker.history.EventType;
import titan.checker.history.History;
import titan.checker.history.HistoryFormatException;
import titan.checker.history.Process;
import titan.lab.store.RunFolder;
import titan.lab.store.RunStore;

class RunReportTest {
    static final ZonedDateTime START = ZonedDateTime.of(2026, 12, 1, 1, 2, 3, 0, ZoneOffset.UTC);

    @TempDir
    Path store;

    // A valid run with faults: the page says VALID, draws all three outcomes, shades one band per
    // fault interval of the history (the generator's cycle), and fetches nothing from the network.
    @Test
    void validRunWithFaultsShowsVerdictOutcomesAndEveryFaultInterval() throws Exception {
        RunFolder run = FakeRuns.write(new RunStore(store), FakeRuns.Spec.valid("kv-faults").withFaults()
                .withOperations(6_000, true), START);
        String page = Files.readString(run.file(RunFolder.REPORT));
        History history = run.readHistory();
        long starts = history.events().stream().filter(e -> e.isNemesis() && e.f().startsWith("start-")).count();

        assertThat(page).contains("<header class=\"top valid\">").contains("<span class=\"verdict valid\">VALID</span>")
                .contains("<path class=\"dots ok\"").contains("<path class=\"dots fail\"").contains("<path class=\"dots info\"")
                .contains("<path class=\"rate ok\"").contains("id=\"quantiles\"").contains("<th>p99.9</th>")
                .contains("<dt>seed</dt>").contains("kv-faults");
        assertThat(starts).isGreaterThan(2);
        assertThat(occurrences(page, "<rect class=\"band\"")).as("bands in two charts").isEqualTo(2 * starts);
        assertThat(page).contains(">partition</text>").doesNotContain("<script src").doesNotContain("http://")
                .doesNotContain("https://").doesNotContain("<link ").doesNotContain("@import");
    }

    // An invalid run (one stale read): INVALID in red, the checker's failing operation ringed on the
    // scatter, listed with its concurrent operations, and the checker's page embedded in a frame.
    @Test
    void invalidRunFlagsTheFailingOperationAndEmbedsTheExplanation() throws Exception {
        RunFolder run = FakeRuns.write(new RunStore(store), FakeRuns.Spec.valid("kv-stale").withInvalidRead(), START);
        String page = Files.readString(run.file(RunFolder.REPORT));
        String failing = RunFolder.json().readTree(run.file(RunFolder.RESULTS).toFile())
                .path("checkers").path("linearizability").path("failingOperation").path("description").asText();

        assertThat(failing).startsWith("p").contains("read");
        assertThat(page).contains("<header class=\"top invalid\">").contains("<g class=\"flagged\">")
                .contains("<code class=\"bad-op\">" + Html.escape(failing) + "</code>")
                .contains("<tr class=\"flagged\">").contains("<iframe class=\"explanation\"")
                .contains("srcdoc=\"&lt;!DOCTYPE html&gt;").contains("href=\"explanation.html\"");
        assertThat(run.file(RunFolder.EXPLANATION)).exists();
    }

    // The in-memory paths give the same page as the folder path for the same run, valid or invalid.
    @Test
    void inMemoryRenderMatchesTheFolderRender() throws Exception {
        for (FakeRuns.Spec spec : List.of(FakeRuns.Spec.valid("same").withFaults(),
                FakeRuns.Spec.valid("same-invalid").withInvalidRead())) {
            RunFolder run = FakeRuns.write(new RunStore(store), spec, START);
            String written = Files.readString(run.file(RunFolder.REPORT)); // RunReport.write(run, history, check)
            RunReport.write(run.dir());
            assertThat(Files.readString(run.file(RunFolder.REPORT))).as(spec.testName()).isEqualTo(written);
            if (!spec.invalid()) {
                String fromMemory = RunReport.render(FakeRuns.history(spec), FakeRuns.config(spec, START),
                        run.readResults(), null);
                assertThat(strip(fromMemory)).isEqualTo(strip(written));
            }
        }
    }

    // 100,000 operations: the page stays bounded (all info/fail dots, a sample of the ok ones, said on
    // the page) while quantiles and counts still cover every operation.
    @Test
    void hundredThousandOperationsAreSampledAndTheSizeIsBounded() throws Exception {
        FakeRuns.Spec spec = FakeRuns.Spec.valid("kv-100k").withFaults().withOperations(100_000, false);
        RunFolder run = FakeRuns.write(new RunStore(store), spec, START);
        String page = Files.readString(run.file(RunFolder.REPORT));
        var stats = run.readResults().path("stats");
        long info = stats.path("info").asLong();

        assertThat(stats.path("ops").asLong()).isEqualTo(100_000);
        assertThat(info).isPositive();
        assertThat(page.length()).as("12,000 ok + 15,000 other dots at most, and the rest").isLessThan(600_000);
        assertThat(page).contains("Sampled to keep the page fast").contains("100,000 operations");
        assertThat(dots(page, "ok")).isBetween((long) ScatterSample.OK_POINTS_MAX / 2, (long) ScatterSample.OK_POINTS_MAX + ScatterSample.COLUMNS);
        assertThat(dots(page, "info")).isEqualTo(info);
        assertThat(page).contains("<td>all</td><td>" + Html.count(stats.path("ok").asLong()) + "</td>");
    }

    // Strings from the run are escaped: a hostile test name or value cannot inject markup.
    @Test
    void hostileStringsAreEscaped() {
        History history = History.of(
                Event.invoke(0, "write", "<k>", "<script>alert(1)</script>", 1_000_000),
                Event.complete(0, EventType.OK, "write", "<k>", "<script>alert(1)</script>", 2_000_000),
                new Event(Process.NEMESIS, EventType.INFO, "start-<img src=x>", null, "\"><b>", 1_500_000, null, null));
        String page = RunReport.render(history, Map.of("name", "<script>alert(2)</script>", "x", "</pre>"), null, null);
        assertThat(page).doesNotContain("<script>alert").doesNotContain("<img src=x>").doesNotContain("\"><b>")
                .contains("&lt;script&gt;alert(2)&lt;/script&gt;");
    }

    // A history without times is counted but nothing is drawn, and the page says so.
    @Test
    void historyWithoutTimesIsCountedButNotDrawn() {
        History history = History.of(
                Event.invoke(0, "read", "k", null, Event.TIME_UNKNOWN),
                Event.complete(0, EventType.OK, "read", "k", null, Event.TIME_UNKNOWN));
        String page = RunReport.render(history, Map.of(), null, null);
        assertThat(page).contains("1 operations have no latency").contains("No operation has both a call")
                .doesNotContain("<path class=\"dots");
    }

    @Test
    void aFolderWithoutHistoryOrWithBrokenJsonIsAClearError() throws Exception {
        RunFolder run = new RunStore(store).create("broken", START);
        assertThatThrownBy(() -> RunReport.write(run.dir())).isInstanceOf(IOException.class)
                .hasMessageContaining("history.jsonl").hasMessageContaining("no history");
        run.writeHistory(FakeRuns.history(FakeRuns.Spec.valid("broken").withOperations(50, false)));
        Files.writeString(run.file(RunFolder.RESULTS), "{\"verdict\": ");
        assertThatThrownBy(() -> RunReport.write(run.dir())).isInstanceOf(IOException.class)
                .hasMessageContaining("results.json").hasMessageContaining("not valid JSON");
        Files.writeString(run.file(RunFolder.HISTORY), "{\"process\": 0, \"type\": \"ok\", \"f\": \"read\"}\n");
        Files.delete(run.file(RunFolder.RESULTS));
        assertThatThrownBy(() -> RunReport.write(run.dir())).isInstanceOf(HistoryFormatException.class)
                .hasMessageContaining(":1");
    }

    // Around a flagged operation, operations on its key whose intervals overlap it are marked
    // concurrent; one that completed before it was called, or on another key, is not.
    @Test
    void neighboursOverlappingTheFlaggedOperationAreMarkedConcurrent() {
        History history = History.of(
                Event.invoke(0, "write", "k", 1L, 1_000), Event.complete(0, EventType.OK, "write", "k", 1L, 2_000),
                Event.invoke(1, "write", "k", 2L, 3_000), Event.invoke(2, "read", "k", null, 4_000),
                Event.invoke(3, "read", "other", null, 4_500), Event.complete(1, EventType.OK, "write", "k", 2L, 5_000),
                Event.complete(2, EventType.OK, "read", "k", 7L, 6_000), Event.complete(3, EventType.OK, "read", "other", null, 6_500));
        StringBuilder html = new StringBuilder();
        Tables.neighbourhood(html, history, List.of(history.operations().get(2)));
        String table = html.toString();
        assertThat(occurrences(table, "<tr class=\"flagged\">")).isEqualTo(1);
        assertThat(occurrences(table, "<tr class=\"concurrent\">")).isEqualTo(1);
        assertThat(occurrences(table, "<tr>")).as("the header row and the earlier write").isEqualTo(2);
        assertThat(table).contains("p2 read k 7 ok").contains("All 3 operations").doesNotContain("other");
    }

    // Flagged ids come from every checker's failingOperation.id; junk is ignored.
    @Test
    void flaggedOperationsAreReadFromResults() throws Exception {
        var results = RunFolder.json().readTree("{\"checkers\": {\"a\": {\"failingOperation\": {\"id\": 7}},"
                + " \"b\": {\"failingOperation\": {\"id\": \"x\"}}, \"c\": {}}}");
        assertThat(RunReport.flaggedIn(results)).isEqualTo(Set.of(7));
        assertThat(RunReport.flaggedIn(null)).isEmpty();
    }

    /** Writes sample pages into target/run-report for a person (and the browser test) to look at. */
    static List<Path> samplePages(Path into) throws IOException {
        RunStore samples = new RunStore(into);
        return List.of(
                FakeRuns.write(samples, FakeRuns.Spec.valid("kv-partition").withFaults().withOperations(20_000, false), START)
                        .file(RunFolder.REPORT),
                FakeRuns.write(samples, FakeRuns.Spec.valid("kv-stale-read").withFaults().withInvalidRead()
                        .withOperations(4_000, true), START.plusMinutes(5)).file(RunFolder.REPORT));
    }

    private static long dots(String page, String outcome) {
        Matcher m = Pattern.compile("<path class=\"dots " + outcome + "\"[^>]* d=\"([^\"]*)\"").matcher(page);
        return m.find() ? occurrences(m.group(1), "h0") : 0;
    }

    static long occurrences(String text, String part) {
        long n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static String strip(String page) {
        return page.replaceAll("Titan Lab · test run[^<]*<", "<");
    }
}
