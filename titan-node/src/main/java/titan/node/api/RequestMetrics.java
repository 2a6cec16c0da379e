package titan.node.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * Request latency per protocol and op ({@code titan.client.requests}, a timer with a percentile
 * histogram, so Prometheus shows {@code titan_client_requests_seconds_bucket}) and protocol errors
 * ({@code titan.client.errors}). Meters are registered once, at construction: recording costs no
 * lookup. Thread-safe.
 */
final class RequestMetrics {
    /** Op indexes shared by both protocols. */
    static final int GET = 0;
    static final int GET_STALE = 1;
    static final int PUT = 2;
    static final int DELETE = 3;
    static final int CAS = 4;
    static final int APPEND = 5;
    static final int STATUS = 6;
    private static final String[] NAMES = {"get", "get-stale", "put", "delete", "cas", "append", "status"};

    private final Timer[] timers = new Timer[NAMES.length];
    private final Counter errors;

    RequestMetrics(MeterRegistry registry, String protocol) {
        for (int i = 0; i < NAMES.length; i++) {
            timers[i] = Timer.builder("titan.client.requests")
                    .description("client request latency, from decoding the request to encoding its answer")
                    .tag("protocol", protocol).tag("op", NAMES[i])
                    .publishPercentileHistogram()
                    .register(registry);
        }
        errors = Counter.builder("titan.client.errors").description("requests refused as malformed or over a limit")
                .tag("protocol", protocol).register(registry);
    }

    void record(int op, long startNanos) {
        timers[op].record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    void error() {
        errors.increment();
    }

    static int ofBinaryOp(int op) {
        return switch (op) {
            case BinaryProtocol.GET -> GET;
            case BinaryProtocol.GET_STALE -> GET_STALE;
            case BinaryProtocol.PUT -> PUT;
            case BinaryProtocol.DELETE -> DELETE;
            case BinaryProtocol.CAS -> CAS;
            case BinaryProtocol.APPEND -> APPEND;
            default -> STATUS;
        };
    }
}
