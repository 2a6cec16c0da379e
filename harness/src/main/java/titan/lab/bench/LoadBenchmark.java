package titan.lab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import titan.client.Endpoint;
import titan.client.TitanClient;

/**
 * One load benchmark on a running cluster, per protocol in turn: open the clients, fill the keys if
 * the mix reads, find the maximum throughput with a closed loop, then run an open loop at each
 * fraction of that maximum; CPU of every node is sampled over each phase's measured part. The cluster is the
 * caller's: started before and stopped after.
 */
public final class LoadBenchmark {
    private final BenchSettings settings;
    private final LoadClock clock;
    private final LoadGenerator.Listener listener;

    public LoadBenchmark(BenchSettings settings, LoadClock clock, LoadGenerator.Listener listener) {
        this.settings = settings;
        this.clock = clock;
        this.listener = listener;
    }

    /** Runs every protocol against {@code endpoints}; {@code pids} and {@code cpu} for the CPU columns. */
    public BenchResult run(List<Endpoint> endpoints, Map<String, Long> pids, CpuSource cpu, ClientFactory factory,
                           BenchResult.Machine machine) throws InterruptedException {
        Instant started = Instant.ofEpochMilli(System.currentTimeMillis());
        CpuSampler sampler = new CpuSampler(cpu, clock);
        Map<String, BenchResult.ProtocolResult> results = new LinkedHashMap<>();
        for (String protocol : settings.protocols()) {
            List<TitanClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < settings.connections(); i++) {
                    clients.add(factory.open(protocol, endpoints));
                }
                results.put(protocol, runProtocol(protocol, clients, pids, sampler, started));
            } finally {
                clients.forEach(TitanClient::close);
            }
        }
        return new BenchResult(settings, machine, started, results);
    }

    private BenchResult.ProtocolResult runProtocol(String protocol, List<TitanClient> clients, Map<String, Long> pids,
                                                   CpuSampler sampler, Instant started) throws InterruptedException {
        if (settings.mix().hasReads()) {
            fillKeys(clients);
        }
        int concurrency = settings.concurrency(protocol);
        int perClient = Math.max(1, concurrency / clients.size());
        CpuWindow cpu = new CpuWindow(sampler, pids);
        PhaseResult closed = generator(concurrency, started, cpu).closedLoop(protocol, clients, perClient);
        closed = closed.withCpu(cpu.percentSinceWarmup());
        List<BenchResult.OpenPhase> open = new ArrayList<>();
        for (double fraction : settings.rateFractions()) {
            double rate = Math.max(1, fraction * closed.throughput());
            cpu = new CpuWindow(sampler, pids);
            PhaseResult phase = generator(concurrency, started, cpu).openLoop(protocol, clients, rate);
            open.add(new BenchResult.OpenPhase(fraction, phase.withCpu(cpu.percentSinceWarmup())));
        }
        return new BenchResult.ProtocolResult(closed, open);
    }

    /**
     * CPU over one phase's measured part: a snapshot when the warm-up ends (the generator's interval
     * boundary there), or at the start without a warm-up, and one when the phase returns.
     */
    private final class CpuWindow implements LoadGenerator.Listener {
        private final CpuSampler sampler;
        private final Map<String, Long> pids;
        private CpuSampler.Snapshot start;

        CpuWindow(CpuSampler sampler, Map<String, Long> pids) {
            this.sampler = sampler;
            this.pids = pids;
            this.start = sampler.take(pids);
        }

        @Override
        public void interval(String phase, double elapsedSeconds, double totalSeconds, IntervalPoint point) {
            if (Math.abs(elapsedSeconds - settings.warmup().toNanos() / 1e9) < 1e-6) {
                start = sampler.take(pids);
            }
            listener.interval(phase, elapsedSeconds, totalSeconds, point);
        }

        Map<String, Double> percentSinceWarmup() {
            return CpuSampler.percentOfOneCore(start, sampler.take(pids));
        }
    }

    private LoadGenerator generator(int maxInFlight, Instant started, LoadGenerator.Listener phaseListener) {
        return new LoadGenerator(clock, settings.workload(), new LoadGenerator.Settings(settings.warmup(),
                settings.duration(), Duration.ofSeconds(1), drainMax(), maxInFlight, settings.seed(),
                started.toEpochMilli()), phaseListener);
    }

    private Duration drainMax() {
        Duration tenSeconds = Duration.ofSeconds(10);
        return settings.duration().compareTo(tenSeconds) < 0 ? settings.duration() : tenSeconds;
    }

    /** Writes every key once, so that reads find values; bounded in flight and in time. */
    private void fillKeys(List<TitanClient> clients) throws InterruptedException {
        byte[] value = settings.workload().value();
        long deadline = clock.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<CompletableFuture<?>> window = new ArrayList<>();
        for (int k = 0; k < settings.keys(); k++) {
            window.add(clients.get(k % clients.size()).put(Workload.key(k), value));
            if (window.size() >= 64 || k == settings.keys() - 1) {
                while (!window.stream().allMatch(CompletableFuture::isDone)) {
                    if (clock.nanoTime() > deadline) {
                        throw new IllegalStateException("filling " + settings.keys() + " keys took over 60 s");
                    }
                    clock.sleepUntil(clock.nanoTime() + 1_000_000);
                }
                window.clear();
            }
        }
    }

    /** Cores, CPU model (from /proc/cpuinfo where there is one), OS and Java of this machine. */
    public static BenchResult.Machine thisMachine() {
        String model = "unknown";
        try {
            model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(model);
        } catch (IOException | RuntimeException e) {
            // not Linux: the model stays unknown
        }
        return new BenchResult.Machine(Runtime.getRuntime().availableProcessors(), model,
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                System.getProperty("titan.commit", "unknown"));
    }
}
