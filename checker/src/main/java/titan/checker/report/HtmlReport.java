package titan.checker.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import titan.checker.CheckResult;
import titan.checker.PartitionResult;
import titan.checker.Verdict;
import titan.checker.history.History;

/**
 * A self-contained HTML page that explains a {@link CheckResult}: a summary (verdict, model,
 * counts, time, and for an invalid or unknown result the partition, the operation that cannot be
 * linearized, the longest linearizable prefix and the model state there), then a timeline of the
 * decisive partition with one lane per process, the order the search found, and the operation
 * that breaks it. A valid result gets the summary and a note.
 * <pre>{@code
 * CheckResult result = Linearizability.check(model, history);
 * HtmlReport.write(result, history, Path.of("explanation.html"));
 * }</pre>
 * The page needs no network: its CSS, a few lines of script (scroll to the failure, click for
 * details) and its SVG are inline, and it reads the same without the script. Every string from
 * the history is escaped, and long values are cut, so a hostile or huge value cannot break the
 * page or bloat it. At most {@code operationsShownMax} operations are drawn (a window around the
 * failure, which the page states), so a page for a history of 100,000 operations stays at a few
 * hundred kilobytes.
 * <p>Rendering is a pure function of its arguments: no clock, no environment, the same page for
 * the same result. Thread-safe.
 */
public final class HtmlReport {
    /** Operations drawn by default: enough to see a failure's neighbourhood, few enough to stay light. */
    public static final int OPERATIONS_SHOWN_DEFAULT = 300;

    private static final String CSS = resource("report.css");
    private static final String SCRIPT = resource("report.js");

    private HtmlReport() {}

    /** How the timeline's horizontal axis runs. */
    public enum TimeAxis {
        /** One step per call or completion drawn: the real-time order the checker uses (the default). */
        HISTORY_ORDER,
        /** Proportional to the events' {@code time} (real or simulated); history order where times are missing. */
        TIME
    }

    /**
     * What to draw besides the verdict.
     *
     * @param model              the model the result was checked with, or null; with it the page lists
     *                           every model state reached at the failure ({@link FailureStates})
     * @param operationsShownMax at most this many operations are drawn (a fifth more may be, for
     *                           operations called earlier and still open at the window's start, and
     *                           the last linearized one)
     * @param timeAxis           history order or time
     * @param key                the partition (key) to draw instead of the failing one, or null
     */
    public record Options(titan.checker.Model<?> model, int operationsShownMax, TimeAxis timeAxis, String key) {
        public Options {
            if (operationsShownMax <= 0) {
                throw new IllegalArgumentException("operationsShownMax must be positive: " + operationsShownMax);
            }
            java.util.Objects.requireNonNull(timeAxis, "timeAxis");
        }

        public static Options defaults() {
            return new Options(null, OPERATIONS_SHOWN_DEFAULT, TimeAxis.HISTORY_ORDER, null);
        }

        public Options withModel(titan.checker.Model<?> m) {
            return new Options(m, operationsShownMax, timeAxis, key);
        }

        public Options withTimeAxis(TimeAxis axis) {
            return new Options(model, operationsShownMax, axis, key);
        }

        public Options withKey(String k) {
            return new Options(model, operationsShownMax, timeAxis, k);
        }

        public Options withOperationsShownMax(int n) {
            return new Options(model, n, timeAxis, key);
        }
    }

    /** The page, drawing at most {@link #OPERATIONS_SHOWN_DEFAULT} operations. */
    public static String render(CheckResult result, History history) {
        return render(result, history, OPERATIONS_SHOWN_DEFAULT);
    }

    /**
     * The page for {@code result}, which must be the result of checking {@code history}.
     *
     * @param operationsShownMax at most this many operations are drawn (more may be, by a fifth,
     *                           when operations called earlier are still open at the window's start)
     * @throws IllegalArgumentException if {@code result} has operations {@code history} does not,
     *                                  or {@code operationsShownMax} is not positive
     */
    public static String render(CheckResult result, History history, int operationsShownMax) {
        return render(result, history, Options.defaults().withOperationsShownMax(operationsShownMax));
    }

    /**
     * The page for {@code result}, which must be the result of checking {@code history}.
     *
     * @throws IllegalArgumentException if {@code result} has operations {@code history} does not, or
     *                                  {@code options} names a key the result has no partition for
     */
    public static String render(CheckResult result, History history, Options options) {
        int operationsShownMax = options.operationsShownMax();
        Optional<PartitionResult> drawn = options.key() == null ? result.decisive() : Optional.of(
                result.partitions().stream().filter(p -> p.name().equals(options.key())).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no key \"" + options.key()
                                + "\" among the " + result.partitions().size() + " partitions checked")));
        StringBuilder html = new StringBuilder(128 * 1024);
        String verdict = Summary.css(result.verdict());
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(result.verdict().name()).append(" · ")
                .append(HtmlText.show(fileName(history), 120)).append(" · Titan Lab checker</title>")
                .append("<style>").append(CSS).append("</style></head>\n")
                .append("<body data-timeline=\"static\">\n<header class=\"top ").append(verdict).append("\">")
                .append("<div class=\"brand\">Titan Lab · linearizability checker</div><h1><span class=\"verdict ")
                .append(verdict).append("\">").append(result.verdict().name()).append("</span> ")
                .append(HtmlText.show(fileName(history), 200)).append("</h1><p class=\"lede\">")
                .append(HtmlText.show(headline(result), 600)).append("</p></header>\n<main>\n");
        html.append(Summary.render(result, history));
        Optional<PartitionResult> decisive = result.decisive();
        if (options.model() != null && decisive.isPresent() && decisive.get().verdict() == Verdict.INVALID) {
            html.append(StatesCard.render(FailureStates.of(options.model(), decisive.get(), history,
                    FailureStates.CONFIGURATIONS_MAX), history));
        }
        if (drawn.isPresent()) {
            timeline(html, result, drawn.get(), history, operationsShownMax, options.timeAxis());
        } else {
            html.append("<section class=\"card note\"><h2>Nothing to explain</h2><p>Every partition has an order of ")
                    .append("its operations, consistent with real time, that the model accepts, so the history is ")
                    .append("linearizable. No timeline is drawn; an invalid or unknown result gets one.")
                    .append("</p></section>\n");
        }
        html.append("</main>\n<footer>Written by <code>titan-lab check</code>. A self-contained page: ")
                .append("nothing on it comes from the network.</footer>\n<script>").append(SCRIPT)
                .append("</script>\n</body></html>\n");
        return html.toString();
    }

    /**
     * Renders the page and writes it to {@code file} as UTF-8, replacing the file if it exists.
     *
     * @throws IOException when the file cannot be written
     */
    public static void write(CheckResult result, History history, Path file) throws IOException {
        Files.writeString(file, render(result, history), StandardCharsets.UTF_8);
    }

    /** Renders the page with {@code options} and writes it to {@code file} as UTF-8. */
    public static void write(CheckResult result, History history, Options options, Path file) throws IOException {
        Files.writeString(file, render(result, history, options), StandardCharsets.UTF_8);
    }

    private static void timeline(StringBuilder html, CheckResult result, PartitionResult partition, History history,
                                 int operationsShownMax, TimeAxis axis) {
        TimelineWindow window = TimelineWindow.around(result, partition, history, operationsShownMax);
        List<FaultInterval> faults = FaultInterval.of(history);
        html.append("<section class=\"card\"><h2>Timeline of ").append(partition.name().isEmpty() ? "the history"
                : "key <code>" + HtmlText.show(partition.name(), 200) + "</code>").append("</h2>");
        html.append("<p class=\"window").append(window.truncated() ? " truncated" : "").append("\">")
                .append(windowNote(window, partition)).append("</p>");
        boolean timed = axis == TimeAxis.TIME && TimelineScale.hasTimes(window.operations());
        html.append("<p class=\"how\">One lane per process, for this key's operations only; each bar runs from ")
                .append("an operation's call to its completion. ")
                .append(timed ? "Horizontal position is the events' recorded time (simulated time for a simulator "
                        + "run), so gaps and overlaps are to scale; ties keep history order. "
                        : "Horizontal position is history order (one step per call or completion drawn), not "
                        + "wall-clock time" + (axis == TimeAxis.TIME ? " (the history records no times)" : "")
                        + ". ")
                .append("The numbered markers are the order in which the checker could linearize ")
                .append("the operations");
        if (partition.verdict() == Verdict.INVALID) {
            html.append("; the red one is the operation that fits nowhere after them");
        }
        html.append(". Hover or click a bar for details.</p>");
        html.append(Legend.render(!faults.isEmpty()));
        if (window.operations().isEmpty()) {
            html.append("<p>This partition has no operations to draw.</p>");
        } else {
            html.append(new TimelineSvg(window, partition, history, faults, timed).render());
        }
        html.append("<div class=\"details\" id=\"details\" aria-live=\"polite\">Click an operation to see its ")
                .append("details here.</div></section>\n");
    }

    private static String windowNote(TimelineWindow window, PartitionResult partition) {
        String around = partition.failingOperation() != null ? "around the operation that cannot be linearized"
                : "around the end of the order found so far";
        if (!window.truncated()) {
            return "Showing all " + HtmlText.count(window.partitionSize()) + " operations of this partition.";
        }
        String note = "Showing operations " + HtmlText.count(window.firstPosition()) + "–"
                + HtmlText.count(window.lastPosition()) + " of " + HtmlText.count(window.partitionSize())
                + " (in call order), " + around;
        if (window.carriedIn() > 0) {
            note += ", and " + HtmlText.count(window.carriedIn()) + " earlier operation"
                    + (window.carriedIn() == 1 ? "" : "s") + " still open when the window begins (marked ◂)";
        }
        return note + ". The rest are not drawn, to keep the page small.";
    }

    private static String headline(CheckResult result) {
        return result.verdict() == Verdict.VALID ? "The history is linearizable." : result.explanation();
    }

    private static String fileName(History history) {
        Path path;
        try {
            path = Path.of(history.source()).getFileName();
        } catch (java.nio.file.InvalidPathException e) {
            return history.source();
        }
        return path == null ? history.source() : path.toString();
    }

    private static String resource(String name) {
        try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the checker jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
