package titan.lab.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.HdrHistogram.Recorder;
import titan.client.Outcome;

/**
 * Records one phase: latencies in microseconds into HdrHistogram {@link Recorder}s (safe to call
 * from any thread, wait-free), outcomes by kind, and at each interval boundary the interval
 * histogram into an {@code .hlog} (HdrHistogram's interval log) and a point for the latency-over-
 * time chart. Latency is what the caller measured (from the intended send time in an open loop);
 * service time is from the actual send.
 */
final class PhaseRecorder {
    private static final int SIGNIFICANT_DIGITS = 3;

    private final Recorder latency = new Recorder(SIGNIFICANT_DIGITS);
    private final Recorder service = new Recorder(SIGNIFICANT_DIGITS);
    private final Histogram latencyTotal = new Histogram(SIGNIFICANT_DIGITS);
    private final Histogram serviceTotal = new Histogram(SIGNIFICANT_DIGITS);
    private final LongAdder ok = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder indeterminate = new LongAdder();
    private final LongAdder okInWindow = new LongAdder();
    private final List<IntervalPoint> points = new ArrayList<>();
    private final ByteArrayOutputStream hlogBytes = new ByteArrayOutputStream();
    private final PrintStream hlogStream = new PrintStream(hlogBytes, true, StandardCharsets.UTF_8);
    private final HistogramLogWriter hlog = new HistogramLogWriter(hlogStream);
    private Histogram latencyInterval;
    private Histogram serviceInterval;

    PhaseRecorder(String comment, long startEpochMillis) {
        hlog.outputComment(comment);
        hlog.outputComment("latency in microseconds, measured from each request's intended send time; "
                + "max column in milliseconds");
        hlog.outputLogFormatVersion();
        hlog.outputStartTime(startEpochMillis);
        hlog.setBaseTime(startEpochMillis);
        hlog.outputBaseTime(startEpochMillis);
        hlog.outputLegend();
    }

    /** Records one completed request (thread-safe). */
    void record(long latencyNanos, long serviceNanos, Outcome outcome) {
        latency.recordValue(Math.max(0, latencyNanos) / 1000);
        service.recordValue(Math.max(0, serviceNanos) / 1000);
        if (outcome instanceof Outcome.Failed) {
            failed.increment();
        } else if (outcome == null || outcome instanceof Outcome.Indeterminate) {
            indeterminate.increment();
        } else {
            ok.increment();
        }
    }

    /** Counts a successful completion that fell inside the measured window, whenever it was sent (thread-safe). */
    void completedInWindow(Outcome outcome) {
        if (isOk(outcome)) {
            okInWindow.increment();
        }
    }

    private static boolean isOk(Outcome outcome) {
        return outcome != null && !(outcome instanceof Outcome.Failed) && !(outcome instanceof Outcome.Indeterminate);
    }

    /** Closes the interval [start, end) seconds after the warm-up: the hlog line and the chart point. */
    IntervalPoint harvest(double startSeconds, double endSeconds) {
        latencyInterval = latency.getIntervalHistogram(latencyInterval);
        serviceInterval = service.getIntervalHistogram(serviceInterval);
        latencyTotal.add(latencyInterval);
        serviceTotal.add(serviceInterval);
        hlog.outputIntervalHistogram(startSeconds, endSeconds, latencyInterval, 1000.0);
        IntervalPoint point = new IntervalPoint(startSeconds, endSeconds, latencyInterval.getTotalCount(),
                latencyInterval.getValueAtPercentile(50) / 1000.0, latencyInterval.getValueAtPercentile(99) / 1000.0,
                latencyInterval.getMaxValue() / 1000.0);
        points.add(point);
        return point;
    }

    Histogram latencyTotal() {
        return latencyTotal.copy();
    }

    Histogram serviceTotal() {
        return serviceTotal.copy();
    }

    long ok() {
        return ok.sum();
    }

    long okInWindow() {
        return okInWindow.sum();
    }

    long failed() {
        return failed.sum();
    }

    long indeterminate() {
        return indeterminate.sum();
    }

    List<IntervalPoint> points() {
        return List.copyOf(points);
    }

    String hlogText() {
        hlogStream.flush();
        return hlogBytes.toString(StandardCharsets.UTF_8);
    }
}
