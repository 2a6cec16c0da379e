package titan.lab.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import titan.checker.history.History;
import titan.checker.history.Operation;

/** The report's tables: latency quantiles, counts per function, fault intervals, flagged operations. */
final class Tables {
    /** Operations listed around a flagged one. */
    static final int NEIGHBOURS_MAX = 24;

    private Tables() {}

    static void quantiles(StringBuilder html, OperationStats stats) {
        html.append("<section class=\"card\" id=\"quantiles\"><h2>Latency quantiles</h2><p class=\"how\">Milliseconds ")
                .append("from call to completion, per function and outcome, over every timed operation (HdrHistogram, ")
                .append("three significant digits). An info operation's latency is usually the client's timeout.</p>");
        List<OperationStats.Row> rows = stats.latencyRows();
        if (rows.isEmpty()) {
            html.append("<p>No operation has both a call and a completion time.</p></section>\n");
            return;
        }
        html.append("<table class=\"data num\"><thead><tr><th>f</th><th>outcome</th><th>count</th>");
        for (double q : OperationStats.QUANTILES) {
            html.append("<th>p").append(q % 1 == 0 ? Long.toString((long) q) : Double.toString(q)).append("</th>");
        }
        html.append("<th>max</th></tr></thead><tbody>");
        for (OperationStats.Row row : rows) {
            String outcome = row.outcome.name().toLowerCase(Locale.ROOT);
            html.append("<tr class=\"").append(row.f.equals("all") ? "total " : "").append(outcome).append("\"><td>")
                    .append(Html.show(row.f, 40)).append("</td><td><span class=\"outcome ").append(outcome).append("\">")
                    .append(outcome).append("</span></td><td>").append(Html.count(row.latencyMicros.getTotalCount()))
                    .append("</td>");
            for (double q : OperationStats.QUANTILES) {
                html.append("<td>").append(Html.millis(row.latencyMicros.getValueAtPercentile(q) / 1000.0)).append("</td>");
            }
            html.append("<td>").append(Html.millis(row.latencyMicros.getMaxValue() / 1000.0)).append("</td></tr>");
        }
        html.append("</tbody></table></section>\n");
    }

    static void counts(StringBuilder html, OperationStats stats) {
        html.append("<section class=\"card\" id=\"counts\"><h2>Operations</h2><table class=\"data num\"><thead><tr>")
                .append("<th>f</th><th>ok</th><th>fail</th><th>info</th><th>total</th><th>ok %</th></tr></thead><tbody>");
        List<String> functions = new ArrayList<>(stats.functions());
        functions.add("all");
        for (String f : functions) {
            long ok = stats.count(f, OperationStats.Outcome.OK);
            long fail = stats.count(f, OperationStats.Outcome.FAIL);
            long info = stats.count(f, OperationStats.Outcome.INFO);
            long total = ok + fail + info;
            html.append("<tr").append(f.equals("all") ? " class=\"total\"" : "").append("><td>").append(Html.show(f, 40))
                    .append("</td><td>").append(Html.count(ok)).append("</td><td>").append(Html.count(fail))
                    .append("</td><td>").append(Html.count(info)).append("</td><td>").append(Html.count(total))
                    .append("</td><td>").append(total == 0 ? "–" : String.format(Locale.ROOT, "%.1f", 100.0 * ok / total))
                    .append("</td></tr>");
        }
        html.append("</tbody></table></section>\n");
    }

    static void faults(StringBuilder html, List<FaultSpan> faults, int rowsMax) {
        html.append("<section class=\"card\" id=\"faults\"><h2>Faults</h2>");
        if (faults.isEmpty()) {
            html.append("<p>No nemesis events: this run had no faults.</p></section>\n");
            return;
        }
        html.append("<table class=\"data\"><thead><tr><th>fault</th><th>from (s)</th><th>to (s)</th><th>lasted</th>")
                .append("<th>detail</th></tr></thead><tbody>");
        for (FaultSpan fault : faults.subList(0, Math.min(rowsMax, faults.size()))) {
            html.append("<tr><td>").append(Html.show(fault.label(), 60)).append("</td><td class=\"n\">")
                    .append(String.format(Locale.ROOT, "%.3f", fault.startNanos() / 1e9)).append("</td><td class=\"n\">")
                    .append(String.format(Locale.ROOT, "%.3f", fault.endNanos() / 1e9))
                    .append(fault.open() ? " <span class=\"aside\">(never stopped)</span>" : "").append("</td><td class=\"n\">")
                    .append(Html.duration((fault.endNanos() - fault.startNanos()) / 1_000_000)).append("</td><td><code>")
                    .append(Html.show(fault.detail(), 200)).append("</code></td></tr>");
        }
        html.append("</tbody></table>");
        if (faults.size() > rowsMax) {
            html.append("<p class=\"note\">The first ").append(Html.count(rowsMax)).append(" of ")
                    .append(Html.count(faults.size())).append(" fault intervals are listed.</p>");
        }
        html.append("</section>\n");
    }

    /**
     * Each flagged operation among the operations on its key around it in call order (up to
     * {@link #NEIGHBOURS_MAX}), the flagged one highlighted and those concurrent with it (their
     * intervals overlap in history order) marked: what a reader needs to see why.
     */
    static void neighbourhood(StringBuilder html, History history, List<Operation> flagged) {
        for (Operation bad : flagged) {
            List<Operation> sameKey = new ArrayList<>();
            for (Operation op : history.operations()) {
                if (Objects.equals(op.key(), bad.key())) {
                    sameKey.add(op);
                }
            }
            int at = sameKey.indexOf(bad);
            int from = Math.max(0, Math.min(at - NEIGHBOURS_MAX / 2, sameKey.size() - NEIGHBOURS_MAX));
            List<Operation> shown = sameKey.subList(from, Math.min(sameKey.size(), from + NEIGHBOURS_MAX));
            html.append("<h3>The flagged operation among its neighbours</h3><p class=\"how\">")
                    .append(shown.size() == sameKey.size() ? "All " + Html.count(sameKey.size()) + " operations"
                            : Html.count(shown.size()) + " of the " + Html.count(sameKey.size()) + " operations")
                    .append(bad.key() == null ? "" : " on key <code>" + Html.show(bad.key(), 100) + "</code>")
                    .append(" around it, in call order. Highlighted: the flagged one; marked ∥: concurrent with it ")
                    .append("(their call-to-completion intervals overlap), so either order is possible.</p>")
                    .append("<table class=\"data ops\"><thead><tr><th>#</th><th></th><th>operation</th><th>call (s)</th>")
                    .append("<th>completion (s)</th><th>node</th><th>error</th></tr></thead><tbody>");
            for (Operation op : shown) {
                boolean concurrent = op != bad && overlaps(op, bad);
                html.append("<tr").append(op == bad ? " class=\"flagged\"" : concurrent ? " class=\"concurrent\"" : "")
                        .append("><td class=\"n\">").append(op.id()).append("</td><td>")
                        .append(op == bad ? "✗" : concurrent ? "∥" : "").append("</td><td><code>")
                        .append(Html.show(op.describe(), 200)).append("</code></td><td class=\"n\">")
                        .append(seconds(op.callTimeNanos())).append("</td><td class=\"n\">")
                        .append(op.completionIndex() < 0 ? "never" : seconds(op.completionTimeNanos())).append("</td><td>")
                        .append(Html.show(op.node(), 40)).append("</td><td>").append(Html.show(op.error(), 120))
                        .append("</td></tr>");
            }
            html.append("</tbody></table>");
        }
    }

    private static boolean overlaps(Operation a, Operation b) {
        long aEnd = a.completionIndex() < 0 ? Long.MAX_VALUE : a.completionIndex();
        long bEnd = b.completionIndex() < 0 ? Long.MAX_VALUE : b.completionIndex();
        return a.callIndex() <= bEnd && b.callIndex() <= aEnd;
    }

    private static String seconds(long nanos) {
        return nanos < 0 ? "–" : String.format(Locale.ROOT, "%.6f", nanos / 1e9);
    }
}
