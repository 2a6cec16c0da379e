package titan.checker.report;

import java.util.Locale;
import titan.checker.CheckResult;
import titan.checker.PartitionResult;
import titan.checker.Verdict;
import titan.checker.history.History;
import titan.checker.history.Operation;

/**
 * The facts of a check as definition lists, the check on the left and the decisive partition on the
 * right: the same facts {@link CheckResult#explanation()} gives in a line (which the page's header
 * shows), one per row, so a reader finds the failing operation and the state without parsing.
 */
final class Summary {
    private static final int VALUE_CHARS_MAX = 400;

    private Summary() {}

    static String render(CheckResult result, History history) {
        StringBuilder html = new StringBuilder(4096);
        html.append("<section class=\"card summary\"><h2>Summary</h2><div class=\"facts\"><dl>");
        row(html, "Verdict", "<span class=\"verdict " + css(result.verdict()) + "\">"
                + result.verdict().name() + "</span>");
        row(html, "History", HtmlText.show(history.source(), VALUE_CHARS_MAX) + " · "
                + HtmlText.count(history.events().size()) + " events · "
                + HtmlText.count(history.operations().size()) + " operations");
        row(html, "Model", HtmlText.show(result.model(), VALUE_CHARS_MAX));
        row(html, "Operations checked", HtmlText.count(result.operationCount()) + " <span class=\"aside\">(failed "
                + "operations and reads with unknown results need no place in the order)</span>");
        row(html, "Partitions", partitions(result));
        row(html, "Check time", HtmlText.millis(result.elapsedNanos()));
        html.append("</dl>");
        result.decisive().ifPresent(decisive -> {
            html.append("<dl>");
            decisive(html, decisive, history);
            html.append("</dl>");
        });
        html.append("</div></section>\n");
        return html.toString();
    }

    private static void decisive(StringBuilder html, PartitionResult partition, History history) {
        row(html, "Partition", partition.name().isEmpty() ? "the whole history (not partitioned)"
                : "key <code>" + HtmlText.show(partition.name(), VALUE_CHARS_MAX) + "</code>");
        String prefix = HtmlText.count(partition.linearization().size()) + " of "
                + HtmlText.count(partition.operations().size()) + " operations";
        if (partition.verdict() == Verdict.INVALID) {
            Operation failing = partition.failingOperation();
            row(html, "Cannot be linearized", failing == null ? "no single operation"
                    : "<code class=\"bad-op\">" + HtmlText.show(failing.describe(), VALUE_CHARS_MAX) + "</code> "
                    + "<span class=\"aside\">" + HtmlText.escape(interval(failing, history)) + "</span>");
            row(html, "Longest linearizable prefix", prefix);
        } else {
            row(html, "Why unknown", HtmlText.show(partition.reason(), VALUE_CHARS_MAX));
            row(html, "Order found so far", prefix);
        }
        row(html, "Model state there", "<code>" + HtmlText.show(partition.stateAfterLinearization(), VALUE_CHARS_MAX)
                + "</code>");
        row(html, "Search", HtmlText.count(partition.configurationsVisited()) + " configurations in "
                + HtmlText.millis(partition.elapsedNanos()));
    }

    private static String partitions(CheckResult result) {
        int[] counts = new int[Verdict.values().length];
        for (PartitionResult p : result.partitions()) {
            counts[p.verdict().ordinal()]++;
        }
        return HtmlText.count(result.partitions().size()) + " <span class=\"aside\">("
                + HtmlText.count(counts[Verdict.VALID.ordinal()]) + " valid, "
                + HtmlText.count(counts[Verdict.INVALID.ordinal()]) + " invalid, "
                + HtmlText.count(counts[Verdict.UNKNOWN.ordinal()]) + " unknown or not finished)</span>";
    }

    private static String interval(Operation op, History history) {
        String call = "called at " + TimelineSvg.where(history, op.callIndex());
        return op.completionIndex() < 0 ? call + ", never completed"
                : call + ", completed at " + TimelineSvg.where(history, op.completionIndex());
    }

    /** {@code valueHtml} is already HTML: callers escape what comes from the history. */
    private static void row(StringBuilder html, String name, String valueHtml) {
        html.append("<dt>").append(name).append("</dt><dd>").append(valueHtml).append("</dd>");
    }

    static String css(Verdict verdict) {
        return verdict.name().toLowerCase(Locale.ROOT);
    }
}
