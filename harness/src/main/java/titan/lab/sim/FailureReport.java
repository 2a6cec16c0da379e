package titan.lab.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import titan.checker.history.History;
import titan.checker.history.HistoryFormatException;
import titan.checker.history.JsonLinesFormat;
import titan.checker.report.HtmlReport;
import titan.sim.FaultSchedule;
import titan.sim.SimOptions;
import titan.sim.SimResult;
import titan.sim.Simulation;
import titan.sim.Trace;

/**
 * Writes one failing seed's folder: its configuration and how to replay it, its history, the
 * failure, and the trace of the smallest run that still fails the same way.
 * <pre>
 *   seed-N/test.json            configuration, seed, commit, replay command
 *   seed-N/history.jsonl        the original run's history
 *   seed-N/failure.txt          what failed, the checker's explanation, the shrunk fault schedule
 *   seed-N/shrunk-history.jsonl the shrunk run's history
 *   seed-N/trace.txt            every event and message of the shrunk run
 *   seed-N/explanation.html     for a non-linearizable history: the checker's timeline of it
 * </pre>
 */
public final class FailureReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What was written and the lines worth printing. */
    public record Written(Path folder, List<String> story) {}

    private FailureReport() {}

    private static void writeExplanation(Path folder, SeedOutcome failing) throws IOException {
        try {
            History history = JsonLinesFormat.read(folder.resolve("history.jsonl").toString(),
                    failing.result().historyJsonLines());
            HtmlReport.write(failing.check(), history, folder.resolve("explanation.html"));
        } catch (HistoryFormatException e) {
            throw new IOException("cannot re-read the history for its explanation: " + e.getMessage(), e);
        }
    }

    public static Written write(Path runFolder, SeedOutcome failing, Shrinker.Shrunk shrunk, String replayCommand,
                                String commit) throws IOException {
        Path folder = runFolder.resolve("seed-" + failing.seed());
        Files.createDirectories(folder);
        SimOptions options = failing.result().options();
        Map<String, Object> test = new LinkedHashMap<>();
        test.put("test", "sim");
        test.put("seed", options.seed());
        test.put("commit", commit);
        test.put("nodes", options.nodes());
        test.put("clients", options.clients());
        test.put("ops", options.ops());
        test.put("keys", options.keys());
        test.put("faults", options.faultKinds().stream().map(Enum::name).sorted().toList());
        test.put("unsafe", options.unsafe().stream().map(Enum::name).sorted().toList());
        test.put("config", failing.result().config().toMap()); // drawn from the seed under swarm testing
        test.put("failure", failing.failureKind());
        test.put("replay", replayCommand);
        Files.writeString(folder.resolve("test.json"), JSON.writeValueAsString(test) + "\n");
        Files.writeString(folder.resolve("history.jsonl"), failing.result().historyJsonLines());
        if (failing.check() != null) {
            writeExplanation(folder, failing);
        }

        SimResult traced = Simulation.of(shrunk.options().withTrace(true, true), shrunk.schedule()).run();
        Files.writeString(folder.resolve("shrunk-history.jsonl"), traced.historyJsonLines());
        Files.write(folder.resolve("trace.txt"), traced.trace().stream().map(Trace.Line::toString).toList(),
                StandardCharsets.UTF_8);

        StringBuilder failure = new StringBuilder();
        failure.append("seed ").append(failing.seed()).append(": ").append(failing.failureKind()).append('\n')
                .append(failing.message()).append("\n\n")
                .append("shrunk in ").append(shrunk.runs()).append(" runs to ").append(shrunk.options().ops())
                .append(" operations and ").append(shrunk.schedule().windows().size()).append(" of ")
                .append(failing.result().schedule().windows().size()).append(" fault windows:\n");
        for (FaultSchedule.Window w : shrunk.schedule().windows()) {
            failure.append(String.format("  %9.3f ms  +%.3f ms  %s%n", w.startMicros() / 1000.0,
                    w.durationMicros() / 1000.0, w.fault()));
        }
        failure.append("\nshrunk run: ").append(shrunk.outcome().message()).append('\n');
        Files.writeString(folder.resolve("failure.txt"), failure.toString());

        List<String> story = traced.trace().stream()
                .filter(l -> !l.kind().equals("message"))
                .map(Trace.Line::toString)
                .collect(Collectors.toList());
        int from = Math.max(0, story.size() - 40);
        return new Written(folder, story.subList(from, story.size()));
    }
}
