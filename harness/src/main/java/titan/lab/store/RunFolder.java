package titan.lab.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.FilterWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import titan.checker.CheckResult;
import titan.checker.Verdict;
import titan.checker.history.History;
import titan.checker.history.HistoryFiles;
import titan.checker.history.HistoryFormatException;
import titan.checker.history.JsonLinesFormat;
import titan.checker.history.Operation;
import titan.checker.report.HtmlReport;

/**
 * One run's folder and its files, as every runtime (local, docker, sim) writes them and the report
 * and {@code titan-lab serve} read them. Get one from {@link RunStore#create}; a runtime then calls,
 * in this order:
 * <pre>{@code
 * RunFolder run = RunStore.defaultStore().create("register-partition", ZonedDateTime.now());
 * run.writeTest(config);                                  // test.json: whole configuration and seed
 * ... workload ...; run.writeHistory(history);            // history.jsonl (JsonLinesFormat)
 * CheckResult check = Linearizability.check(model, history);
 * ObjectNode checkers = RunFolder.json().createObjectNode();
 * checkers.set("linearizability", RunFolder.checkerJson(check));
 * run.writeResults(check.verdict(), checkers, history, durationMs);  // results.json
 * run.writeExplanation(check, history);                   // explanation.html (checker's page)
 * RunReport.write(run, history, check);                   // report.html (titan.lab.report)
 * }</pre>
 * Node logs go under {@link #nodeDir}. Every write replaces the file atomically (a temporary file
 * renamed over it), so a reader such as {@code serve} never sees half a file. Not thread-safe.
 */
public final class RunFolder {
    public static final String TEST = "test.json";
    public static final String HISTORY = "history.jsonl";
    public static final String RESULTS = "results.json";
    public static final String REPORT = "report.html";
    /** The checker's own page ({@link HtmlReport}); report.html embeds it. */
    public static final String EXPLANATION = "explanation.html";
    public static final String NODES = "nodes";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    public RunFolder(Path dir) {
        this.dir = dir;
    }

    /** The mapper the store writes with (pretty-printed); use it to build test.json and checker nodes. */
    public static ObjectMapper json() {
        return JSON;
    }

    public Path dir() {
        return dir;
    }

    /** The test's name: the run folder's parent folder. */
    public String testName() {
        Path parent = dir.toAbsolutePath().getParent();
        return parent == null || parent.getFileName() == null ? "" : parent.getFileName().toString();
    }

    /** The run folder's own name, its start time {@code yyyyMMdd-HHmmss[-n]}. */
    public String runName() {
        return dir.getFileName().toString();
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    /** {@code nodes/<node>/}, created if missing, for the node's logs and anything copied back. */
    public Path nodeDir(String node) throws IOException {
        if (!RunStore.isTestName(node)) {
            throw new IllegalArgumentException("not a plain node name: " + node);
        }
        return Files.createDirectories(dir.resolve(NODES).resolve(node));
    }

    /** Writes test.json: the whole configuration (a Map, a record or a JsonNode). */
    public void writeTest(Object config) throws IOException {
        writeAtomically(TEST, JSON.writeValueAsString(config) + "\n");
    }

    public void writeHistory(History history) throws IOException {
        Path temp = Files.createTempFile(dir, ".history", ".tmp");
        try {
            try (BufferedWriter file = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                // The format flushes after every event; one flush at the end is enough here, and much faster.
                JsonLinesFormat.write(history, new FilterWriter(file) {
                    @Override
                    public void flush() {}
                });
                file.flush();
            }
            publish(temp, file(HISTORY));
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Writes results.json: {@code {"verdict", "checkers", "stats", "durationMs"}} with the stats
     * counted from {@code history} ({@link #stats}).
     *
     * @param checkers one entry per checker, each at least {@code {"verdict": "valid"|"invalid"|"unknown"}}
     */
    public void writeResults(Verdict verdict, ObjectNode checkers, History history, long durationMs)
            throws IOException {
        ObjectNode results = JSON.createObjectNode();
        results.put("verdict", verdict.name().toLowerCase(Locale.ROOT));
        results.set("checkers", checkers);
        results.set("stats", stats(history));
        results.put("durationMs", durationMs);
        writeAtomically(RESULTS, JSON.writeValueAsString(results) + "\n");
    }

    /** Writes the checker's self-contained explanation page, which report.html embeds. */
    public void writeExplanation(CheckResult result, History history) throws IOException {
        writeAtomically(EXPLANATION, HtmlReport.render(result, history));
    }

    /**
     * A linearizability result as a results.json checker entry: verdict, model, explanation,
     * operation and partition counts, time, and for an invalid or unknown result the decisive
     * partition and its failing operation (id, process, f, key, description), which the report
     * highlights.
     */
    public static ObjectNode checkerJson(CheckResult result) {
        ObjectNode node = JSON.createObjectNode();
        node.put("verdict", result.verdict().name().toLowerCase(Locale.ROOT));
        node.put("model", result.model());
        node.put("explanation", result.explanation());
        node.put("operations", result.operationCount());
        node.put("partitions", result.partitions().size());
        node.put("elapsedMs", result.elapsedNanos() / 1_000_000);
        result.decisive().ifPresent(decisive -> {
            node.put("partition", decisive.name());
            Operation failing = decisive.failingOperation();
            if (failing != null) {
                node.set("failingOperation", operationJson(failing));
            }
            node.put("linearizedPrefix", decisive.linearization().size());
        });
        return node;
    }

    private static ObjectNode operationJson(Operation op) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", op.id());
        node.put("process", op.process());
        node.put("f", op.f());
        if (op.key() != null) {
            node.put("key", op.key());
        }
        node.put("description", op.describe());
        return node;
    }

    /** {@code {"ops", "ok", "fail", "info", "byF": {f: {ops, ok, fail, info}}, "nemesisEvents"}}. */
    public static ObjectNode stats(History history) {
        Map<String, long[]> byF = new TreeMap<>();
        long[] all = new long[3];
        for (Operation op : history.operations()) {
            int slot = switch (op.outcome()) {
                case OK -> 0;
                case FAIL -> 1;
                case UNKNOWN -> 2;
            };
            all[slot]++;
            byF.computeIfAbsent(op.f(), f -> new long[3])[slot]++;
        }
        ObjectNode stats = counts(all);
        ObjectNode fs = stats.putObject("byF");
        byF.forEach((f, counts) -> fs.set(f, counts(counts)));
        stats.put("nemesisEvents", history.events().stream().filter(e -> e.isNemesis()).count());
        return stats;
    }

    private static ObjectNode counts(long[] counts) {
        ObjectNode node = JSON.createObjectNode();
        node.put("ops", counts[0] + counts[1] + counts[2]);
        node.put("ok", counts[0]);
        node.put("fail", counts[1]);
        node.put("info", counts[2]);
        return node;
    }

    /** test.json, or null when the run has none yet. */
    public JsonNode readTest() throws IOException {
        return readJson(TEST);
    }

    /** results.json, or null when the run has none yet (still running, or it crashed). */
    public JsonNode readResults() throws IOException {
        return readJson(RESULTS);
    }

    /** history.jsonl. */
    public History readHistory() throws IOException, HistoryFormatException {
        return HistoryFiles.read(file(HISTORY));
    }

    /**
     * The JSON object in {@code name}, or null when the file does not exist.
     *
     * @throws IOException naming the file when it cannot be read or is not a JSON object
     */
    public JsonNode readJson(String name) throws IOException {
        Path file = file(name);
        if (!Files.exists(file)) {
            return null;
        }
        JsonNode node;
        try {
            node = JSON.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IOException(file + ": expected a JSON object");
        }
        return node;
    }

    private void writeAtomically(String name, String text) throws IOException {
        writeAtomically(file(name), text);
    }

    /** Writes {@code text} to a temporary file beside {@code file} and renames it over {@code file}. */
    public static void writeAtomically(Path file, String text) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(parent, "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            publish(temp, file);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Renames a finished temporary file over {@code target}, readable by all like any other run output. */
    private static void publish(Path temp, Path target) throws IOException {
        try {
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the temporary file's default permissions stand.
        }
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Verdicts by their results.json spelling; null for anything else. */
    public static Verdict verdictOf(JsonNode results) {
        JsonNode verdict = results == null ? null : results.get("verdict");
        if (verdict == null || !verdict.isTextual()) {
            return null;
        }
        return switch (verdict.asText()) {
            case "valid" -> Verdict.VALID;
            case "invalid" -> Verdict.INVALID;
            case "unknown" -> Verdict.UNKNOWN;
            default -> null;
        };
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
