package titan.checker.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import titan.checker.CheckResult;
import titan.checker.Linearizability;
import titan.checker.history.Event;
import titan.checker.history.EventType;
import titan.checker.history.History;
import titan.checker.history.Process;
import titan.checker.model.KvModel;

/** The page's options: a time axis, a key filter, nemesis labels that never overlap, values beside short bars. */
class TimelineOptionsTest {
    private static Event nemesis(String f, long t) {
        return new Event(Process.NEMESIS, EventType.INFO, f, null, null, t, null, null);
    }

    /** Key a has a stale read; key b is fine; two faults overlap in time. */
    private static History history() {
        return History.of(
                nemesis("start-partition-halves", 0), nemesis("start-crash-leader", 1),
                Event.invoke(0, "write", "a", "1", 10), Event.complete(0, EventType.OK, "write", "a", "1", 1_000_000),
                Event.invoke(1, "write", "b", "7", 1_100_000), Event.complete(1, EventType.OK, "write", "b", "7", 1_200_000),
                Event.invoke(0, "write", "a", "a-long-value-that-does-not-fit-on-a-short-bar", 2_000_000),
                Event.complete(0, EventType.OK, "write", "a", "a-long-value-that-does-not-fit-on-a-short-bar", 2_000_100),
                nemesis("stop-partition-halves", 2_500_000), nemesis("stop-crash-leader", 2_600_000),
                Event.invoke(2, "read", "a", null, 9_000_000), Event.complete(2, EventType.OK, "read", "a", "1", 9_500_000));
    }

    private static String page(HtmlReport.Options options) {
        History history = history();
        CheckResult result = Linearizability.check(new KvModel(), history);
        return HtmlReport.render(result, history, options.withModel(new KvModel()));
    }

    // Overlapping faults put their names in different rows: no two labels share a row and overlap.
    @Test
    void nemesisLabelsNeverOverlap() {
        String html = page(HtmlReport.Options.defaults());
        Matcher m = Pattern.compile("<text class=\"fault-label\" x=\"([0-9.]+)\" y=\"([0-9]+)\">([^<]*)</text>").matcher(html);
        List<double[]> labels = new ArrayList<>();
        while (m.find()) {
            labels.add(new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)),
                    m.group(3).length() * 6.2});
        }
        assertThat(labels).hasSizeGreaterThanOrEqualTo(2);
        for (int i = 0; i < labels.size(); i++) {
            for (int j = i + 1; j < labels.size(); j++) {
                double[] a = labels.get(i);
                double[] b = labels.get(j);
                boolean overlapX = a[0] < b[0] + b[2] && b[0] < a[0] + a[2];
                assertThat(overlapX && a[1] == b[1]).as("labels %d and %d overlap", i, j).isFalse();
            }
        }
    }

    // A time axis labels its ticks in milliseconds and says it is to scale; history order says it is not.
    @Test
    void timeAxisIsAnOption() {
        assertThat(page(HtmlReport.Options.defaults().withTimeAxis(HtmlReport.TimeAxis.TIME)))
                .contains("Horizontal position is the events' recorded time").contains(" ms</text>");
        assertThat(page(HtmlReport.Options.defaults())).contains("Horizontal position is history order");
    }

    // The key filter draws the named key's lanes, and refuses a key that is not in the history.
    @Test
    void keyFilterDrawsThatKey() {
        assertThat(page(HtmlReport.Options.defaults())).contains("Timeline of key <code>a</code>");
        assertThat(page(HtmlReport.Options.defaults().withKey("b"))).contains("Timeline of key <code>b</code>")
                .doesNotContain("Timeline of key <code>a</code>");
        assertThatThrownBy(() -> page(HtmlReport.Options.defaults().withKey("zz")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no key \"zz\"");
    }

    // A value too long for its bar is printed beside it, so a reader can compare values.
    @Test
    void aValueTooLongForItsBarIsPrintedBesideIt() {
        assertThat(page(HtmlReport.Options.defaults())).containsPattern("<text class=\"beside\"[^>]*>write (&quot;|\")a-long");
    }

    // On a time axis a fault that starts and stops while one operation runs is drawn where its
    // times are, as wide as it lasted; in history order it has no width of its own there.
    @Test
    void aTimedAxisPlacesFaultsByTheirTimes() {
        History history = History.of(
                Event.invoke(0, "write", "a", "1", 0), nemesis("start-pause-leader", 5_000_000),
                nemesis("stop-pause-leader", 10_000_000), Event.complete(0, EventType.OK, "write", "a", "1", 20_000_000),
                Event.invoke(1, "read", "a", null, 21_000_000), Event.complete(1, EventType.OK, "read", "a", "2", 22_000_000));
        CheckResult result = Linearizability.check(new KvModel(), history);
        String html = HtmlReport.render(result, history, HtmlReport.Options.defaults()
                .withTimeAxis(HtmlReport.TimeAxis.TIME));
        Matcher m = Pattern.compile("<g class=\"fault\"><title>[^<]*</title><rect x=\"([0-9.]+)\" y=\"20\" width=\"([0-9.]+)\"")
                .matcher(html);
        assertThat(m.find()).as(html).isTrue();
        assertThat(Double.parseDouble(m.group(2))).isGreaterThan(10);
    }

    // A window of five operations around a failure that comes long after the order found stops:
    // the last operation of the order (the only write) is still drawn, carried in at the left edge.
    @Test
    void theLastLinearizedOperationStaysInView() {
        List<Event> events = new ArrayList<>();
        events.add(Event.invoke(0, "write", "a", "1", 0));
        events.add(Event.complete(0, EventType.OK, "write", "a", "1", 1));
        for (int p = 1; p <= 12; p++) {
            events.add(Event.invoke(p, "cas", "a", List.of("7", "8"), 10L * p));
            events.add(Event.complete(p, EventType.INFO, "cas", "a", List.of("7", "8"), 10L * p + 1));
        }
        events.add(Event.invoke(20, "read", "a", null, 500));
        events.add(Event.complete(20, EventType.OK, "read", "a", "x", 501));
        History history = History.of(events);
        CheckResult result = Linearizability.check(new KvModel(), history);
        assertThat(result.decisive().orElseThrow().linearization()).containsExactly(0);
        String html = HtmlReport.render(result, history, HtmlReport.Options.defaults().withOperationsShownMax(5));
        assertThat(html).containsPattern(">◂ write (&quot;|\")1");
    }
}
