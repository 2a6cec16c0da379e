package titan.lab.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.HdrHistogram.Histogram;

/**
 * Writes a {@link BenchResult} into a run folder:
 * <pre>
 *   bench.json                 every figure as {"value", "unit"} (+ "samples", "better"), and the settings
 *   PROTOCOL-closed.hgrm       HdrHistogram percentile distribution, milliseconds
 *   PROTOCOL-closed.hlog       HdrHistogram interval log (one histogram per second, microseconds)
 *   PROTOCOL-open-0.50.hgrm    the same per open-loop rate (fraction of the maximum)
 *   PROTOCOL-open-0.50.hlog
 *   report.html                {@link BenchReport}
 * </pre>
 */
public final class BenchOutput {
    /** The original write-up's claims (README): throughput, p99 at load, CPU, per protocol. */
    public static final Map<String, Map<String, Double>> CLAIMS = Map.of(
            "tcp", Map.of("maxThroughputOpsPerSecond", 78_000.0, "p99Millis", 5.0, "cpuPercent", 35.0),
            "http", Map.of("maxThroughputOpsPerSecond", 45_000.0, "p99Millis", 12.0, "cpuPercent", 65.0));

    static final double[] PERCENTILES = {50, 90, 99, 99.9};

    private BenchOutput() {
    }

    /** Writes every file; returns the path of bench.json. */
    public static Path write(BenchResult result, Path run) throws IOException {
        Files.createDirectories(run);
        for (Map.Entry<String, BenchResult.ProtocolResult> e : result.protocols().entrySet()) {
            writeHistograms(run, fileStem(e.getKey(), null), e.getValue().closedLoop());
            for (BenchResult.OpenPhase open : e.getValue().openLoop()) {
                writeHistograms(run, fileStem(e.getKey(), open.fraction()), open.result());
            }
        }
        Path json = run.resolve("bench.json");
        Files.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(json(result)) + "\n");
        Files.writeString(run.resolve("report.html"), BenchReport.html(result));
        return json;
    }

    static String fileStem(String protocol, Double fraction) {
        return fraction == null ? protocol + "-closed" : String.format(Locale.ROOT, "%s-open-%.2f", protocol, fraction);
    }

    private static void writeHistograms(Path run, String stem, PhaseResult phase) throws IOException {
        Files.writeString(run.resolve(stem + ".hgrm"), hgrm(phase.latency()));
        Files.writeString(run.resolve(stem + ".hlog"), phase.hlog());
    }

    /** HdrHistogram's percentile distribution of a microsecond histogram, in milliseconds. */
    static String hgrm(Histogram micros) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            micros.outputPercentileDistribution(out, 1000.0);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The bench.json tree. Keys say what a figure is; units say how to read and gate it. */
    static Map<String, Object> json(BenchResult r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("test", "bench");
        root.put("startedAt", r.startedAt().toString());
        root.put("machine", r.machine());
        BenchSettings s = r.settings();
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("runtime", s.runtime());
        settings.put("nodes", s.nodes());
        settings.put("fsync", s.fsync());
        settings.put("protocols", s.protocols());
        settings.put("durationSeconds", s.duration().toMillis() / 1000.0);
        settings.put("warmupSeconds", s.warmup().toMillis() / 1000.0);
        settings.put("clusterWarmupSeconds", s.clusterWarmup().toMillis() / 1000.0);
        settings.put("valueBytes", s.valueBytes());
        settings.put("keys", s.keys());
        settings.put("mix", s.mix().toString());
        settings.put("openLoopRatesAsFractionsOfMax", s.rateFractions());
        settings.put("httpConnectionsMax", s.httpConnections());
        settings.put("pipelinedRequestsPerHttpConnection", s.httpPipeline());
        settings.put("tcpConnections", s.tcpConnections());
        settings.put("pipelinedRequestsPerTcpConnectionMax", s.pipeline());
        Map<String, Object> search = new LinkedHashMap<>();
        search.put("on", s.search().on());
        if (s.search().on()) {
            search.put("stepSeconds", s.search().step().toMillis() / 1000.0);
            search.put("stepWarmupSeconds", s.search().warmup().toMillis() / 1000.0);
            search.put("stopsWhenGainBelow", s.search().gainMin());
            search.put("how", "closed loops of doubling concurrency (HTTP: connections; TCP: pipeline depth on every "
                    + "connection) until one gains less than the minimum; the measured closed loop runs at the best");
        }
        settings.put("maxSearch", search);
        settings.put("compare", s.compare());
        settings.put("seed", s.seed());
        settings.put("latencyMeasuredFrom", "closed loop: the actual send; open loop: the intended send time "
                + "(coordinated omission corrected, as wrk2)");
        root.put("settings", settings);
        Map<String, Object> protocols = new LinkedHashMap<>();
        r.protocols().forEach((name, p) -> protocols.put(name, protocol(p, r.machine().cores())));
        root.put("protocols", protocols);
        root.put("ratios", ratios(r));
        root.put("claimsOfTheOriginal", CLAIMS);
        return root;
    }

    private static Map<String, Object> protocol(BenchResult.ProtocolResult p, int cores) {
        Map<String, Object> out = new LinkedHashMap<>();
        PhaseResult closed = p.closedLoop();
        double[] perSecond = closed.intervals().stream().filter(i -> i.endSeconds() <= closed.measuredSeconds() + 1e-9)
                .mapToDouble(IntervalPoint::throughputPerSecond).toArray();
        Map<String, Object> max = figure(closed.throughput(), "ops/s");
        max.put("samples", perSecond);
        out.put("maxThroughput", max);
        if (p.maxAt() != null) {
            Map<String, Object> at = new LinkedHashMap<>();
            at.put("connections", p.maxAt().connections());
            at.put("inFlightPerConnection", p.maxAt().perConnection());
            at.put("inFlight", p.maxAt().inFlight());
            out.put("maxFoundAt", at);
        }
        if (!p.search().isEmpty()) {
            List<Map<String, Object>> steps = new java.util.ArrayList<>();
            for (BenchResult.SearchStep step : p.search()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("connections", step.setting().connections());
                m.put("inFlightPerConnection", step.setting().perConnection());
                m.put("throughputOpsPerSecond", step.throughput());
                m.put("p99Millis", step.p99Millis());
                steps.add(m);
            }
            out.put("maxSearchSteps", steps);
        }
        out.put("closedLoop", phase(closed, cores));
        Map<String, Object> open = new LinkedHashMap<>();
        for (BenchResult.OpenPhase o : p.openLoop()) {
            Map<String, Object> phase = new LinkedHashMap<>();
            phase.put("targetRate", figure(o.result().targetRate(), "ops/s"));
            phase.put("achievedRate", figure(o.result().throughput(), "ops/s"));
            phase.putAll(phase(o.result(), cores));
            open.put(String.format(Locale.ROOT, "%.2f of max", o.fraction()), phase);
        }
        out.put("openLoop", open);
        return out;
    }

    private static Map<String, Object> phase(PhaseResult phase, int cores) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("concurrency", phase.concurrency());
        out.put(phase.loop().equals("open") ? "latencyFromIntendedSend" : "latencyFromActualSend", latency(phase.latency()));
        if (phase.loop().equals("open")) {
            out.put("serviceTimeFromActualSend", latency(phase.serviceTime()));
        }
        Map<String, Object> requests = new LinkedHashMap<>();
        requests.put("ok", phase.ok());
        requests.put("failed", phase.failed());
        requests.put("indeterminate", phase.indeterminate());
        requests.put("unfinishedAtEnd", phase.unfinished());
        out.put("requests", requests);
        Map<String, Object> cpu = new LinkedHashMap<>();
        phase.cpuPercent().forEach((node, pct) -> cpu.put(node, lowerBetter(pct, "%")));
        out.put("cpuPercentOfOneCoreByNode", cpu);
        if (!phase.cpuPercent().isEmpty()) {
            out.put("cpuPercentOfMachineAllNodes", lowerBetter(phase.cpuPercentTotal() / cores, "%"));
        }
        Map<String, Object> generator = new LinkedHashMap<>();
        generator.put("cpuPercentOfOneCore", lowerBetter(phase.generatorCpuPercent(), "%"));
        if (phase.loop().equals("open")) {
            Map<String, Object> lag = new LinkedHashMap<>();
            for (double p : new double[] {50, 99, 100}) {
                lag.put(p == 100 ? "max" : "p" + (int) p, figure(phase.sendLagMillisAt(p), "ms"));
            }
            generator.put("sendLagBehindSchedule", lag);
            generator.put("sendsHeldByInFlightCap", phase.heldByCap());
        }
        out.put("generator", generator);
        return out;
    }

    private static Map<String, Object> latency(Histogram micros) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (double p : PERCENTILES) {
            out.put("p" + (p == Math.rint(p) ? String.valueOf((int) p) : String.valueOf(p)),
                    figure(micros.getValueAtPercentile(p) / 1000.0, "ms"));
        }
        out.put("max", figure(micros.getMaxValue() / 1000.0, "ms"));
        out.put("count", micros.getTotalCount());
        return out;
    }

    private static Map<String, Object> ratios(BenchResult r) {
        Map<String, Object> out = new LinkedHashMap<>();
        BenchResult.ProtocolResult tcp = r.protocols().get("tcp");
        BenchResult.ProtocolResult http = r.protocols().get("http");
        if (tcp != null && http != null && http.closedLoop().throughput() > 0) {
            Map<String, Object> ratio = figure(tcp.closedLoop().throughput() / http.closedLoop().throughput(), "ratio");
            ratio.put("better", "higher");
            ratio.put("meaning", "tcp max throughput / http max throughput, measured in this run");
            out.put("tcpToHttpMaxThroughput", ratio);
        }
        BenchResult.ProtocolResult etcd = r.protocols().get("etcd");
        if (etcd != null && etcd.closedLoop().throughput() > 0) {
            for (String protocol : List.of("tcp", "http")) {
                BenchResult.ProtocolResult p = r.protocols().get(protocol);
                if (p != null) {
                    Map<String, Object> ratio = figure(p.closedLoop().throughput() / etcd.closedLoop().throughput(), "ratio");
                    ratio.put("better", "higher");
                    ratio.put("meaning", "titan " + protocol + " max throughput / etcd JSON gateway max throughput, "
                            + "measured in this run");
                    out.put(protocol + "ToEtcdMaxThroughput", ratio);
                }
            }
        }
        return out;
    }

    static Map<String, Object> figure(double value, String unit) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("value", Double.isFinite(value) ? value : null);
        f.put("unit", unit);
        return f;
    }

    private static Map<String, Object> lowerBetter(double value, String unit) {
        Map<String, Object> f = figure(value, unit);
        f.put("better", "lower");
        return f;
    }

    /** The open phase nearest to half the maximum, where the original's p99 claims apply. */
    static BenchResult.OpenPhase nearHalf(List<BenchResult.OpenPhase> open) {
        BenchResult.OpenPhase best = null;
        for (BenchResult.OpenPhase o : open) {
            if (best == null || Math.abs(o.fraction() - 0.5) < Math.abs(best.fraction() - 0.5)) {
                best = o;
            }
        }
        return best;
    }
}
