package titan.lab.serve;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The browser's front page: every run, newest first, coloured by verdict, with a filter by test
 * name, verdict and free text. The filter works without script (a GET form the server applies)
 * and, with it, as you type. Each run links to its report and its folder.
 */
final class IndexPage {
    /** The filter from the query string; empty strings match everything. */
    record Filter(String test, String verdict, String text) {
        static final Filter NONE = new Filter("", "", "");

        boolean matches(RunIndex run) {
            return (test.isEmpty() || run.testName().equals(test))
                    && (verdict.isEmpty() || run.verdict().equals(verdict))
                    && (text.isEmpty() || run.searchText().contains(text.toLowerCase(Locale.ROOT)));
        }
    }

    private IndexPage() {}

    static String render(List<RunIndex> runs, Filter filter, String storeName) {
        List<RunIndex> shown = runs.stream().filter(filter::matches).toList();
        long[] verdicts = new long[4];
        for (RunIndex run : runs) {
            verdicts[slot(run.verdict())]++;
        }
        StringBuilder html = new StringBuilder(32 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>Titan Lab runs</title><style>").append(CSS).append("</style></head>\n")
                .append("<body data-index=\"static\"><header><div class=\"brand\">Titan Lab · results browser</div>")
                .append("<h1>Runs</h1><p class=\"lede\">").append(count(runs.size())).append(" run")
                .append(runs.size() == 1 ? "" : "s").append(" in <code>").append(escape(storeName)).append("</code>: ")
                .append("<span class=\"verdict valid\">").append(count(verdicts[0])).append(" valid</span> ")
                .append("<span class=\"verdict invalid\">").append(count(verdicts[1])).append(" invalid</span> ")
                .append("<span class=\"verdict unknown\">").append(count(verdicts[2])).append(" unknown</span> ")
                .append("<span class=\"verdict running\">").append(count(verdicts[3])).append(" without results</span>")
                .append("</p></header>\n<main>");
        form(html, runs, filter);
        html.append("<p class=\"shown\" id=\"shown\">").append(shownText(shown.size(), runs.size())).append("</p>");
        if (runs.isEmpty()) {
            html.append("<p class=\"empty\">No runs yet. <code>./titan-lab test</code> writes one here.</p>");
        } else {
            table(html, runs, filter);
        }
        html.append("</main>\n<script>").append(SCRIPT).append("</script>\n</body></html>\n");
        return html.toString();
    }

    private static void form(StringBuilder html, List<RunIndex> runs, Filter filter) {
        html.append("<form class=\"filter\" method=\"get\" action=\"/\"><label>test <select name=\"test\" id=\"f-test\">")
                .append("<option value=\"\">all tests</option>");
        for (String test : new TreeSet<>(runs.stream().map(RunIndex::testName).toList())) {
            html.append("<option").append(test.equals(filter.test()) ? " selected" : "").append(" value=\"")
                    .append(escape(test)).append("\">").append(escape(test)).append("</option>");
        }
        html.append("</select></label><label>verdict <select name=\"verdict\" id=\"f-verdict\"><option value=\"\">any</option>");
        for (String verdict : List.of("valid", "invalid", "unknown", "running")) {
            html.append("<option").append(verdict.equals(filter.verdict()) ? " selected" : "").append(" value=\"")
                    .append(verdict).append("\">").append(verdict).append("</option>");
        }
        html.append("</select></label><label>text <input type=\"search\" name=\"q\" id=\"f-text\" placeholder=\"")
                .append("workload, nemesis, date…\" value=\"").append(escape(filter.text())).append("\"></label>")
                .append("<button type=\"submit\">filter</button> <a href=\"/\">clear</a></form>");
    }

    private static void table(StringBuilder html, List<RunIndex> runs, Filter filter) {
        html.append("<table class=\"runs\" id=\"runs\"><thead><tr><th>test</th><th>started</th><th>verdict</th>")
                .append("<th>workload</th><th>nemesis</th><th>runtime</th><th>ops</th><th>duration</th><th></th></tr>")
                .append("</thead><tbody>");
        for (RunIndex run : runs) {
            String folder = "/runs/" + url(run.testName()) + "/" + url(run.runName()) + "/";
            html.append("<tr class=\"run ").append(run.verdict()).append("\" data-test=\"").append(escape(run.testName()))
                    .append("\" data-verdict=\"").append(run.verdict()).append("\" data-text=\"")
                    .append(escape(run.searchText())).append("\"").append(filter.matches(run) ? "" : " hidden").append(">")
                    .append("<td class=\"test\">").append(escape(run.testName())).append("</td><td>")
                    .append(escape(run.started())).append("</td><td><span class=\"verdict ").append(run.verdict())
                    .append("\">").append(run.verdict()).append("</span></td><td>").append(escape(run.workload()))
                    .append("</td><td>").append(escape(run.nemesis())).append("</td><td>").append(escape(run.runtime()))
                    .append("</td><td class=\"n\">").append(run.operations() < 0 ? "–" : count(run.operations()))
                    .append("</td><td class=\"n\">").append(run.durationMs() < 0 ? "–" : seconds(run.durationMs()))
                    .append("</td><td class=\"links\">");
            if (run.hasReport() || run.hasHistory()) {
                html.append("<a class=\"report\" href=\"").append(folder).append("report.html\">report</a> ");
            }
            html.append("<a class=\"folder\" href=\"").append(folder).append("\">files</a>");
            if (!run.note().isEmpty()) {
                html.append(" <span class=\"note\" title=\"").append(escape(run.note())).append("\">⚠</span>");
            }
            html.append("</td></tr>");
        }
        html.append("</tbody></table>");
    }

    private static String shownText(int shown, int total) {
        return shown == total ? "Showing all " + count(total) + " runs, newest first."
                : "Showing " + count(shown) + " of " + count(total) + " runs, newest first.";
    }

    private static int slot(String verdict) {
        return switch (verdict) {
            case "valid" -> 0;
            case "invalid" -> 1;
            case "unknown" -> 2;
            default -> 3;
        };
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String url(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Escapes for element content and quoted attributes; control characters become U+FFFD. */
    static String escape(String text) {
        return titan.lab.report.Html.escape(text);
    }

    private static final String CSS = """
            :root { --ink: #1f2933; --muted: #616e7c; --line: #e4e7eb; --paper: #fff; --page: #f5f7fa;
              --valid: #2f855a; --valid-fill: #d5eedd; --invalid: #c53030; --invalid-fill: #fddcdc;
              --unknown: #b7791f; --unknown-fill: #fdf0d5; --running: #52606d; --running-fill: #e4e7eb; }
            * { box-sizing: border-box; }
            body { margin: 0; background: var(--page); color: var(--ink);
              font: 14px/1.5 system-ui, -apple-system, "Segoe UI", "Liberation Sans", "DejaVu Sans", Arial, sans-serif; }
            code { font-family: ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 13px;
              background: #eef1f4; border-radius: 3px; padding: 0 4px; }
            header { padding: 18px 28px 14px; background: var(--paper); border-bottom: 1px solid var(--line);
              border-top: 6px solid #334e68; }
            .brand { color: var(--muted); font-size: 12px; letter-spacing: .06em; text-transform: uppercase; }
            h1 { margin: 4px 0 6px; font-size: 22px; font-weight: 600; }
            .lede { margin: 0; }
            main { padding: 16px 28px; }
            form.filter { display: flex; flex-wrap: wrap; gap: 8px 18px; align-items: center; margin-bottom: 8px; }
            form.filter input, form.filter select, form.filter button { font: inherit; padding: 2px 6px; }
            form.filter input { width: 22ch; }
            .shown { color: var(--muted); margin: 4px 0 8px; }
            table.runs { border-collapse: collapse; background: var(--paper); border: 1px solid var(--line); min-width: 900px; }
            table.runs th, table.runs td { padding: 5px 12px; border-bottom: 1px solid var(--line); text-align: left; }
            table.runs th { font-size: 12px; color: var(--muted); font-weight: 600; }
            table.runs td.n { text-align: right; font-variant-numeric: tabular-nums; }
            table.runs td.test { font-weight: 600; }
            tr.run { border-left: 5px solid var(--running); }
            tr.run.valid { border-left-color: var(--valid); }
            tr.run.invalid { border-left-color: var(--invalid); background: #fff7f7; }
            tr.run.unknown { border-left-color: var(--unknown); }
            tr.run:hover { background: #f0f4f8; }
            .verdict { display: inline-block; padding: 0 8px; border-radius: 4px; font-weight: 700; }
            .verdict.valid { background: var(--valid-fill); color: var(--valid); }
            .verdict.invalid { background: var(--invalid-fill); color: var(--invalid); }
            .verdict.unknown { background: var(--unknown-fill); color: var(--unknown); }
            .verdict.running { background: var(--running-fill); color: var(--running); }
            td.links a { margin-right: 8px; }
            .note { color: var(--unknown); cursor: help; }
            .empty { color: var(--muted); }
            """;

    /** Filters rows as the fields change; the form still works without it. Text set with textContent only. */
    private static final String SCRIPT = """
            (function () {
              var test = document.getElementById('f-test');
              var verdict = document.getElementById('f-verdict');
              var text = document.getElementById('f-text');
              var rows = document.querySelectorAll('#runs tr.run');
              var shown = document.getElementById('shown');
              function apply() {
                var n = 0;
                var q = text.value.trim().toLowerCase();
                Array.prototype.forEach.call(rows, function (row) {
                  var ok = (!test.value || row.getAttribute('data-test') === test.value)
                    && (!verdict.value || row.getAttribute('data-verdict') === verdict.value)
                    && (!q || row.getAttribute('data-text').indexOf(q) >= 0);
                  row.hidden = !ok;
                  if (ok) { n++; }
                });
                shown.textContent = n === rows.length ? 'Showing all ' + rows.length + ' runs, newest first.'
                  : 'Showing ' + n + ' of ' + rows.length + ' runs, newest first.';
              }
              [test, verdict].forEach(function (el) { el.addEventListener('change', apply); });
              text.addEventListener('input', apply);
              document.body.setAttribute('data-index', 'ready');
            }());
            """;
}
