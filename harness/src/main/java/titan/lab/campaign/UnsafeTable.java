package titan.lab.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import titan.checker.Verdict;

/**
 * The unsafe-switch table of {@code titan-lab campaign --preset unsafe-table}: per switch, its
 * configuration, how many runs caught it (invalid verdict), and the time to detection, in markdown
 * ({@code unsafe-table.md} in the campaign's folder; README.md, "Proof that the lab can fail").
 *
 * <p>Time to detection is measured two ways: the completion time, in seconds from the workload's
 * start, of the operation the checker names as the first that cannot be linearized (the history's
 * event the explanation cites; for the set checker, which judges at the final read, the history's
 * last event), and the run's wall time to its verdict.
 */
final class UnsafeTable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern EVENT = Pattern.compile("\\(history, event (\\d+)\\)");

    private UnsafeTable() {}

    static Path write(Path dir, List<CampaignCommand.Row> rows, List<Presets.Probe> probes) throws IOException {
        StringBuilder md = new StringBuilder("# Unsafe-switch table\n\n")
                .append("Each switch's runs on the local runtime (3 nodes), seeds as in summary.md. Caught = invalid"
                        + " verdict. Detection: the completion time of the first operation the checker cannot"
                        + " linearize (set workload: the final read), seconds into the workload, median over the caught"
                        + " runs; run: wall seconds to the verdict, median over all runs.\n\n")
                .append("| switch | configuration (`./titan-lab test` flags) | caught | detection s | run s | other verdicts |\n")
                .append("|---|---|---|---|---|---|\n");
        for (Presets.Probe probe : probes) {
            List<CampaignCommand.Row> mine = rows.stream()
                    .filter(r -> r.config().unsafe().equals(List.of(probe.unsafe()))).toList();
            long caught = mine.stream().filter(r -> r.verdict() == Verdict.INVALID).count();
            List<Double> detection = new ArrayList<>();
            for (CampaignCommand.Row r : mine) {
                if (r.verdict() == Verdict.INVALID && r.runDir() != null) {
                    detectionSeconds(r.runDir(), r.explanation()).ifPresent(detection::add);
                }
            }
            List<Double> runSeconds = mine.stream().map(r -> r.millis() / 1000.0).toList();
            long unknown = mine.stream().filter(r -> r.verdict() == Verdict.UNKNOWN).count();
            md.append("| `").append(probe.unsafe()).append("` | `").append(probe.flags().trim()).append("` | ")
                    .append(caught).append(" / ").append(mine.size()).append(" | ")
                    .append(median(detection)).append(" | ").append(median(runSeconds)).append(" | ")
                    .append(unknown == 0 ? "" : unknown + " unknown").append(" |\n");
        }
        md.append("\nWhy each configuration reaches its switch:\n\n");
        for (Presets.Probe probe : probes) {
            md.append("- `").append(probe.unsafe()).append("`: ").append(probe.why()).append(".\n");
        }
        Path file = dir.resolve("unsafe-table.md");
        Files.writeString(file, md, StandardCharsets.UTF_8);
        return file;
    }

    /** The median, to one decimal, or "-" for none. */
    static String median(List<Double> values) {
        if (values.isEmpty()) {
            return "-";
        }
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        double m = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return String.format(Locale.ROOT, "%.1f", m);
    }

    /**
     * Seconds from the workload's start to the completion of the history event {@code explanation}
     * cites ("(history, event N)", counted from 0 over history.jsonl's lines; an invocation's
     * completion is its process's next event), or to the last event
     * when it cites none; empty when the history cannot be read.
     */
    static OptionalDouble detectionSeconds(Path runDir, String explanation) {
        Matcher m = EVENT.matcher(explanation == null ? "" : explanation);
        long wanted = m.find() ? Long.parseLong(m.group(1)) : -1;
        Path history = runDir.resolve("history.jsonl");
        try (BufferedReader in = Files.newBufferedReader(history, StandardCharsets.UTF_8)) {
            String line;
            long index = 0;
            double last = -1;
            JsonNode cited = null; // the cited operation's invocation; its completion is the process's next event
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode event = JSON.readTree(line);
                double seconds = event.path("time").asLong() / 1e9;
                if (index == wanted) {
                    if (!"invoke".equals(event.path("type").asText())) {
                        return OptionalDouble.of(seconds);
                    }
                    cited = event;
                } else if (cited != null && event.path("process").equals(cited.path("process"))) {
                    return OptionalDouble.of(seconds);
                }
                last = Math.max(last, seconds);
                index++;
            }
            return last < 0 ? OptionalDouble.empty() : OptionalDouble.of(last);
        } catch (IOException | RuntimeException e) {
            return OptionalDouble.empty();
        }
    }
}
