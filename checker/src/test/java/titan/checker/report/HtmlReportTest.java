package titan.checker.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import titan.checker.CheckOptions;
import titan.checker.CheckResult;
import titan.checker.Linearizability;
import titan.checker.PartitionResult;
import titan.checker.Verdict;
import titan.checker.history.Event;
import titan.checker.history.EventType;
import titan.checker.history.History;
import titan.checker.history.HistoryGenerator;
import titan.checker.history.Operation;
import titan.checker.history.Process;
import titan.checker.model.CasRegisterModel;
import titan.checker.model.KvModel;
import titan.checker.model.RegisterModel;

class HtmlReportTest {
    private static final Pattern OPERATION_BAR = Pattern.compile("<g class=\"op ");

    // The page for an invalid Knossos history names the failing operation, the prefix and the
    // state, draws every operation (291 is under the cap) with the failing one marked, and loads
    // nothing from anywhere.
    @Test
    void invalidKnossosHistoryNamesTheFailingOperationAndIsSelfContained() throws Exception {
        ReportHistories.Checked checked = ReportHistories.casFailure();
        PartitionResult decisive = checked.result().decisive().orElseThrow();
        Operation failing = decisive.failure().orElseThrow();

        String html = HtmlReport.render(checked.result(), checked.history());

        assertThat(html).startsWith("<!DOCTYPE html>")
                .contains("<span class=\"verdict invalid\">INVALID</span>")
                .contains("<code class=\"bad-op\">p70 read 0 ok</code>")
                .contains("called at line 499, completed at line 503")
                .contains("<dt>Longest linearizable prefix</dt><dd>179 of 205 operations</dd>")
                .contains("<dt>Model state there</dt><dd><code>2</code></dd>")
                .contains(HtmlText.escape(checked.result().explanation()))
                .contains("Showing all 291 operations of this partition.")
                .contains("<g class=\"op bad focus\"")
                .contains(">read 0</text>")
                .contains("<svg class=\"chart\"")
                .contains("class=\"fault\""); // the history has Knossos's nemesis start/stop events
        assertThat(failing.process()).isEqualTo(70);
        assertThat(count(OPERATION_BAR, chart(html))).isEqualTo(checked.history().operations().size());
        assertThat(count(Pattern.compile("<g class=\"ord\">"), chart(html))).isEqualTo(decisive.linearization().size());
        assertThat(html).contains("<g class=\"ord bad\">");
        assertSelfContained(html);
    }

    // A valid result gets the summary and a note, and no timeline.
    @Test
    void validResultRendersSummaryAndNote() {
        History history = History.of(
                Event.invoke(0, "write", null, 1L, 10),
                Event.complete(0, EventType.OK, "write", null, 1L, 20),
                Event.invoke(1, "read", null, null, 30),
                Event.complete(1, EventType.OK, "read", null, 1L, 40));
        CheckResult result = Linearizability.check(new RegisterModel(null, titan.checker.model.NilRead.ABSENT), history);
        assertThat(result.verdict()).isEqualTo(Verdict.VALID);

        String html = HtmlReport.render(result, history);

        assertThat(html).contains("<span class=\"verdict valid\">VALID</span>")
                .contains("The history is linearizable.")
                .contains("Nothing to explain")
                .doesNotContain("<svg class=\"chart\"");
        assertSelfContained(html);
    }

    // Values, keys, node names, errors and the file name come from untrusted histories: markup in
    // any of them must arrive as text. The only script on the page is the page's own.
    @Test
    void hostileStringsAreEscaped() throws Exception {
        String script = "<script>alert('x')</script>";
        String image = "\"><img src=x onerror=alert(1)>";
        String key = "k</title><script>alert(2)</script>";
        List<Event> events = List.of(
                new Event(Process.client(0), EventType.INVOKE, "write", key, script, 1, "n1<script>", null),
                new Event(Process.client(0), EventType.OK, "write", key, script, 2, "n1<script>", null),
                new Event(Process.NEMESIS, EventType.INFO, "start-<b>partition</b>", null, image, 3, null, null),
                new Event(Process.client(1), EventType.INVOKE, "read", key, null, 4, null, null),
                new Event(Process.client(1), EventType.OK, "read", key, image, 5, null, null),
                new Event(Process.client(2), EventType.INVOKE, "write", key, "x", 6, null, null),
                new Event(Process.client(2), EventType.INFO, "write", key, "x", 7, null, "timeout <i>after</i> 1s"));
        History history = History.of("<b>evil</b>.jsonl", events, null);
        CheckResult result = Linearizability.check(new KvModel(), history);
        assertThat(result.verdict()).isEqualTo(Verdict.INVALID);

        String html = HtmlReport.render(result, history);

        assertThat(html).contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
                .contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;")
                .contains("&lt;b&gt;evil&lt;/b&gt;.jsonl")
                .contains("&lt;b&gt;partition&lt;/b&gt;")
                .contains("timeout &lt;i&gt;after&lt;/i&gt; 1s")
                .doesNotContain("<img").doesNotContain("<b>").doesNotContain("<i>")
                .doesNotContain("</title><script>");
        assertThat(count(Pattern.compile("<script"), html)).isEqualTo(1);
        assertSelfContained(html);
    }

    // A megabyte-long value is cut wherever it is shown, so it cannot bloat the page.
    @Test
    void hugeValuesAreCut() {
        String huge = "v".repeat(1_000_000);
        History history = History.of(
                Event.invoke(0, "write", "k", huge, 1),
                Event.complete(0, EventType.OK, "write", "k", huge, 2),
                Event.invoke(1, "read", "k", null, 3),
                Event.complete(1, EventType.OK, "read", "k", huge + "!", 4));
        CheckResult result = Linearizability.check(new KvModel(), history);
        assertThat(result.verdict()).isEqualTo(Verdict.INVALID);

        String html = HtmlReport.render(result, history);

        assertThat(html.length()).isLessThan(60_000);
        assertThat(html).contains("vvv…");
    }

    // A 100,000-operation single-register history with a corrupted read: the page draws a window of
    // at most the cap (plus a fifth for operations still open at its start), says which part of
    // the 100,000 it shows, and stays under 300 KB.
    @Test
    void hundredThousandOperationHistoryIsTruncatedAndSmall() {
        History history = HistoryGenerator.withCorruptedRead(
                new HistoryGenerator(100_000, 1, 10, 1_000, 0.0, 0.0).generate(1));
        CheckResult result = Linearizability.check(new CasRegisterModel(), history);
        assertThat(result.verdict()).isEqualTo(Verdict.INVALID);
        Operation failing = result.decisive().orElseThrow().failure().orElseThrow();

        String html = HtmlReport.render(result, history);
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        System.out.printf("100,000-op cas-register page: %,d bytes%n", bytes.length);

        assertThat(bytes.length).isLessThan(300_000);
        assertThat(html).containsPattern("Showing operations [0-9,]+–[0-9,]+ of 100,000 \\(in call order\\), "
                + "around the operation that cannot be linearized")
                .contains("<p class=\"window truncated\">")
                .contains("<g class=\"op bad focus\"")
                .contains(HtmlText.escape(failing.describe()));
        int bars = count(OPERATION_BAR, chart(html));
        assertThat(bars).isBetween(HtmlReport.OPERATIONS_SHOWN_DEFAULT,
                HtmlReport.OPERATIONS_SHOWN_DEFAULT + HtmlReport.OPERATIONS_SHOWN_DEFAULT / 5);
        assertSelfContained(html);
    }

    // The 100,000-operation kv history over 1,000 keys: the failing key has about a hundred
    // operations, so its timeline is drawn whole and the page is small.
    @Test
    void hundredThousandOperationKvHistoryDrawsTheFailingKeyWhole() {
        History history = HistoryGenerator.withCorruptedRead(HistoryGenerator.kv(100_000, 1_000, 50).generate(1));
        CheckResult result = Linearizability.check(new KvModel(), history);
        assertThat(result.verdict()).isEqualTo(Verdict.INVALID);
        PartitionResult decisive = result.decisive().orElseThrow();

        String html = HtmlReport.render(result, history);
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        System.out.printf("100,000-op kv page (key %s, %d operations): %,d bytes%n", decisive.name(),
                decisive.operations().size(), bytes.length);

        assertThat(bytes.length).isLessThan(150_000);
        assertThat(html).contains("Timeline of key <code>" + decisive.name() + "</code>")
                .containsPattern("Showing all [0-9]+ operations of this partition.")
                .contains(HtmlText.escape(decisive.failingOperation().describe()));
        // Failed operations of the key are drawn for context, searched ones of other keys are not.
        assertThat(count(OPERATION_BAR, chart(html))).isGreaterThanOrEqualTo(decisive.operations().size())
                .isLessThan(decisive.operations().size() * 2);
    }

    // A small cap on a generated history: the window holds the failing operation, three quarters
    // of the cap before it, and the operations called earlier but still open (marked).
    @Test
    void windowIsCentredOnTheFailureAndCarriesOpenOperationsIn() {
        History history = HistoryGenerator.withCorruptedRead(new HistoryGenerator(2_000, 1, 8, 50, 0.01, 0.0).generate(3));
        CheckResult result = Linearizability.check(new CasRegisterModel(), history,
                CheckOptions.defaults().withTimeout(Duration.ofMinutes(2)));
        assertThat(result.verdict()).isEqualTo(Verdict.INVALID);
        PartitionResult decisive = result.decisive().orElseThrow();

        TimelineWindow window = TimelineWindow.around(result, decisive, history, 40);

        List<Operation> inWindow = window.operations().subList(window.carriedIn(), window.operations().size());
        assertThat(inWindow).hasSize(40).contains(decisive.failingOperation());
        assertThat(window.truncated()).isTrue();
        assertThat(window.partitionSize()).isEqualTo(2_000);
        assertThat(window.lastPosition() - window.firstPosition() + 1).isEqualTo(40);
        // The history is one partition, so an operation's position in it is its id.
        int expectedFrom = Math.max(0, Math.min(decisive.failingOperation().id() - 30, 2_000 - 40));
        assertThat(window.firstPosition()).isEqualTo(expectedFrom + 1);
        int windowStart = inWindow.get(0).callIndex();
        for (Operation carried : window.operations().subList(0, window.carriedIn())) {
            assertThat(carried.callIndex()).isLessThan(windowStart);
            assertThat(carried.isUnknown() || carried.completionIndex() > windowStart).isTrue();
            assertThat(window.isCarriedIn(carried)).isTrue();
        }
        String html = HtmlReport.render(result, history, 40);
        assertThat(html).contains("Showing operations " + HtmlText.count(window.firstPosition()) + "–"
                + HtmlText.count(window.lastPosition()) + " of 2,000");
        if (window.carriedIn() > 0) {
            assertThat(html).contains("still open when the window begins (marked ◂)").contains("◂ ");
        }
    }

    // An unfinished search still explains what it found: the reason, the order found so far, and a
    // timeline around its end. The result is built by hand, as a search stopped by its deadline
    // after ordering the first operations would give it, so the test does not depend on timing.
    @Test
    void unknownResultShowsTheOrderFoundSoFar() {
        History history = HistoryGenerator.casRegister(500, 5).generate(4);
        List<Operation> searched = history.operations().stream()
                .filter(op -> op.outcome() != Operation.Outcome.FAIL).toList();
        List<Integer> prefix = searched.subList(0, 20).stream().map(Operation::id).toList();
        PartitionResult stopped = new PartitionResult("", Verdict.UNKNOWN, "deadline of 1000 ms passed after 77 configurations",
                searched, prefix, null, "\"3\"", 77, 1_000_000_000L);
        CheckResult result = new CheckResult(Verdict.UNKNOWN, "cas-register", searched.size(), List.of(stopped), 1_000_000_000L);

        String html = HtmlReport.render(result, history);

        assertThat(html).contains("<span class=\"verdict unknown\">UNKNOWN</span>")
                .contains("<dt>Why unknown</dt>")
                .contains("<dt>Order found so far</dt>")
                .contains("deadline of 1000 ms passed after 77 configurations")
                .contains("<dd>20 of " + HtmlText.count(searched.size()) + " operations</dd>")
                .contains("<g class=\"op ok focus\"");
        assertThat(chart(html)).doesNotContain("class=\"op bad");
        assertThat(count(Pattern.compile("<g class=\"ord\">"), chart(html))).isEqualTo(20);
        assertSelfContained(html);
    }

    // Nemesis intervals: Jepsen's start/stop pairs become one interval each; a fault never stopped
    // lasts to the end; heal-all ends all open ones.
    @Test
    void faultIntervalsPairStartsAndStops() {
        List<Event> events = new ArrayList<>();
        events.add(nemesis("start-partition"));  // 0
        events.add(nemesis("start-partition"));  // 1: Jepsen's completion of the same start
        events.add(Event.invoke(0, "read", null, null, 0));
        events.add(nemesis("stop-partition"));   // 3
        events.add(nemesis("stop-partition"));   // 4
        events.add(nemesis("start"));            // 5
        events.add(nemesis("start-kill"));       // 6
        events.add(nemesis("stop"));             // 7
        events.add(nemesis("start-partition"));  // 8
        events.add(nemesis("heal-all"));         // 9
        events.add(nemesis("start-clock"));      // 10, never stopped
        events.add(Event.complete(0, EventType.OK, "read", null, null, 0));

        assertThat(FaultInterval.of(History.of(events))).containsExactly(
                new FaultInterval("partition", 0, 4),
                new FaultInterval("", 5, 7),
                new FaultInterval("kill", 6, 9),
                new FaultInterval("partition", 8, 9),
                new FaultInterval("clock", 10, 12));
    }

    // A result that does not come from the history is refused, not drawn wrong.
    @Test
    void resultOfAnotherHistoryIsRefused() throws Exception {
        ReportHistories.Checked checked = ReportHistories.casFailure();
        History other = History.of(Event.invoke(0, "read", null, null, 1), Event.complete(0, EventType.OK, "read", null, 0L, 2));

        assertThatThrownBy(() -> HtmlReport.render(checked.result(), other))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not the result of checking");
        assertThatThrownBy(() -> HtmlReport.render(checked.result(), checked.history(), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // The page is a function of its inputs (no clock, no environment), and write() writes it.
    @Test
    void renderingIsDeterministicAndWriteWritesIt(@TempDir Path folder) throws Exception {
        ReportHistories.Checked checked = ReportHistories.casFailure();
        Path file = folder.resolve("explanation.html");

        HtmlReport.write(checked.result(), checked.history(), file);

        assertThat(Files.readString(file)).isEqualTo(HtmlReport.render(checked.result(), checked.history()));
        System.out.printf("cas-failure.edn page: %,d bytes%n", Files.size(file));
        assertThat(Files.size(file)).isLessThan(200_000);
    }

    private static Event nemesis(String f) {
        return new Event(Process.NEMESIS, EventType.INFO, f, null, null, Event.TIME_UNKNOWN, null, null);
    }

    /** No reference to anything outside the page. */
    static void assertSelfContained(String html) {
        assertThat(html).doesNotContain("http://").doesNotContain("https://").doesNotContain("//cdn")
                .doesNotContain("<script src").doesNotContain("<link").doesNotContain("@import")
                .doesNotContain("url(http").doesNotContain("<img").doesNotContain("<iframe");
    }

    /** The chart alone, without the legend's swatches. */
    private static String chart(String html) {
        int start = html.indexOf("<svg class=\"chart\"");
        assertThat(start).as("the page has a chart").isNotNegative();
        return html.substring(start, html.indexOf("</svg>", start));
    }

    private static int count(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        int n = 0;
        while (matcher.find()) {
            n++;
        }
        return n;
    }
}
