package titan.lab.sim;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import titan.raft.UnsafeMode;
import titan.sim.FaultSchedule;
import titan.sim.SimOptions;

/**
 * A failing seed's {@code test.json}: the exact run (seed, cluster and workload sizes, operation
 * budget, the fault schedule window by window, the unsafe modes), so that
 * {@code titan-lab sim --replay seed-N/test.json} runs it again, and the same for the original run
 * under {@code "original"}. Fault kinds and unsafe modes are written as the command line spells them
 * ({@code partition}, {@code ack-before-commit}), one name per idea.
 */
public final class TestJson {
    /** A run read back from a {@code test.json}. */
    public record Run(SimOptions options, FaultSchedule schedule) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private TestJson() {}

    /** The fields that define a run; the caller adds the rest. */
    public static Map<String, Object> describe(SimOptions options, FaultSchedule schedule) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("seed", options.seed());
        run.put("nodes", options.nodes());
        run.put("clients", options.clients());
        run.put("ops", options.ops());
        run.put("keys", options.keys());
        run.put("faults", kinds(options.faultKinds()));
        run.put("unsafe", options.unsafe().stream().map(UnsafeMode::flag).sorted().toList());
        run.put("config", titan.sim.SimConfig.of(options).toMap()); // drawn from the seed (swarm testing)
        run.put("schedule", FaultScheduleJson.write(schedule));
        return run;
    }

    /** Fault kinds as {@code --faults} takes them, e.g. {@code [crash, partition]}. */
    public static List<String> kinds(Set<FaultSchedule.Kind> kinds) {
        return kinds.stream().sorted().map(k -> k.name().toLowerCase(Locale.ROOT)).toList();
    }

    /**
     * Reads the run a {@code test.json} describes (its top level: the shrunk run of a failing seed).
     *
     * @throws IOException              the file cannot be read, with the reason in words
     * @throws IllegalArgumentException the file is not a test.json this lab wrote, naming the field
     */
    public static Run read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new IOException(file + ": permission denied", e);
        } catch (IOException e) {
            throw new IOException(file + (Files.isDirectory(file) ? ": is a directory" : ": cannot be read"), e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not JSON (line " + e.getLocation().getLineNr() + ")");
        }
        if (root == null || !root.isObject() || !"sim".equals(root.path("test").asText())) {
            throw new IllegalArgumentException(file + ": not the test.json of a sim run (no \"test\": \"sim\")");
        }
        try {
            SimOptions options = SimOptions.defaults(longField(root, "seed"))
                    .withNodes((int) longField(root, "nodes")).withClients((int) longField(root, "clients"))
                    .withOps((int) longField(root, "ops")).withKeys((int) longField(root, "keys"))
                    .withFaults(FaultSchedule.Kind.parseList(String.join(",", strings(root, "faults"))))
                    .withUnsafe(unsafe(strings(root, "unsafe")));
            return new Run(options, FaultScheduleJson.read(root.get("schedule")));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static Set<UnsafeMode> unsafe(List<String> flags) {
        Set<UnsafeMode> set = EnumSet.noneOf(UnsafeMode.class);
        flags.forEach(f -> set.add(UnsafeMode.fromFlag(f)));
        return set;
    }

    private static long longField(JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (v == null || !v.canConvertToExactIntegral() || !v.canConvertToLong()) {
            throw new IllegalArgumentException("\"" + field + "\" must be an integer");
        }
        return v.asLong();
    }

    private static List<String> strings(JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (v == null || !v.isArray()) {
            throw new IllegalArgumentException("\"" + field + "\" must be a list of names");
        }
        List<String> names = new java.util.ArrayList<>();
        v.forEach(item -> names.add(item.asText()));
        return names;
    }
}
