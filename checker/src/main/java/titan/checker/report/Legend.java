package titan.checker.report;

/**
 * The key to the timeline's marks. Each swatch is a tiny SVG with the same CSS classes as the
 * chart, so the legend cannot drift from what is drawn; the info swatch uses the chart's hatching,
 * so the legend belongs on a page with a timeline.
 */
final class Legend {
    private static final String BAR = "<rect x=\"1\" y=\"2\" width=\"30\" height=\"14\" rx=\"3\"/>";

    private Legend() {}

    static String render(boolean withFaults) {
        StringBuilder html = new StringBuilder(2048);
        html.append("<ul class=\"legend\">");
        bar(html, "ok", BAR, "ok, in the order found");
        bar(html, "late", BAR, "ok, not reached by the order found");
        bar(html, "info", "<rect class=\"open\" x=\"1\" y=\"2\" width=\"30\" height=\"14\" fill=\"url(#hatch-info)\"/>"
                        + "<path d=\"M31 2H1V16H31M25 5L31 9L25 13\"/>",
                "info or never completed: may take effect until the end");
        bar(html, "skip", BAR, "failed, or a read with unknown result: not ordered");
        bar(html, "bad", BAR, "cannot be linearized");
        item(html, "<g class=\"ord\"><rect x=\"4\" y=\"3\" width=\"24\" height=\"12\" rx=\"6\"/>"
                + "<text x=\"16\" y=\"12.2\">17</text></g>", "position in the order found");
        item(html, "<path class=\"order\" d=\"M2 14L14 4L30 12\"/>", "the order found, point to point");
        item(html, "<path class=\"order-broken\" d=\"M2 9H30\"/>", "where it breaks");
        if (withFaults) {
            item(html, "<g class=\"fault\"><rect x=\"1\" y=\"1\" width=\"30\" height=\"16\"/></g>",
                    "nemesis fault in place");
        }
        html.append("</ul>");
        return html.toString();
    }

    private static void bar(StringBuilder html, String kind, String shapes, String text) {
        item(html, "<g class=\"op " + kind + "\">" + shapes + "</g>", text);
    }

    private static void item(StringBuilder html, String shapes, String text) {
        html.append("<li><svg width=\"32\" height=\"18\" aria-hidden=\"true\">").append(shapes)
                .append("</svg>").append(text).append("</li>");
    }
}
