package titan.lab.bench;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a benchmark: a progress bar over the whole run's seconds when a person is watching
 * (a terminal), otherwise plain lines, which read well in CI logs: one when a phase starts, one every
 * {@value #LINE_EVERY_SECONDS} seconds of it, and one at its end.
 */
final class BenchProgress implements LoadGenerator.Listener, AutoCloseable {
    private static final int LINE_EVERY_SECONDS = 5;

    private final ProgressBar bar;
    private final PrintWriter lines;
    private String phase = "";
    private double finishedPhasesSeconds;
    private double phaseTotalSeconds;
    private long lastLineSecond = -1;

    private BenchProgress(ProgressBar bar, PrintWriter lines) {
        this.bar = bar;
        this.lines = lines;
    }

    /** A bar on {@code terminal} when there is a console, else lines on {@code lines}. */
    static BenchProgress create(boolean onTerminal, long totalSeconds, PrintStream terminal, PrintWriter lines) {
        if (onTerminal) {
            return new BenchProgress(new ProgressBarBuilder().setTaskName("bench").setInitialMax(totalSeconds)
                    .setUnit(" s", 1).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).continuousUpdate()
                    .setConsumer(new ConsoleProgressBarConsumer(terminal)).build(), null);
        }
        return new BenchProgress(null, lines);
    }

    @Override
    public void interval(String label, double elapsedSeconds, double totalSeconds, IntervalPoint point) {
        if (!label.equals(phase)) {
            finishedPhasesSeconds += phaseTotalSeconds;
            phase = label;
            lastLineSecond = -1;
        }
        phaseTotalSeconds = totalSeconds;
        String now = point == null ? "warming up"
                : String.format(Locale.ROOT, "%,.0f req/s, p99 %.2f ms", point.throughputPerSecond(), point.p99Millis());
        if (bar != null) {
            bar.stepTo(Math.round(finishedPhasesSeconds + elapsedSeconds));
            bar.setExtraMessage(" " + label + ": " + now);
            return;
        }
        long second = (long) Math.floor(elapsedSeconds);
        boolean end = elapsedSeconds >= totalSeconds - 1e-9;
        if (end || Math.floorDiv(second, LINE_EVERY_SECONDS) > Math.floorDiv(lastLineSecond, LINE_EVERY_SECONDS)) {
            lines.printf(Locale.ROOT, "bench: %s: %.0f/%.0f s, %s%n", label, elapsedSeconds, totalSeconds, now);
            lines.flush();
            lastLineSecond = second;
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
