package titan.lab.gate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads the figures of a result file the lab writes:
 * <ul>
 *   <li>JMH's JSON ({@code -rf json}, an array): one figure per benchmark and parameter set, named
 *       {@code class.method{param=value,...}}, with the iteration scores as samples and the score
 *       error as its interval; each secondary metric (e.g. {@code @AuxCounters}) as {@code name:metric}.</li>
 *   <li>Any JSON object ({@code bench.json}, a campaign's or the simulator's {@code summary.json}, a
 *       hand-made baseline): every object holding a numeric {@code value} and a {@code unit} is a
 *       figure named by its path of keys ({@code protocols.tcp.maxThroughput}), with optional
 *       {@code samples}, {@code error}, {@code better} and {@code minEffect}; a top-level
 *       {@code verdict} is the correctness verdict; the simulator's bare {@code runsPerSecond} is read
 *       as a figure in runs/s.</li>
 *   <li>A saved baseline ({@link BaselineWriter}: an object with {@code baselineOf}): its {@code figures}
 *       by name, and its {@code ratios}, each a figure with a {@code numerator} and a
 *       {@code denominator} naming two figures of the run.</li>
 * </ul>
 * A bad file is an {@link IllegalArgumentException} naming it and what is wrong.
 */
public final class FigureReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FigureReader() {
    }

    /** Reads {@code file}; throws IllegalArgumentException when it is missing or not a result. */
    public static RunFigures read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such result file: " + file);
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new IllegalArgumentException(file + " is empty");
        }
        return parse(root, file.toString());
    }

    /** Reads an already parsed result; {@code source} names it in errors. */
    public static RunFigures parse(JsonNode root, String source) {
        if (root.isArray()) {
            return jmh(root, source);
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException(source + " is neither a JMH result (an array) nor a result object");
        }
        if (root.has("baselineOf")) {
            return savedBaseline(root, source);
        }
        Map<String, Figure> figures = new LinkedHashMap<>();
        walk(root, "", figures, source);
        String kind = root.path("test").asText(root.has("baselineOf") ? root.path("baselineOf").asText() : "result");
        if (root.path("runsPerSecond").isNumber()) {
            figures.putIfAbsent("runsPerSecond", Figure.of("runsPerSecond", root.get("runsPerSecond").asDouble(), "runs/s"));
        }
        Optional<String> verdict = root.path("verdict").isTextual()
                ? Optional.of(root.get("verdict").asText()) : Optional.empty();
        verdict.ifPresent(v -> Verdicts.rank(v, source));
        if (figures.isEmpty() && verdict.isEmpty()) {
            throw new IllegalArgumentException(source + " holds neither a verdict nor any figure with a value and a unit");
        }
        return new RunFigures(kind, verdict, figures);
    }

    private static RunFigures savedBaseline(JsonNode root, String source) {
        Map<String, Figure> figures = new LinkedHashMap<>();
        Map<String, RunFigures.Ratio> ratios = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> plain = root.path("figures").fields();
        while (plain.hasNext()) {
            Map.Entry<String, JsonNode> f = plain.next();
            figures.put(f.getKey(), checkedFigure(f.getKey(), f.getValue(), source));
        }
        Iterator<Map.Entry<String, JsonNode>> derived = root.path("ratios").fields();
        while (derived.hasNext()) {
            Map.Entry<String, JsonNode> f = derived.next();
            figures.put(f.getKey(), checkedFigure(f.getKey(), f.getValue(), source));
            try {
                ratios.put(f.getKey(), new RunFigures.Ratio(f.getValue().path("numerator").asText(null),
                        f.getValue().path("denominator").asText(null)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": ratio " + f.getKey() + ": " + e.getMessage());
            }
        }
        Optional<String> verdict = root.path("verdict").isTextual()
                ? Optional.of(root.get("verdict").asText()) : Optional.empty();
        verdict.ifPresent(v -> Verdicts.rank(v, source));
        if (figures.isEmpty() && verdict.isEmpty()) {
            throw new IllegalArgumentException(source + " is a baseline with neither a verdict nor any figure");
        }
        return new RunFigures(root.get("baselineOf").asText(), verdict, figures, ratios);
    }

    private static Figure checkedFigure(String name, JsonNode node, String source) {
        if (!node.path("value").isNumber() || !node.path("unit").isTextual()) {
            throw new IllegalArgumentException(source + ": figure " + name + " needs a numeric value and a unit");
        }
        return figure(name, node, source);
    }

    private static void walk(JsonNode node, String path, Map<String, Figure> out, String source) {
        if (node.isObject()) {
            if (node.path("value").isNumber() && node.path("unit").isTextual()) {
                out.put(path, figure(path, node, source));
                return;
            }
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                walk(f.getValue(), path.isEmpty() ? f.getKey() : path + "." + f.getKey(), out, source);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                JsonNode element = node.get(i);
                String label = element.path("name").isTextual() ? element.get("name").asText() : String.valueOf(i);
                walk(element, path + "[" + label + "]", out, source);
            }
        }
    }

    private static Figure figure(String name, JsonNode node, String source) {
        String unit = node.get("unit").asText();
        Figure f = new Figure(name, node.get("value").asDouble(), unit, Better.fromUnit(unit),
                numbers(node.path("samples")), node.path("error").isNumber() ? node.get("error").asDouble() : Double.NaN,
                node.path("minEffect").isNumber() ? node.get("minEffect").asDouble() : Double.NaN);
        if (node.has("better")) {
            Better b = Better.parse(node.get("better").asText()).orElseThrow(() -> new IllegalArgumentException(
                    source + ": figure " + name + " has better=" + node.get("better") + "; use \"higher\" or \"lower\""));
            f = f.withBetter(b);
        }
        return f;
    }

    private static RunFigures jmh(JsonNode root, String source) {
        Map<String, Figure> figures = new LinkedHashMap<>();
        for (JsonNode result : root) {
            if (!result.path("benchmark").isTextual() || !result.path("primaryMetric").isObject()) {
                throw new IllegalArgumentException(source + " is an array but not JMH's JSON: an element lacks "
                        + "\"benchmark\" or \"primaryMetric\"");
            }
            String name = result.get("benchmark").asText() + params(result.path("params"));
            figures.put(name, jmhMetric(name, result.get("primaryMetric")));
            Iterator<Map.Entry<String, JsonNode>> secondary = result.path("secondaryMetrics").fields();
            while (secondary.hasNext()) {
                Map.Entry<String, JsonNode> m = secondary.next();
                String metric = name + ":" + m.getKey();
                if (m.getValue().path("score").isNumber()) {
                    figures.put(metric, jmhMetric(metric, m.getValue()));
                }
            }
        }
        if (figures.isEmpty()) {
            throw new IllegalArgumentException(source + " is an empty JMH result: no benchmark ran");
        }
        return new RunFigures("jmh", Optional.empty(), figures);
    }

    private static Figure jmhMetric(String name, JsonNode metric) {
        String unit = metric.path("scoreUnit").asText("");
        List<Double> samples = new ArrayList<>();
        for (JsonNode fork : metric.path("rawData")) {
            fork.forEach(v -> samples.add(v.asDouble()));
        }
        JsonNode error = metric.path("scoreError");
        double halfWidth = error.isNumber() ? error.asDouble() : Double.NaN; // JMH writes "NaN" as a string
        return new Figure(name, metric.path("score").asDouble(), unit, Better.fromUnit(unit),
                samples.stream().mapToDouble(Double::doubleValue).toArray(), halfWidth, Double.NaN);
    }

    private static String params(JsonNode params) {
        if (!params.isObject() || params.isEmpty()) {
            return "";
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        params.fields().forEachRemaining(p -> sorted.put(p.getKey(), p.getValue().asText()));
        StringBuilder b = new StringBuilder("{");
        sorted.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append(k).append('=').append(v));
        return b.append('}').toString();
    }

    private static double[] numbers(JsonNode array) {
        if (!array.isArray()) {
            return new double[0];
        }
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asDouble();
        }
        return values;
    }
}
