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
import java.util.function.LongSupplier;

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
    private final LongSupplier generatorCpuNanos;
    private final Instant started = Instant.ofEpochMilli(System.currentTimeMillis());

    public LoadBenchmark(BenchSettings settings, LoadClock clock, LoadGenerator.Listener listener) {
        this(settings, clock, listener, () -> -1);
    }

    /**
     * @param generatorCpuNanos CPU time used so far by the load generator itself (its client I/O
     *                          threads and the driving thread), negative when it cannot be read
     */
    public LoadBenchmark(BenchSettings settings, LoadClock clock, LoadGenerator.Listener listener,
                         LongSupplier generatorCpuNanos) {
        this.settings = settings;
        this.clock = clock;
        this.listener = listener;
        this.generatorCpuNanos = generatorCpuNanos;
    }

    /** When this benchmark was made: the start time of every phase's {@code .hlog}. */
    public Instant startedAt() {
        return started;
    }

    /** Runs every protocol of the settings against {@code endpoints}; {@code pids} and {@code cpu} for the CPU columns. */
    public BenchResult run(List<Endpoint> endpoints, Map<String, Long> pids, CpuSource cpu, ClientFactory factory,
                           BenchResult.Machine machine) throws InterruptedException {
        return new BenchResult(settings, machine, started, runProtocols(settings.protocols(), endpoints, pids, cpu, factory));
    }

    /** Runs {@code protocols} in turn (Titan's, or {@code etcd} against an etcd cluster) with this run's load. */
    public Map<String, BenchResult.ProtocolResult> runProtocols(List<String> protocols, List<Endpoint> endpoints,
                                                                Map<String, Long> pids, CpuSource cpu,
                                                                ClientFactory factory) throws InterruptedException {
        CpuSampler sampler = new CpuSampler(cpu, clock);
        Map<String, BenchResult.ProtocolResult> results = new LinkedHashMap<>();
        for (String protocol : protocols) {
            List<TitanClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < settings.connections(protocol); i++) {
                    clients.add(factory.open(protocol, endpoints));
                }
                if (!settings.clusterWarmup().isZero()) {
                    // A fresh cluster's first seconds are its JVMs compiling and its leader settling:
                    // load it, unrecorded, before anything is measured. Every protocol gets its own
                    // warm-up: each has its own code path in the nodes (codec, handler), and while it
                    // was only the first protocol's, the nodes' C2 compiler threads still took 46% of
                    // their CPU during HTTP's measured closed loop (docs/performance.md).
                    BenchSettings.Setting full = settings.full(protocol);
                    generator(full.inFlight(), settings.clusterWarmup(), Duration.ofSeconds(1), listener)
                            .closedLoop(protocol, clients, full.perConnection());
                }
                results.put(protocol, runProtocol(protocol, clients, pids, sampler));
            } finally {
                clients.forEach(TitanClient::close);
            }
        }
        return results;
    }

    private BenchResult.ProtocolResult runProtocol(String protocol, List<TitanClient> clients, Map<String, Long> pids,
                                                   CpuSampler sampler) throws InterruptedException {
        if (settings.mix().hasReads()) {
            fillKeys(clients);
        }
        List<BenchResult.SearchStep> search = new ArrayList<>();
        BenchSettings.Setting best = search(protocol, clients, search);
        List<TitanClient> used = clients.subList(0, best.connections());
        CpuWindow cpu = new CpuWindow(sampler, pids, settings.warmup());
        PhaseResult closed = generator(best.inFlight(), settings.warmup(), settings.duration(), cpu)
                .closedLoop(protocol, used, best.perConnection());
        closed = cpu.finish(closed);
        List<BenchResult.OpenPhase> open = new ArrayList<>();
        for (double fraction : settings.rateFractions()) {
            double rate = Math.max(1, fraction * closed.throughput());
            cpu = new CpuWindow(sampler, pids, settings.warmup());
            PhaseResult phase = generator(best.inFlight(), settings.warmup(), settings.duration(), cpu)
                    .openLoop(protocol, used, rate);
            open.add(new BenchResult.OpenPhase(fraction, cpu.finish(phase)));
        }
        return new BenchResult.ProtocolResult(search, best, closed, open);
    }

    /**
     * The search for the maximum (see {@link BenchSettings.Search}): short closed loops up the
     * protocol's ladder of settings until one gains less than the minimum over the best so far.
     * Returns the best setting (the full one when there is no search).
     */
    private BenchSettings.Setting search(String protocol, List<TitanClient> clients, List<BenchResult.SearchStep> steps)
            throws InterruptedException {
        List<BenchSettings.Setting> ladder = settings.ladder(protocol);
        if (ladder.size() == 1) {
            return ladder.get(0);
        }
        BenchSettings.Search s = settings.search();
        BenchSettings.Setting best = null;
        double bestThroughput = -1;
        for (BenchSettings.Setting step : ladder) {
            PhaseResult r = generator(step.inFlight(), s.warmup(), s.step(), listener)
                    .closedLoop(protocol, clients.subList(0, step.connections()), step.perConnection());
            steps.add(new BenchResult.SearchStep(step, r.throughput(), r.latencyMillisAt(99)));
            boolean gained = r.throughput() >= bestThroughput * (1 + s.gainMin());
            if (r.throughput() > bestThroughput) {
                best = step;
                bestThroughput = r.throughput();
            }
            if (!gained) {
                break; // more in flight no longer pays: the server, not the load, is the limit
            }
        }
        return best;
    }

    /**
     * CPU over one phase's measured part, of the nodes and of the generator itself: a snapshot when
     * the warm-up ends (the generator's interval boundary there), or at the start without a warm-up,
     * and one when the phase returns.
     */
    private final class CpuWindow implements LoadGenerator.Listener {
        private final CpuSampler sampler;
        private final Map<String, Long> pids;
        private final Duration warmup;
        private CpuSampler.Snapshot start;
        private long generatorStart;

        CpuWindow(CpuSampler sampler, Map<String, Long> pids, Duration warmup) {
            this.sampler = sampler;
            this.pids = pids;
            this.warmup = warmup;
            this.start = sampler.take(pids);
            this.generatorStart = generatorCpuNanos.getAsLong();
        }

        @Override
        public void interval(String phase, double elapsedSeconds, double totalSeconds, IntervalPoint point) {
            if (Math.abs(elapsedSeconds - warmup.toNanos() / 1e9) < 1e-6) {
                start = sampler.take(pids);
                generatorStart = generatorCpuNanos.getAsLong();
            }
            listener.interval(phase, elapsedSeconds, totalSeconds, point);
        }

        PhaseResult finish(PhaseResult phase) {
            CpuSampler.Snapshot end = sampler.take(pids);
            long generatorEnd = generatorCpuNanos.getAsLong();
            long wall = end.atNanos() - start.atNanos();
            double generator = generatorStart < 0 || generatorEnd < generatorStart || wall <= 0 ? Double.NaN
                    : 100.0 * (generatorEnd - generatorStart) / wall;
            return phase.withCpu(CpuSampler.percentOfOneCore(start, end), generator);
        }
    }

    private LoadGenerator generator(int maxInFlight, Duration warmup, Duration duration,
                                    LoadGenerator.Listener phaseListener) {
        return new LoadGenerator(clock, settings.workload(), new LoadGenerator.Settings(warmup, duration,
                Duration.ofSeconds(1), drainMax(duration), maxInFlight, settings.seed(), started.toEpochMilli()),
                phaseListener);
    }

    private static Duration drainMax(Duration duration) {
        Duration tenSeconds = Duration.ofSeconds(10);
        return duration.compareTo(tenSeconds) < 0 ? duration : tenSeconds;
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
