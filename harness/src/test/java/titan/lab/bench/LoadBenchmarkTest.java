package titan.lab.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import titan.client.Endpoint;
import titan.lab.gate.FigureReader;
import titan.lab.gate.Gate;
import titan.lab.gate.GateRule;
import titan.lab.gate.RunFigures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The whole benchmark pipeline on simulated time: both protocols against fake servers of known
 * capacity, then bench.json, .hgrm, .hlog and report.html, then the gate reading bench.json back.
 * A run against a slower TCP server must fail the gate on the TCP/HTTP throughput ratio.
 */
class LoadBenchmarkTest {
    private static final List<Endpoint> ENDPOINTS = List.of(new Endpoint("n1", "127.0.0.1", 1, 2));
    private static final BenchResult.Machine MACHINE = new BenchResult.Machine(2, "test cpu", "test os", "test java", "abc");

    @TempDir
    Path dir;

    /** TCP: 4 servers of 1 ms (4,000/s); HTTP: 2 servers of 1 ms (2,000/s), unless tcpServiceNanos says otherwise. */
    private BenchResult run(long tcpServiceNanos) throws InterruptedException {
        SimLoadClock clock = new SimLoadClock();
        FakeServer tcp = new FakeServer(4, tcpServiceNanos);
        FakeServer http = new FakeServer(2, 1_000_000);
        BenchSettings settings = new BenchSettings(List.of("http", "tcp"), Duration.ofSeconds(4), Duration.ofSeconds(1),
                256, 100, Mix.parse("50:50"), List.of(0.25, 0.5), 2, 4, "fake", 3, true, 1);
        // CPU: the one "node" uses half a core whenever time passes.
        CpuSource cpu = pid -> OptionalLong.of(clock.nanoTime() / 2);
        ClientFactory factory = (protocol, endpoints) -> new FakeTitanClient(clock, protocol.equals("tcp") ? tcp : http, "n1");
        return new LoadBenchmark(settings, clock, (phase, elapsed, total, point) -> { })
                .run(ENDPOINTS, Map.of("n1", 42L), cpu, factory, MACHINE);
    }

    // Each protocol's maximum is its server's capacity, the open loops run at the asked fractions of
    // it, and CPU comes out as the sampler saw it.
    @Test
    void measuresEachProtocolsCapacityAndRunsTheOpenLoopsAtFractionsOfIt() throws InterruptedException {
        BenchResult r = run(1_000_000);
        PhaseResult tcpMax = r.protocols().get("tcp").closedLoop();
        PhaseResult httpMax = r.protocols().get("http").closedLoop();
        assertThat(tcpMax.throughput()).isCloseTo(4000, within(40.0));
        assertThat(httpMax.throughput()).isCloseTo(2000, within(20.0));
        assertThat(tcpMax.concurrency()).isEqualTo(8);  // 2 connections x 4 pipelined
        assertThat(httpMax.concurrency()).isEqualTo(2); // one per HTTP connection
        BenchResult.OpenPhase half = r.protocols().get("tcp").openLoop().get(1);
        assertThat(half.fraction()).isEqualTo(0.5);
        assertThat(half.result().targetRate()).isCloseTo(2000, within(20.0));
        assertThat(half.result().throughput()).isCloseTo(2000, within(20.0));
        assertThat(half.result().cpuPercent()).containsKey("n1");
        assertThat(half.result().cpuPercent().get("n1")).isCloseTo(50.0, within(0.5));
    }

    // The files: bench.json has every figure with its unit, the settings and the ratio; the .hlog
    // reads back with HdrHistogram's own reader; report.html is self-contained (no script, no link).
    @Test
    void writesTheRunFolder() throws IOException, InterruptedException {
        Path json = BenchOutput.write(run(1_000_000), dir);
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.at("/settings/mix").asText()).isEqualTo("50:50");
        assertThat(root.at("/settings/valueBytes").asInt()).isEqualTo(256);
        assertThat(root.at("/protocols/tcp/maxThroughput/unit").asText()).isEqualTo("ops/s");
        assertThat(root.at("/protocols/tcp/maxThroughput/samples").size()).isEqualTo(4);
        JsonNode open = root.at("/protocols/http/openLoop/0.50 of max");
        for (String p : List.of("p50", "p90", "p99", "p99.9", "max")) {
            assertThat(open.path("latencyFromIntendedSend").path(p).path("unit").asText()).as(p).isEqualTo("ms");
        }
        assertThat(root.at("/ratios/tcpToHttpMaxThroughput/value").asDouble()).isCloseTo(2.0, within(0.05));
        for (String stem : List.of("tcp-closed", "tcp-open-0.25", "tcp-open-0.50", "http-closed", "http-open-0.50")) {
            assertThat(dir.resolve(stem + ".hgrm")).content().contains("Percentile");
        }
        HistogramLogReader reader = new HistogramLogReader(dir.resolve("tcp-open-0.50.hlog").toString());
        int intervals = 0;
        while (reader.nextIntervalHistogram() != null) {
            intervals++;
        }
        assertThat(intervals).isEqualTo(5); // 4 measured seconds, then the drain: requests sent before the end
        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).contains("<svg").contains("<td>78,000</td>").contains("<td>45,000</td>").contains("Latency by percentile")
                .doesNotContain("<script").doesNotContain("http://").doesNotContain("https://");
    }

    // The gate reads bench.json: the same run passes against itself; a run whose TCP server is
    // twice as slow halves the TCP/HTTP ratio, and the gate fails on it.
    @Test
    void theGatePassesTheSameRunAndFailsASlowerOne() throws IOException, InterruptedException {
        Path baseline = BenchOutput.write(run(1_000_000), dir.resolve("base"));
        Path slower = BenchOutput.write(run(2_000_000), dir.resolve("slow"));
        RunFigures base = FigureReader.read(baseline);
        assertThat(base.kind()).isEqualTo("bench");
        Gate ratioGate = new Gate(GateRule.DEFAULT, Optional.of(java.util.regex.Pattern.compile("^ratios\\.")), false);
        assertThat(ratioGate.compare(base, FigureReader.read(baseline)).passed()).isTrue();
        Gate.Result result = ratioGate.compare(base, FigureReader.read(slower));
        assertThat(result.passed()).isFalse();
        assertThat(result.rows()).singleElement().satisfies(row -> {
            assertThat(row.name()).isEqualTo("ratios.tcpToHttpMaxThroughput");
            assertThat(row.verdict()).isEqualTo(GateRule.Verdict.REGRESSION);
        });
        StringWriter table = new StringWriter();
        Gate.print(result, base, FigureReader.read(slower), new PrintWriter(table, true));
        assertThat(table.toString()).contains("ratios.tcpToHttpMaxThroughput").contains("-50.0%");
    }

    // CPU is taken over the measured part of each phase, not the warm-up: a node that is busy only
    // during warm-ups (here: one full core in the first second of each 5-second phase) shows as idle.
    @Test
    void cpuExcludesTheWarmup() throws InterruptedException {
        SimLoadClock clock = new SimLoadClock();
        BenchSettings settings = new BenchSettings(List.of("tcp"), Duration.ofSeconds(4), Duration.ofSeconds(1),
                16, 10, Mix.parse("writes"), List.of(0.5), 1, 1, "fake", 3, true, 1);
        long phaseNanos = 5_000_000_000L;
        CpuSource warmupOnly = pid -> {
            long t = clock.nanoTime();
            long phases = t / phaseNanos;
            return OptionalLong.of(phases * 1_000_000_000L + Math.min(t % phaseNanos, 1_000_000_000L));
        };
        FakeServer server = new FakeServer(1, 1_000_000);
        BenchResult r = new LoadBenchmark(settings, clock, (phase, elapsed, total, point) -> { })
                .run(ENDPOINTS, Map.of("n1", 1L), warmupOnly, (p, e) -> new FakeTitanClient(clock, server, "n1"), MACHINE);
        assertThat(r.protocols().get("tcp").closedLoop().cpuPercent().get("n1")).isLessThan(1.0);
    }

    // The search for the maximum climbs the ladder (HTTP: 2, 4, 8, 16 connections) against a server
    // that serves 4 at once in 1 ms: 2,000/s, 4,000/s, then 8 connections gain nothing and the
    // search stops there; the measured closed loop and the open loops run at 4 connections.
    @Test
    void theSearchStopsWhereMoreInFlightNoLongerPaysAndMeasuresAtTheBest() throws InterruptedException {
        SimLoadClock clock = new SimLoadClock();
        FakeServer http = new FakeServer(4, 1_000_000);
        BenchSettings settings = new BenchSettings(List.of("http"), Duration.ofSeconds(4), Duration.ofSeconds(1), 16, 10,
                Mix.parse("writes"), List.of(0.5), 16, 2, 8, "fake", 3, true, 1,
                new BenchSettings.Search(true, Duration.ofSeconds(2), Duration.ofSeconds(1), 0.05), List.of(),
                Duration.ofSeconds(3));
        assertThat(settings.ladder("http")).extracting(BenchSettings.Setting::connections).containsExactly(2, 4, 8, 16);
        assertThat(settings.ladder("tcp")).extracting(BenchSettings.Setting::perConnection).containsExactly(1, 2, 4, 8);
        BenchResult r = new LoadBenchmark(settings, clock, (phase, elapsed, total, point) -> { }, () -> 0)
                .run(ENDPOINTS, Map.of("n1", 1L), pid -> OptionalLong.of(0), (p, e) -> new FakeTitanClient(clock, http, "n1"),
                        MACHINE);
        BenchResult.ProtocolResult p = r.protocols().get("http");
        assertThat(p.search()).extracting(step -> step.setting().connections()).containsExactly(2, 4, 8);
        assertThat(p.search().get(0).throughput()).isCloseTo(2000, within(20.0));
        assertThat(p.search().get(1).throughput()).isCloseTo(4000, within(40.0));
        assertThat(p.maxAt()).isEqualTo(new BenchSettings.Setting(4, 1));
        assertThat(p.closedLoop().concurrency()).isEqualTo(4);
        assertThat(p.closedLoop().throughput()).isCloseTo(4000, within(40.0));
        assertThat(p.openLoop().get(0).result().concurrency()).isEqualTo(4);
        assertThat(p.closedLoop().generatorCpuPercent()).isZero();
    }

    // The claims table: TCP and HTTP against the original's figures (a miss says so), etcd's column
    // when it ran, and bench.json's etcd ratios.
    @Test
    void theClaimsTableHasEtcdBesideTitanWhenItRan() throws InterruptedException {
        BenchResult titan = run(1_000_000);
        Map<String, BenchResult.ProtocolResult> all = new java.util.LinkedHashMap<>(titan.protocols());
        all.put("etcd", titan.protocols().get("http"));
        BenchResult withEtcd = new BenchResult(titan.settings(), MACHINE, titan.startedAt(), all);
        assertThat(ClaimsTable.header(titan)).doesNotContain("etcd JSON gateway");
        assertThat(ClaimsTable.header(withEtcd)).endsWith("etcd JSON gateway");
        StringWriter text = new StringWriter();
        ClaimsTable.print(new PrintWriter(text, true), withEtcd);
        assertThat(text.toString()).contains("78,000").contains("4,000 (missed)").contains("2,000 (missed)")
                .contains("etcd JSON gateway");
        Map<String, Object> json = BenchOutput.json(withEtcd);
        assertThat(json.get("ratios").toString()).contains("tcpToEtcdMaxThroughput").contains("httpToEtcdMaxThroughput");
        assertThat(BenchReport.html(withEtcd)).contains("etcd JSON gateway").contains("(missed)");
    }
}
