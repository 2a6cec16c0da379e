package titan.lab.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import titan.checker.CheckResult;
import titan.checker.history.History;
import titan.checker.history.HistoryFormatException;
import titan.checker.history.Operation;
import titan.checker.report.HtmlReport;
import titan.lab.store.RunFolder;

/**
 * A test run's self-contained {@code report.html}: the verdict and a summary (test, configuration,
 * seed, duration, operation counts), the latency of every operation over time (a log-scale scatter
 * coloured by outcome, fault intervals shaded and labelled), throughput over time, latency
 * quantiles per function and outcome (HdrHistogram), counts per function, the fault intervals, and
 * the checkers' verdicts with the operation a checker flagged ringed on the scatter and the
 * checker's own explanation ({@link HtmlReport}) embedded.
 * <pre>{@code
 * RunReport.write(run, history, check);     // a runtime, right after the check: no history read back
 * RunReport.write(runFolder);               // from test.json, history.jsonl, results.json, explanation.html
 * String page = RunReport.render(history, config, results, check);   // all in memory
 * }</pre>
 * The page needs no network: CSS, SVG and a few lines of script (outcome toggles) are inline, and
 * it reads the same without the script. Every string from the run is escaped. It stays small and
 * fast for 100,000 operations: all {@code fail} and {@code info} operations and a time-stratified
 * sample of the {@code ok} ones are drawn ({@link ScatterSample}; the page says how many), and the
 * quantiles and throughput are computed from every operation. The page is then at most about
 * 600 KB, plus the embedded explanation (which {@link HtmlReport} bounds itself).
 * <p>Rendering is a pure function of its arguments. Thread-safe.
 */
public final class RunReport {
    /** An explanation page larger than this is linked, not embedded (HtmlReport's are far smaller). */
    static final long EXPLANATION_EMBED_BYTES_MAX = 3L << 20;
    private static final int FAULT_ROWS_MAX = 200;

    private static final String CSS = resource("report.css");
    private static final String SCRIPT = resource("report.js");

    private RunReport() {}

    /**
     * Everything a report shows.
     *
     * @param history         the run's history
     * @param test            test.json (any JSON object; null or missing fields are shown as absent)
     * @param results         results.json, or null when the run has none
     * @param explanationHtml the checker's explanation page to embed, or null
     * @param flagged         ids ({@link Operation#id()}) of operations a checker flagged; ids not in
     *                        the history are ignored
     * @param runName         the run folder's name (its start time) or null
     */
    public record Input(History history, JsonNode test, JsonNode results, String explanationHtml,
                        Set<Integer> flagged, String runName) {
        public Input {
            java.util.Objects.requireNonNull(history, "history");
            test = test == null ? NullNode.getInstance() : test;
            results = results == null ? NullNode.getInstance() : results;
            flagged = Set.copyOf(flagged);
        }
    }

    /**
     * The page from in-memory parts, as a runtime has them right after checking.
     *
     * @param test    the configuration: a Map, a record, or a JsonNode
     * @param results results.json as a Map or JsonNode, or null
     * @param check   the linearizability result (its explanation is embedded and its failing
     *                operation flagged), or null
     */
    public static String render(History history, Object test, Object results, CheckResult check) {
        JsonNode testNode = RunFolder.json().valueToTree(test);
        JsonNode resultsNode = results == null ? null : RunFolder.json().valueToTree(results);
        return render(input(history, testNode, resultsNode, check, null, null));
    }

    /**
     * Writes the report of a run whose history and check result are in memory, as a runtime has
     * them right after the check: test.json and results.json are read from the folder (they are
     * small), the history is not read back. With {@code check} null the flagged operations and the
     * explanation come from results.json and explanation.html as in {@link #write(Path)}.
     *
     * @return the report's path
     * @throws IOException when a file cannot be read or the report cannot be written
     */
    public static Path write(RunFolder run, History history, CheckResult check) throws IOException {
        String explanation = check == null ? explanationIn(run) : null;
        Input input = input(history, run.readTest(), run.readResults(), check, explanation, run.runName());
        Path report = run.file(RunFolder.REPORT);
        RunFolder.writeAtomically(report, render(input));
        return report;
    }

    private static Input input(History history, JsonNode test, JsonNode results, CheckResult check,
                               String explanation, String runName) {
        Set<Integer> flagged = new LinkedHashSet<>(flaggedIn(results));
        if (check != null) {
            check.decisive().flatMap(p -> p.failure()).ifPresent(op -> flagged.add(op.id()));
            if (check.verdict() != titan.checker.Verdict.VALID) {
                explanation = HtmlReport.render(check, history);
            }
            if (results == null) {
                var node = RunFolder.json().createObjectNode();
                node.put("verdict", check.verdict().name().toLowerCase(Locale.ROOT));
                node.putObject("checkers").set("linearizability", RunFolder.checkerJson(check));
                results = node;
            }
        }
        return new Input(history, test, results, explanation, flagged, runName);
    }

    private static String explanationIn(RunFolder run) throws IOException {
        Path file = run.file(RunFolder.EXPLANATION);
        return Files.isRegularFile(file) && Files.size(file) <= EXPLANATION_EMBED_BYTES_MAX
                ? Files.readString(file, StandardCharsets.UTF_8) : null;
    }

    /**
     * Reads a run folder (history.jsonl required; test.json, results.json and explanation.html when
     * present) and writes its report.html.
     *
     * @return the report's path
     * @throws IOException            a file cannot be read, or test.json/results.json is not a JSON object
     * @throws HistoryFormatException history.jsonl is malformed (the message names the line)
     */
    public static Path write(Path runFolder) throws IOException, HistoryFormatException {
        RunFolder run = new RunFolder(runFolder);
        String page = render(read(run));
        Path report = run.file(RunFolder.REPORT);
        RunFolder.writeAtomically(report, page);
        return report;
    }

    /** What {@link #write(Path)} renders, read from the folder. */
    public static Input read(RunFolder run) throws IOException, HistoryFormatException {
        if (!Files.isRegularFile(run.file(RunFolder.HISTORY))) {
            throw new IOException(run.file(RunFolder.HISTORY) + ": no history in this run folder");
        }
        History history = run.readHistory();
        JsonNode results = run.readResults();
        return new Input(history, run.readTest(), results, explanationIn(run), flaggedIn(results), run.runName());
    }

    /** The {@code failingOperation.id} of each checker in results.json. */
    static Set<Integer> flaggedIn(JsonNode results) {
        Set<Integer> ids = new LinkedHashSet<>();
        JsonNode checkers = results == null ? null : results.get("checkers");
        if (checkers != null && checkers.isObject()) {
            checkers.forEach(checker -> {
                JsonNode id = checker.path("failingOperation").path("id");
                if (id.canConvertToInt()) {
                    ids.add(id.asInt());
                }
            });
        }
        return ids;
    }

    public static String render(Input input) {
        History history = input.history();
        OperationStats stats = OperationStats.of(history);
        long durationMs = durationMs(input.results(), stats);
        long endNanos = Math.max(stats.endNanos(), 1);
        List<FaultSpan> faults = FaultSpan.of(history, endNanos);
        TimeFrame frame = new TimeFrame(endNanos, faults);
        List<Operation> flagged = new ArrayList<>();
        for (int id : input.flagged()) {
            if (id >= 0 && id < history.operations().size()) {
                flagged.add(history.operations().get(id));
            }
        }
        ScatterSample sample = ScatterSample.of(history.operations(), input.flagged(), endNanos);
        String verdict = verdict(input.results());
        String name = testName(input);

        StringBuilder html = new StringBuilder(256 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(verdict.toUpperCase(Locale.ROOT)).append(" · ").append(Html.show(name, 120))
                .append(" · Titan Lab</title><style>").append(CSS).append("</style></head>\n<body data-report=\"static\">\n")
                .append("<header class=\"top ").append(verdict).append("\"><div class=\"brand\">Titan Lab · test run")
                .append(input.runName() == null ? "" : " " + Html.show(input.runName(), 60))
                .append("</div><h1><span class=\"verdict ").append(verdict).append("\">")
                .append(verdict.toUpperCase(Locale.ROOT)).append("</span> ").append(Html.show(name, 200))
                .append("</h1><p class=\"lede\">").append(lede(stats, durationMs, faults, input.results()))
                .append("</p></header>\n<main>\n");
        summary(html, input, stats, durationMs);
        html.append("<section class=\"card\" id=\"latency\"><h2>Latency of every operation</h2>")
                .append("<p class=\"how\">One dot per operation at its call time, height its latency (call to ")
                .append("completion), coloured by outcome. Shaded bands are faults the nemesis had in place; ")
                .append("hover a band for its details.").append(flagged.isEmpty() ? "" : " Ringed: the operation the checker flagged.")
                .append("</p>").append(LatencyChart.legend(sample, frame.colours()))
                .append(LatencyChart.render(frame, sample, flagged)).append(sampleNote(sample, stats))
                .append("</section>\n");
        html.append("<section class=\"card\" id=\"throughput\"><h2>Throughput</h2><p class=\"how\">Operations ")
                .append("completed per second, by outcome, in ").append(bucket(ThroughputChart.bucketSeconds(endNanos)))
                .append(" buckets.</p>").append(ThroughputChart.render(frame, history.operations())).append("</section>\n");
        Tables.quantiles(html, stats);
        Tables.counts(html, stats);
        Tables.faults(html, faults, FAULT_ROWS_MAX);
        checkers(html, input, flagged);
        html.append("</main>\n<footer>Written by <code>titan-lab</code>. A self-contained page: nothing on it ")
                .append("comes from the network.</footer>\n<script>").append(SCRIPT).append("</script>\n</body></html>\n");
        return html.toString();
    }

    private static String lede(OperationStats stats, long durationMs, List<FaultSpan> faults, JsonNode results) {
        StringBuilder text = new StringBuilder();
        text.append(Html.count(stats.total())).append(" operations (").append(Html.count(stats.total(OperationStats.Outcome.OK)))
                .append(" ok, ").append(Html.count(stats.total(OperationStats.Outcome.FAIL))).append(" fail, ")
                .append(Html.count(stats.total(OperationStats.Outcome.INFO))).append(" info) in ")
                .append(Html.duration(durationMs)).append(", ").append(faults.isEmpty() ? "no faults."
                        : Html.count(faults.size()) + (faults.size() == 1 ? " fault interval." : " fault intervals."));
        JsonNode checkers = results.path("checkers");
        Iterator<Map.Entry<String, JsonNode>> fields = checkers.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> checker = fields.next();
            String verdict = checker.getValue().path("verdict").asText("");
            String explanation = checker.getValue().path("explanation").asText("");
            if (!verdict.equals("valid") && !explanation.isEmpty()) {
                text.append(" ").append(Html.show(checker.getKey(), 60)).append(": ").append(Html.show(explanation, 400));
            }
        }
        return text.toString();
    }

    private static void summary(StringBuilder html, Input input, OperationStats stats, long durationMs) {
        html.append("<section class=\"card summary\" id=\"summary\"><h2>Summary</h2><dl class=\"facts\">");
        fact(html, "Verdict", "<span class=\"verdict " + verdict(input.results()) + "\">"
                + verdict(input.results()).toUpperCase(Locale.ROOT) + "</span>");
        fact(html, "Duration", Html.duration(durationMs));
        fact(html, "Operations", Html.count(stats.total()) + " <span class=\"aside\">("
                + Html.count(stats.total(OperationStats.Outcome.OK)) + " ok, "
                + Html.count(stats.total(OperationStats.Outcome.FAIL)) + " fail, "
                + Html.count(stats.total(OperationStats.Outcome.INFO)) + " info)</span>");
        fact(html, "Events", Html.count(input.history().events().size()));
        int shown = 0;
        Iterator<Map.Entry<String, JsonNode>> fields = input.test().fields();
        while (fields.hasNext() && shown < 40) {
            Map.Entry<String, JsonNode> field = fields.next();
            fact(html, Html.show(field.getKey(), 40), "<code>" + Html.show(compact(field.getValue()), 300) + "</code>");
            shown++;
        }
        html.append("</dl>");
        if (input.test().size() > 0) {
            html.append("<details><summary>The whole configuration (test.json)</summary><pre>")
                    .append(Html.show(pretty(input.test()), 20_000)).append("</pre></details>");
        } else {
            html.append("<p class=\"aside\">This run has no test.json.</p>");
        }
        html.append("</section>\n");
    }

    private static void checkers(StringBuilder html, Input input, List<Operation> flagged) {
        html.append("<section class=\"card\" id=\"checkers\"><h2>Checkers</h2>");
        JsonNode checkers = input.results().path("checkers");
        if (!checkers.isObject() || checkers.size() == 0) {
            html.append("<p>").append(input.results().isNull() ? "This run has no results.json: it was not checked, "
                    + "or it stopped before the check." : "results.json names no checkers.").append("</p>");
        } else {
            html.append("<table class=\"data\"><thead><tr><th>checker</th><th>verdict</th><th>explanation</th>")
                    .append("<th>flagged operation</th></tr></thead><tbody>");
            Iterator<Map.Entry<String, JsonNode>> fields = checkers.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> checker = fields.next();
                JsonNode node = checker.getValue();
                String verdict = verdictCss(node.path("verdict").asText(""));
                html.append("<tr><td>").append(Html.show(checker.getKey(), 80)).append("</td><td><span class=\"verdict ")
                        .append(verdict).append("\">").append(verdict.toUpperCase(Locale.ROOT)).append("</span></td><td>")
                        .append(Html.show(node.path("explanation").asText(""), 600)).append("</td><td>");
                JsonNode failing = node.path("failingOperation");
                if (failing.isObject()) {
                    html.append("<code class=\"bad-op\">").append(Html.show(failing.path("description").asText(""), 300))
                            .append("</code>");
                }
                html.append("</td></tr>");
            }
            html.append("</tbody></table>");
            html.append("<details><summary>results.json</summary><pre>").append(Html.show(pretty(input.results()), 20_000))
                    .append("</pre></details>");
        }
        if (!flagged.isEmpty()) {
            Tables.neighbourhood(html, input.history(), flagged);
        }
        if (input.explanationHtml() != null) {
            html.append("<h3>The checker's explanation</h3><p class=\"how\">The linearizability checker's own page, ")
                    .append("embedded: the failing key's timeline with the operation that cannot be linearized in red. ")
                    .append("<a href=\"").append(RunFolder.EXPLANATION).append("\">Open it on its own</a>.</p>")
                    .append("<iframe class=\"explanation\" title=\"checker explanation\" sandbox=\"allow-scripts\" srcdoc=\"")
                    .append(Html.escape(input.explanationHtml())).append("\"></iframe>");
        }
        html.append("</section>\n");
    }

    private static String sampleNote(ScatterSample sample, OperationStats stats) {
        StringBuilder note = new StringBuilder("<p class=\"note\">");
        if (sample.sampled()) {
            note.append("Sampled to keep the page fast: drawn are ");
            List<String> parts = new ArrayList<>();
            for (OperationStats.Outcome outcome : OperationStats.Outcome.values()) {
                if (sample.timed(outcome) > 0) {
                    parts.add(Html.count(sample.shown(outcome).size()) + " of " + Html.count(sample.timed(outcome)) + " "
                            + outcome.name().toLowerCase(Locale.ROOT));
                }
            }
            note.append(String.join(", ", parts)).append(" operations (every fail and info one up to ")
                    .append(Html.count(ScatterSample.OTHER_POINTS_MAX)).append(", and a sample of the ok ones ")
                    .append("stratified by time that keeps each moment's fastest and slowest). The quantiles, ")
                    .append("counts and throughput below use every operation.");
        } else {
            note.append("Every operation with a latency is drawn.");
        }
        if (stats.untimed() > 0) {
            note.append(" ").append(Html.count(stats.untimed()))
                    .append(" operations have no latency (never completed, or no times) and are not drawn.");
        }
        return note.append("</p>").toString();
    }

    private static String bucket(double seconds) {
        return seconds == 1 ? "one-second" : String.format(Locale.ROOT, "%s-second", seconds % 1 == 0
                ? Long.toString((long) seconds) : Double.toString(seconds));
    }

    private static void fact(StringBuilder html, String name, String valueHtml) {
        html.append("<div><dt>").append(name).append("</dt><dd>").append(valueHtml).append("</dd></div>");
    }

    private static long durationMs(JsonNode results, OperationStats stats) {
        JsonNode duration = results.path("durationMs");
        return duration.canConvertToLong() ? duration.asLong() : stats.endNanos() / 1_000_000;
    }

    private static String verdict(JsonNode results) {
        return verdictCss(results.path("verdict").asText(""));
    }

    /** valid, invalid or unknown; anything else (or nothing) shows as unknown. */
    static String verdictCss(String verdict) {
        return switch (verdict) {
            case "valid", "invalid" -> verdict;
            default -> "unknown";
        };
    }

    private static String testName(Input input) {
        JsonNode name = input.test().path("name");
        if (name.isTextual() && !name.asText().isBlank()) {
            return name.asText();
        }
        return input.history().source();
    }

    private static String compact(JsonNode value) {
        if (value.isTextual()) {
            return value.asText();
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.isTextual() ? item.asText() : item.toString()));
            return items.isEmpty() ? "none" : String.join(", ", items);
        }
        return value.toString();
    }

    private static String pretty(JsonNode node) {
        try {
            return RunFolder.json().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return node.toString();
        }
    }

    private static String resource(String name) {
        try (InputStream in = RunReport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the harness jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
