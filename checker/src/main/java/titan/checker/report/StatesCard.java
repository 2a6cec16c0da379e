package titan.checker.report;

import titan.checker.history.History;
import titan.checker.history.Operation;

/**
 * The card that lists every model state reached at the failure ({@link FailureStates}), why the
 * failing operation can take effect in none of them, and one plain sentence on what it observed.
 */
final class StatesCard {
    private static final int STATES_SHOWN_MAX = 50;
    private static final int VALUE_CHARS_MAX = 300;

    private StatesCard() {}

    static String render(FailureStates states, History history) {
        StringBuilder html = new StringBuilder(4096);
        html.append("<section class=\"card states\" id=\"states\"><h2>Every state at the failure</h2>");
        Operation failing = states.failing();
        if (failing == null) {
            html.append("<p>").append(HtmlText.escape(states.complete()
                    ? "A forward pass over this key found no completion that every order breaks at."
                    : "This key has too many possible orders to list every state at the failure "
                    + "(more than " + HtmlText.count(FailureStates.CONFIGURATIONS_MAX) + ")."))
                    .append("</p></section>\n");
            return html.toString();
        }
        html.append("<p class=\"plain\">").append(HtmlText.show(states.plainly(), 1200)).append("</p>");
        int orders = states.states().stream().mapToInt(FailureStates.StateAtFailure::configurations).sum();
        html.append("<p>When <code class=\"bad-op\">").append(HtmlText.show(failing.describe(), VALUE_CHARS_MAX))
                .append("</code> completed (").append(HtmlText.escape(TimelineSvg.where(history,
                        failing.completionIndex()))).append("), the operations called before it could be ")
                .append("linearized in ").append(HtmlText.count(orders)).append(" way").append(orders == 1 ? "" : "s")
                .append(" (sets of operations taken effect, with their state), leaving the model in ")
                .append(HtmlText.count(states.states().size())).append(" distinct state")
                .append(states.states().size() == 1 ? "" : "s").append(". It can take effect in none of them:</p>");
        html.append("<table class=\"states\"><thead><tr><th>model state</th><th>orders</th>")
                .append("<th>why the operation cannot take effect there</th></tr></thead><tbody>");
        int shown = 0;
        for (FailureStates.StateAtFailure s : states.states()) {
            if (shown++ == STATES_SHOWN_MAX) {
                break;
            }
            html.append("<tr><td><code>").append(HtmlText.show(s.state(), VALUE_CHARS_MAX)).append("</code></td><td>")
                    .append(HtmlText.count(s.configurations())).append("</td><td>")
                    .append(HtmlText.show(s.reason(), VALUE_CHARS_MAX)).append("</td></tr>");
        }
        html.append("</tbody></table>");
        if (states.states().size() > STATES_SHOWN_MAX) {
            html.append("<p class=\"aside\">The first ").append(STATES_SHOWN_MAX).append(" of ")
                    .append(HtmlText.count(states.states().size())).append(" states are listed.</p>");
        }
        if (!states.complete()) {
            html.append("<p class=\"aside\">The pass stopped at ").append(HtmlText.count(
                    FailureStates.CONFIGURATIONS_MAX)).append(" configurations: there may be more states.</p>");
        }
        html.append("</section>\n");
        return html.toString();
    }
}
