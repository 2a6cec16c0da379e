package titan.lab.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import titan.lab.store.RunFolder;
import titan.lab.store.RunStore;

/**
 * What the browser's index shows of each run, read from its test.json and results.json. A run
 * whose files are missing or unreadable is still listed, with its verdict {@code unknown} and a
 * note saying why, so a crashed run is visible rather than hidden.
 *
 * @param testName   the test's folder name
 * @param runName    the run folder's name ({@code yyyyMMdd-HHmmss[-n]})
 * @param started    the start time for people ({@code 2026-12-01 01:02:03 UTC}), or the run name
 * @param verdict    valid, invalid, unknown, or {@code running} when there is no results.json yet
 * @param workload   test.json's workload, or empty
 * @param nemesis    test.json's nemesis (a list joined by commas), or empty
 * @param runtime    test.json's runtime, or empty
 * @param operations results.json's {@code stats.ops}, or -1
 * @param durationMs results.json's {@code durationMs}, or -1
 * @param hasReport  whether report.html exists
 * @param hasHistory whether history.jsonl exists (so a report can be rendered on demand)
 * @param note       why something is missing, or empty
 */
record RunIndex(String testName, String runName, String started, String verdict, String workload, String nemesis,
                String runtime, long operations, long durationMs, boolean hasReport, boolean hasHistory, String note) {
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");

    static List<RunIndex> of(RunStore store) throws IOException {
        List<RunIndex> entries = new ArrayList<>();
        for (RunFolder run : store.runs()) {
            entries.add(of(run));
        }
        return entries;
    }

    static RunIndex of(RunFolder run) {
        String note = "";
        JsonNode test = null;
        JsonNode results = null;
        try {
            test = run.readTest();
        } catch (IOException e) {
            note = "test.json unreadable";
        }
        try {
            results = run.readResults();
        } catch (IOException e) {
            note = note.isEmpty() ? "results.json unreadable" : note + "; results.json unreadable";
        }
        String verdict;
        if (results == null) {
            verdict = note.contains("results.json") ? "unknown" : "running";
            if (verdict.equals("running")) {
                note = note.isEmpty() ? "no results.json (still running, or stopped before the check)" : note;
            }
        } else {
            verdict = switch (results.path("verdict").asText("")) {
                case "valid" -> "valid";
                case "invalid" -> "invalid";
                default -> "unknown";
            };
        }
        return new RunIndex(run.testName(), run.runName(), started(run.runName()), verdict, text(test, "workload"),
                text(test, "nemesis"), text(test, "runtime"),
                results == null ? -1 : results.path("stats").path("ops").asLong(-1),
                results == null ? -1 : results.path("durationMs").asLong(-1),
                Files.isRegularFile(run.file(RunFolder.REPORT)), Files.isRegularFile(run.file(RunFolder.HISTORY)), note);
    }

    /** Lower-case text a filter matches against: every shown field. */
    String searchText() {
        return String.join(" ", testName, runName, started, verdict, workload, nemesis, runtime, note)
                .toLowerCase(Locale.ROOT);
    }

    private static String text(JsonNode node, String field) {
        if (node == null) {
            return "";
        }
        JsonNode value = node.path(field);
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.isTextual() ? item.asText() : item.toString()));
            return String.join(",", items);
        }
        return value.isValueNode() && !value.isNull() ? value.asText() : value.isMissingNode() || value.isNull() ? ""
                : value.toString();
    }

    private static String started(String runName) {
        String stamp = runName.length() >= 15 ? runName.substring(0, 15).replace('T', '-') : runName;
        try {
            return LocalDateTime.parse(stamp, RunStore.STAMP).format(SHOWN);
        } catch (DateTimeParseException e) {
            return runName;
        }
    }
}
