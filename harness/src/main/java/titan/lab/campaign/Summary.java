package titan.lab.campaign;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import titan.checker.Verdict;

/** A campaign's summary: one table row per test, in markdown and in a self-contained HTML page. */
final class Summary {
    private Summary() {}

    static void write(Path dir, List<CampaignCommand.Row> rows) throws IOException {
        long valid = rows.stream().filter(r -> r.verdict() == Verdict.VALID).count();
        StringBuilder md = new StringBuilder("# Campaign\n\n")
                .append(rows.size()).append(" tests: ").append(valid).append(" valid, ")
                .append(count(rows, Verdict.INVALID)).append(" invalid, ").append(count(rows, Verdict.UNKNOWN))
                .append(" unknown.\n\n| verdict | runtime | workload | nemesis | protocol | seed | unsafe | seconds | run |\n"
                        + "|---|---|---|---|---|---|---|---|---|\n");
        StringBuilder html = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>Campaign</title>"
                + "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                + "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
                + ".valid{background:#d7f5dd}.invalid{background:#f9d0d0}.unknown{background:#fbeec2}</style></head><body>")
                .append("<h1>Campaign</h1><p>").append(rows.size()).append(" tests: ").append(valid).append(" valid, ")
                .append(count(rows, Verdict.INVALID)).append(" invalid, ").append(count(rows, Verdict.UNKNOWN))
                .append(" unknown.</p><table><tr><th>verdict</th><th>runtime</th><th>workload</th><th>nemesis</th>"
                        + "<th>protocol</th><th>seed</th><th>unsafe</th><th>seconds</th><th>run</th><th>explanation</th></tr>");
        for (CampaignCommand.Row r : rows) {
            var c = r.config();
            String verdict = r.verdict().name().toLowerCase();
            String nemesis = c.nemesis().isEmpty() ? "none" : String.join(",", c.nemesis());
            String unsafe = String.join(",", c.unsafe());
            String run = r.runDir() == null ? "" : r.runDir().toString();
            String report = r.runDir() == null ? "" : dir.toAbsolutePath().relativize(r.runDir().toAbsolutePath()) + "/";
            md.append("| ").append(verdict).append(" | ").append(c.runtime()).append(" | ").append(c.workload())
                    .append(" | ").append(nemesis).append(" | ").append(c.protocol()).append(" | ").append(c.seed())
                    .append(" | ").append(unsafe).append(" | ").append(r.millis() / 1000).append(" | ").append(run).append(" |\n");
            html.append("<tr class=\"").append(verdict).append("\"><td>").append(verdict).append("</td><td>")
                    .append(esc(c.runtime())).append("</td><td>").append(esc(c.workload())).append("</td><td>")
                    .append(esc(nemesis)).append("</td><td>").append(esc(c.protocol())).append("</td><td>").append(c.seed())
                    .append("</td><td>").append(esc(unsafe)).append("</td><td>").append(r.millis() / 1000).append("</td><td>")
                    .append(report.isEmpty() ? "" : "<a href=\"" + esc(report) + "report.html\">" + esc(run) + "</a>")
                    .append("</td><td>").append(esc(r.explanation())).append("</td></tr>");
        }
        html.append("</table></body></html>\n");
        Files.writeString(dir.resolve("summary.md"), md, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("summary.html"), html, StandardCharsets.UTF_8);
    }

    private static long count(List<CampaignCommand.Row> rows, Verdict v) {
        return rows.stream().filter(r -> r.verdict() == v).count();
    }

    private static String esc(String s) {
        return s == null ? "" : titan.lab.report.Html.escape(s);
    }
}
