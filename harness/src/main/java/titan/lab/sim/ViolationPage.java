package titan.lab.sim;

import java.util.List;

import titan.sim.FaultSchedule;

/**
 * The page of a seed that broke a Raft invariant or liveness (no history to explain): the broken
 * property and its message, the shrunk run's fault windows, the story's events before the
 * failure, and how to replay it. Self-contained, like the checker's page; every text is escaped.
 */
final class ViolationPage {
    private ViolationPage() {}

    static String render(long seed, SeedOutcome outcome, List<String> story, FaultSchedule schedule, String replay) {
        StringBuilder html = new StringBuilder(16 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(escape(outcome.failureKind())).append(" · seed ").append(seed).append(" · Titan Lab</title>")
                .append("<style>body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#102a43;background:#f5f7fa}")
                .append("header{background:#fde8e8;border-bottom:3px solid #c53030;padding:16px 28px}")
                .append("h1{margin:0;font-size:22px}main{padding:8px 28px}section{background:#fff;border-radius:8px;")
                .append("box-shadow:0 1px 3px #0002;padding:12px 18px;margin:14px 0}pre{white-space:pre-wrap;")
                .append("font:12px/1.4 ui-monospace,monospace;margin:0}.kind{color:#c53030}</style></head><body>\n");
        html.append("<header><div>Titan Lab · simulator · seed ").append(seed).append(" (shrunk run)</div><h1>")
                .append("<span class=\"kind\">").append(escape(outcome.failureKind())).append("</span></h1><p>")
                .append(escape(Story.firstLine(outcome.message()))).append("</p></header><main>\n");
        html.append("<section><h2>What broke</h2><p>The simulator checks Raft's safety properties after every step ")
                .append("and liveness at the end; this run broke <b>").append(escape(outcome.failureKind()))
                .append("</b>. The full message:</p><pre>").append(escape(outcome.message() == null ? ""
                        : outcome.message())).append("</pre></section>\n");
        html.append("<section><h2>Fault windows</h2><pre>");
        if (schedule.windows().isEmpty()) {
            html.append("none: the run fails without any fault");
        }
        schedule.windows().stream().sorted(java.util.Comparator.comparingLong(FaultSchedule.Window::startMicros))
                .forEach(w -> html.append(escape(FaultScheduleJson.describe(w))).append('\n'));
        html.append("</pre></section>\n<section><h2>Events before the failure</h2><p>Simulated time, node, event; ")
                .append("the number on the left is the line in <code>trace.txt</code>, which also has every message.")
                .append("</p><pre>");
        story.forEach(line -> html.append(escape(line)).append('\n'));
        html.append("</pre></section>\n<section><h2>Replay</h2><pre>").append(escape(replay))
                .append("</pre></section>\n</main></body></html>\n");
        return html.toString();
    }

    static String escape(String text) {
        return titan.lab.report.Html.escape(text);
    }
}
