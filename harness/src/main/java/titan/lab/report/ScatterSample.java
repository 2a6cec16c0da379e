package titan.lab.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import titan.checker.history.Operation;

/**
 * The operations a latency scatter draws, so a page for 100,000 operations stays small and fast:
 * every {@code fail} and {@code info} operation (up to a cap), every operation the checker flagged,
 * and of the {@code ok} operations a sample stratified by time. The test time is cut into columns;
 * each column gets a share of the budget proportional to its operations (at least one), and within
 * a column the operations are taken at evenly spaced latency ranks, always including the fastest
 * and the slowest, so both the body and the tail of the distribution stay visible everywhere.
 * Deterministic: the same history gives the same sample.
 */
final class ScatterSample {
    static final int OK_POINTS_MAX = 12_000;
    static final int OTHER_POINTS_MAX = 15_000;
    static final int COLUMNS = 300;

    private final List<List<Operation>> shown;
    private final long[] timed;

    private ScatterSample(List<List<Operation>> shown, long[] timed) {
        this.shown = shown;
        this.timed = timed;
    }

    static ScatterSample of(List<Operation> operations, Set<Integer> flagged, long spanNanos) {
        return of(operations, flagged, spanNanos, OK_POINTS_MAX, OTHER_POINTS_MAX);
    }

    static ScatterSample of(List<Operation> operations, Set<Integer> flagged, long spanNanos, int okMax,
                            int otherMax) {
        int outcomes = OperationStats.Outcome.values().length;
        List<List<Operation>> timedByOutcome = new ArrayList<>();
        for (int i = 0; i < outcomes; i++) {
            timedByOutcome.add(new ArrayList<>());
        }
        long[] timed = new long[outcomes];
        for (Operation op : operations) {
            if (OperationStats.latencyNanos(op) < 0) {
                continue;
            }
            int slot = OperationStats.outcome(op).ordinal();
            timedByOutcome.get(slot).add(op);
            timed[slot]++;
        }
        List<List<Operation>> shown = new ArrayList<>();
        for (OperationStats.Outcome outcome : OperationStats.Outcome.values()) {
            List<Operation> ops = timedByOutcome.get(outcome.ordinal());
            int budget = outcome == OperationStats.Outcome.OK ? okMax : otherMax;
            shown.add(ops.size() <= budget ? ops : stratified(ops, flagged, spanNanos, budget));
        }
        return new ScatterSample(shown, timed);
    }

    private static List<Operation> stratified(List<Operation> ops, Set<Integer> flagged, long spanNanos, int budget) {
        List<List<Operation>> columns = new ArrayList<>(COLUMNS);
        for (int i = 0; i < COLUMNS; i++) {
            columns.add(new ArrayList<>());
        }
        List<Operation> kept = new ArrayList<>(budget + flagged.size());
        for (Operation op : ops) {
            if (flagged.contains(op.id())) {
                kept.add(op);
                continue;
            }
            int column = (int) Math.min(COLUMNS - 1, Math.max(0, op.callTimeNanos()) * (double) COLUMNS
                    / Math.max(1, spanNanos));
            columns.get(column).add(op);
        }
        long total = ops.size() - kept.size();
        long before = 0;
        for (List<Operation> column : columns) {
            if (column.isEmpty()) {
                continue;
            }
            // Cumulative rounding: the quotas add up to the budget (plus at most one per column for
            // columns too sparse to get any), however the operations spread over the columns.
            long share = Math.round((double) budget * (before + column.size()) / total)
                    - Math.round((double) budget * before / total);
            before += column.size();
            int quota = (int) Math.max(1, share);
            if (quota >= column.size()) {
                kept.addAll(column);
                continue;
            }
            column.sort(Comparator.comparingLong(OperationStats::latencyNanos));
            for (int k = 0; k < quota; k++) {
                int rank = quota == 1 ? column.size() - 1 : (int) Math.round((double) k * (column.size() - 1) / (quota - 1));
                kept.add(column.get(rank));
            }
        }
        return kept;
    }

    /** The operations drawn with {@code outcome}. */
    List<Operation> shown(OperationStats.Outcome outcome) {
        return shown.get(outcome.ordinal());
    }

    /** Operations with {@code outcome} that have a latency (and so could be drawn). */
    long timed(OperationStats.Outcome outcome) {
        return timed[outcome.ordinal()];
    }

    boolean sampled() {
        for (OperationStats.Outcome outcome : OperationStats.Outcome.values()) {
            if (shown(outcome).size() < timed(outcome)) {
                return true;
            }
        }
        return false;
    }
}
