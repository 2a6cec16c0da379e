package titan.lab.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import titan.checker.history.Event;
import titan.checker.history.History;
import titan.checker.history.Operation;

/**
 * Counts and latency distributions of a history's operations, by function and outcome, in one
 * pass. Latencies go into HdrHistogram histograms in microseconds (three significant digits), so
 * quantiles over 100,000 operations cost no sorting and are exact to 0.1 %.
 * <p>An operation's latency is its completion time minus its call time; an operation without both
 * times (a call never completed, or a history without times) is counted but has no latency.
 */
final class OperationStats {
    /** Outcomes as the history writes them, in the order the page shows them. */
    enum Outcome { OK, FAIL, INFO }

    static final double[] QUANTILES = {50, 90, 99, 99.9};

    /** One row: the operations of one function with one outcome (or all functions, f = "all"). */
    static final class Row {
        final String f;
        final Outcome outcome;
        final Histogram latencyMicros = new Histogram(3);
        long count;

        Row(String f, Outcome outcome) {
            this.f = f;
            this.outcome = outcome;
        }
    }

    private final Map<String, Row[]> byF = new TreeMap<>();
    private final Row[] all = rows("all");
    private long untimed;
    private long endNanos;

    static Outcome outcome(Operation op) {
        return switch (op.outcome()) {
            case OK -> Outcome.OK;
            case FAIL -> Outcome.FAIL;
            case UNKNOWN -> Outcome.INFO;
        };
    }

    static OperationStats of(History history) {
        OperationStats stats = new OperationStats();
        for (Event event : history.events()) {
            stats.endNanos = Math.max(stats.endNanos, event.timeNanos());
        }
        for (Operation op : history.operations()) {
            Outcome outcome = outcome(op);
            Row row = stats.byF.computeIfAbsent(op.f(), OperationStats::rows)[outcome.ordinal()];
            Row total = stats.all[outcome.ordinal()];
            row.count++;
            total.count++;
            long latency = latencyNanos(op);
            if (latency < 0) {
                stats.untimed++;
                continue;
            }
            long micros = Math.max(1, latency / 1000);
            row.latencyMicros.recordValue(micros);
            total.latencyMicros.recordValue(micros);
        }
        return stats;
    }

    /** Completion minus call, or -1 when either time is unknown. */
    static long latencyNanos(Operation op) {
        if (op.callTimeNanos() == Event.TIME_UNKNOWN || op.completionTimeNanos() == Event.TIME_UNKNOWN
                || op.completionIndex() < 0) {
            return -1;
        }
        return Math.max(0, op.completionTimeNanos() - op.callTimeNanos());
    }

    private static Row[] rows(String f) {
        Row[] rows = new Row[Outcome.values().length];
        for (Outcome outcome : Outcome.values()) {
            rows[outcome.ordinal()] = new Row(f, outcome);
        }
        return rows;
    }

    /** Functions in name order. */
    List<String> functions() {
        return new ArrayList<>(byF.keySet());
    }

    long count(String f, Outcome outcome) {
        Row[] rows = f.equals("all") ? all : byF.get(f);
        return rows == null ? 0 : rows[outcome.ordinal()].count;
    }

    long total(Outcome outcome) {
        return all[outcome.ordinal()].count;
    }

    long total() {
        long n = 0;
        for (Row row : all) {
            n += row.count;
        }
        return n;
    }

    /** Rows with at least one timed operation: per function by outcome, then all functions by outcome. */
    List<Row> latencyRows() {
        List<Row> rows = new ArrayList<>();
        for (Row[] fRows : byF.values()) {
            for (Row row : fRows) {
                if (row.latencyMicros.getTotalCount() > 0) {
                    rows.add(row);
                }
            }
        }
        if (byF.size() > 1) {
            for (Row row : all) {
                if (row.latencyMicros.getTotalCount() > 0) {
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    /** Operations without a latency (never completed, or no times). */
    long untimed() {
        return untimed;
    }

    /** The latest time of any event: the test's end as the history saw it. */
    long endNanos() {
        return endNanos;
    }
}
