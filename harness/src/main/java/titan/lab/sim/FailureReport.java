package titan.lab.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import titan.checker.history.History;
import titan.checker.history.HistoryFormatException;
import titan.checker.history.JsonLinesFormat;
import titan.checker.model.KvModel;
import titan.checker.report.HtmlReport;
import titan.sim.SimOptions;
import titan.sim.SimResult;
import titan.sim.Simulation;
import titan.sim.Trace;

/**
 * Writes one failing seed's folder (docs/sim-failures.md). Every artefact describes the same run, the shrunk one (the
 * smallest run found that fails the same way); the run the swarm found is kept beside it, named
 * {@code original-*}. Line references resolve inside the folder: {@code history.jsonl:N} in the
 * story and the page is a line of this folder's {@code history.jsonl}.
 * <pre>
 *   seed-N/test.json               the shrunk run (seed, sizes, operation budget, fault schedule),
 *                                  its replay command, the shrink figures, and the original run
 *   seed-N/failure.txt             the story (what the command printed), centred on the failure
 *   seed-N/history.jsonl           the shrunk run's history
 *   seed-N/trace.txt               every event and message of the shrunk run, one per line
 *   seed-N/explanation.html        the checker's page (non-linearizable) or the failure's page (an invariant)
 *   seed-N/original-history.jsonl  the history of the run the swarm found failing
 * </pre>
 */
public final class FailureReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * What was written, for the command's output and summary.json.
     *
     * @param replay the command that runs the shrunk run again, from its test.json
     */
    public record Written(Path folder, String kind, String message, String replay, String shrinkLine,
                          List<String> story, boolean sameFailure) {}

    private FailureReport() {}

    /**
     * @param runFolder      the sim run's folder; the seed's folder goes inside it
     * @param original       the swarm's failing outcome
     * @param shrunk         the shrinker's result (or the original itself, unshrunk)
     * @param originalReplay a command that runs the original seed again
     */
    public static Written write(Path runFolder, SeedOutcome original, Shrinker.Shrunk shrunk, SeedRunner runner,
                                String originalReplay, String commit) throws IOException {
        long seed = original.seed();
        Path folder = runFolder.resolve("seed-" + seed);
        Files.createDirectories(folder);
        // The shrunk run again, traced; a run is deterministic, so this is the run the shrinker judged.
        SimResult traced = Simulation.of(shrunk.options().withTrace(true, true), shrunk.schedule()).run();
        SeedOutcome outcome = runner.judge(traced, SeedRunner.history());
        boolean same = outcome.failed() && outcome.failureKind().equals(original.failureKind());

        Path testJson = folder.resolve("test.json");
        String replay = "./titan-lab sim --replay " + testJson;
        String shrinkLine = shrinkLine(original, shrunk);
        writeTestJson(testJson, original, shrunk, outcome, replay, originalReplay, commit, shrinkLine);
        Files.writeString(folder.resolve("history.jsonl"), traced.historyJsonLines());
        Files.writeString(folder.resolve("original-history.jsonl"), original.result().historyJsonLines());
        Files.write(folder.resolve("trace.txt"), traced.trace().stream().map(Trace.Line::toString).toList(),
                StandardCharsets.UTF_8);

        History history = null;
        if (outcome.check() != null) {
            try {
                history = traced.checkable(SeedRunner.history());
            } catch (HistoryFormatException e) {
                throw new IOException("cannot re-read the shrunk history for its explanation: " + e.getMessage(), e);
            }
        }
        List<String> core = Story.of(outcome, history);
        List<String> story = new java.util.ArrayList<>(core);
        story.add("fault windows of the shrunk run (start to end, simulated time):");
        if (shrunk.schedule().windows().isEmpty()) {
            story.add("  none");
        }
        shrunk.schedule().windows().stream()
                .sorted(java.util.Comparator.comparingLong(titan.sim.FaultSchedule.Window::startMicros))
                .forEach(w -> story.add("  " + FaultScheduleJson.describe(w)));
        if (history != null && outcome.check().decisive().isPresent()) {
            HtmlReport.write(outcome.check(), history, HtmlReport.Options.defaults().withModel(new KvModel())
                    .withTimeAxis(HtmlReport.TimeAxis.TIME), folder.resolve("explanation.html"));
        } else {
            Files.writeString(folder.resolve("explanation.html"), ViolationPage.render(seed, outcome, core.subList(1, core.size()),
                    shrunk.schedule(), replay));
        }
        StringBuilder failure = new StringBuilder();
        failure.append("seed ").append(seed).append(", shrunk run: ").append(outcome.failureKind()).append('\n');
        if (!same) {
            failure.append("(the shrunk run replayed with tracing did not fail as ").append(original.failureKind())
                    .append(": a bug in the lab's determinism; the original run is in original-history.jsonl)\n");
        }
        failure.append(shrinkLine).append("\n\n");
        story.forEach(l -> failure.append(l).append('\n'));
        failure.append("\nreplay the shrunk run:   ").append(replay)
                .append("\nreplay the original run: ").append(originalReplay)
                .append("\noriginal run: ").append(original.failureKind()).append(": ")
                .append(Story.firstLine(original.message())).append('\n');
        Files.writeString(folder.resolve("failure.txt"), failure.toString());
        return new Written(folder, outcome.failureKind(), Story.firstLine(outcome.message()), replay, shrinkLine,
                story, same);
    }

    private static void writeTestJson(Path file, SeedOutcome original, Shrinker.Shrunk shrunk, SeedOutcome outcome,
                                      String replay, String originalReplay, String commit, String shrinkLine)
            throws IOException {
        Map<String, Object> test = new LinkedHashMap<>();
        test.put("test", "sim");
        test.put("commit", commit);
        test.put("run", "shrunk");
        test.putAll(TestJson.describe(shrunk.options(), shrunk.schedule()));
        test.put("failure", failure(outcome));
        test.put("replay", replay);
        test.put("history", "history.jsonl");
        Map<String, Object> shrink = new LinkedHashMap<>();
        shrink.put("runs", shrunk.runs());
        shrink.put("operations", List.of(original.result().operations(), outcome.result().operations()));
        shrink.put("ops", List.of(original.result().options().ops(), shrunk.options().ops()));
        shrink.put("faultWindows", List.of(original.result().schedule().windows().size(),
                shrunk.schedule().windows().size()));
        shrink.put("clients", List.of(original.result().options().clients(), shrunk.options().clients()));
        shrink.put("keys", List.of(original.result().options().keys(), shrunk.options().keys()));
        shrink.put("ratio", ratio(original, outcome));
        shrink.put("summary", shrinkLine);
        test.put("shrink", shrink);
        Map<String, Object> originalRun = new LinkedHashMap<>(TestJson.describe(original.result().options(),
                original.result().schedule()));
        originalRun.put("failure", failure(original));
        originalRun.put("replay", originalReplay);
        originalRun.put("history", "original-history.jsonl");
        test.put("original", originalRun);
        Files.writeString(file, JSON.writeValueAsString(test) + "\n");
    }

    private static Map<String, Object> failure(SeedOutcome outcome) {
        Map<String, Object> failure = new LinkedHashMap<>();
        failure.put("kind", outcome.failureKind());
        failure.put("message", Story.firstLine(outcome.message()));
        return failure;
    }

    /** Operations of the shrunk run over the original's (final reads included). */
    static double ratio(SeedOutcome original, SeedOutcome shrunk) {
        return Math.round(1000.0 * shrunk.result().operations() / Math.max(1, original.result().operations())) / 1000.0;
    }

    private static String shrinkLine(SeedOutcome original, Shrinker.Shrunk shrunk) {
        SimOptions from = original.result().options();
        SimOptions to = shrunk.options();
        long opsFrom = original.result().operations();
        long opsTo = shrunk.outcome().result().operations();
        return String.format(Locale.ROOT, "shrunk in %d runs: %d -> %d operations (%.1f%%; workload budget %d -> %d, "
                        + "final reads included), %d -> %d fault windows, %d -> %d clients, %d -> %d keys",
                shrunk.runs(), opsFrom, opsTo, 100.0 * opsTo / Math.max(1, opsFrom), from.ops(), to.ops(),
                original.result().schedule().windows().size(), shrunk.schedule().windows().size(), from.clients(),
                to.clients(), from.keys(), to.keys());
    }
}
