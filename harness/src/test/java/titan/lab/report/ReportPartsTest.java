package titan.lab.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import titan.checker.history.Event;
import titan.checker.history.EventType;
import titan.checker.history.History;
import titan.checker.history.Operation;
import titan.checker.history.Process;

/** The report's parts on hand-built inputs: fault spans, label lanes, the scatter sample, quantiles. */
class ReportPartsTest {
    private static final long S = 1_000_000_000L;

    private static Event nemesis(String f, long time) {
        return new Event(Process.NEMESIS, EventType.INFO, f, null, f.startsWith("start") ? "detail of " + f : null, time,
                null, null);
    }

    // Jepsen-style pairs of stops extend a span, heal closes all, a fault never stopped lasts to the end,
    // and a start after a stop opens a new span.
    @Test
    void faultSpansFollowStartStopAndHeal() {
        History history = History.of(nemesis("start-partition", 1 * S), nemesis("stop-partition", 3 * S),
                nemesis("stop-partition", 4 * S), nemesis("start-kill", 2 * S), nemesis("start-partition", 5 * S),
                nemesis("heal", 6 * S), nemesis("start-pause", 7 * S));
        List<FaultSpan> spans = FaultSpan.of(history, 10 * S);
        assertThat(spans).containsExactly(
                new FaultSpan("partition", "detail of start-partition", 1 * S, 4 * S, false),
                new FaultSpan("kill", "detail of start-kill", 2 * S, 6 * S, false),
                new FaultSpan("partition", "detail of start-partition", 5 * S, 6 * S, false),
                new FaultSpan("pause", "detail of start-pause", 7 * S, 10 * S, true));
    }

    // The lab's nemesis writes an invoke when an injection begins and an info when it is done: the span
    // starts at the invoke and carries the info's detail.
    @Test
    void aFaultSpanStartsAtTheNemesisInvokeAndSaysWhatTheInfoSays() {
        History history = History.of(new Event(Process.NEMESIS, EventType.INVOKE, "start-stale-leader", null, null, 1 * S,
                        null, null), new Event(Process.NEMESIS, EventType.INFO, "start-stale-leader", null, "paused n1",
                        3 * S, null, null), nemesis("stop-stale-leader", 5 * S));
        assertThat(FaultSpan.of(history, 10 * S)).containsExactly(
                new FaultSpan("stale-leader", "paused n1", 1 * S, 5 * S, false));
    }

    // Labels of overlapping or close faults go to different lanes, and no two labels in one lane overlap.
    @Test
    void faultLabelsNeverOverlap() {
        List<FaultSpan> spans = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            spans.add(new FaultSpan(i % 2 == 0 ? "partition-majorities-ring" : "kill", "", i * S / 4, i * S / 4 + S, false));
        }
        TimeFrame frame = new TimeFrame(60 * S, spans);
        assertThat(frame.lane(0)).isNotEqualTo(frame.lane(1));
        for (int i = 0; i < spans.size(); i++) {
            for (int j = i + 1; j < spans.size(); j++) {
                if (frame.lane(i) == frame.lane(j) && frame.lane(i) < TimeFrame.LANES_MAX) {
                    assertThat(frame.labelEnd(i)).as("label %d ends before %d starts", i, j)
                            .isLessThanOrEqualTo(frame.labelStart(j));
                }
            }
            assertThat(frame.labelEnd(i)).isLessThanOrEqualTo(TimeFrame.WIDTH - TimeFrame.RIGHT);
        }
        TimeFrame late = new TimeFrame(10 * S, List.of(new FaultSpan("partition-majorities-ring", "", 9_900_000_000L, 10 * S, true)));
        assertThat(late.labelEnd(0)).as("a label at the right edge moves left to fit").isLessThanOrEqualTo(TimeFrame.WIDTH - TimeFrame.RIGHT);
        assertThat(frame.labelsHeight()).isEqualTo(TimeFrame.LANES_MAX * TimeFrame.LANE_HEIGHT + 4);
        assertThat(new TimeFrame(60 * S, List.of()).labelsHeight()).isZero();
    }

    // Over budget, the sample keeps every info operation, the flagged operation, and in each time
    // column the slowest ok operation; under budget it keeps everything.
    @Test
    void sampleKeepsInfosFlaggedAndEachColumnsSlowest() {
        List<Event> events = new ArrayList<>();
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            long call = (long) i * 1_000_000;
            long latency = i % 1000 == 999 ? 900_000 : 100_000 + i % 7 * 1000;
            EventType type = i % 500 == 0 ? EventType.INFO : EventType.OK;
            events.add(Event.invoke(i, "read", "k", null, call));
            events.add(Event.complete(i, type, "read", "k", null, call + latency));
        }
        History history = History.of(events);
        long span = (long) n * 1_000_000;
        ScatterSample sample = ScatterSample.of(history.operations(), Set.of(12_345), span, 1_000, 15_000);
        List<Operation> ok = sample.shown(OperationStats.Outcome.OK);
        assertThat(sample.shown(OperationStats.Outcome.INFO)).hasSize(40);
        assertThat(ok.size()).isBetween(1_000, 1_000 + ScatterSample.COLUMNS);
        assertThat(ok).extracting(Operation::id).contains(12_345);
        for (int slow = 999; slow < n; slow += 1000) {
            assertThat(ok).extracting(Operation::id).as("slow op %d", slow).contains(slow);
        }
        assertThat(sample.sampled()).isTrue();
        assertThat(ScatterSample.of(history.operations(), Set.of(), span, n, n).sampled()).isFalse();
    }

    // Quantiles come from HdrHistogram over every timed operation: 1..1000 µs gives p50 = 500 µs.
    @Test
    void quantilesCoverEveryOperation() {
        List<Event> events = new ArrayList<>();
        for (int i = 1; i <= 1000; i++) {
            events.add(Event.invoke(0, "write", "k", (long) i, i * S));
            events.add(Event.complete(0, EventType.OK, "write", "k", (long) i, i * S + i * 1000L));
        }
        OperationStats stats = OperationStats.of(History.of(events));
        OperationStats.Row row = stats.latencyRows().get(0);
        assertThat(row.latencyMicros.getTotalCount()).isEqualTo(1000);
        assertThat(row.latencyMicros.getValueAtPercentile(50)).isBetween(499L, 501L);
        assertThat(row.latencyMicros.getMaxValue()).isBetween(999L, 1001L);
        assertThat(stats.count("write", OperationStats.Outcome.OK)).isEqualTo(1000);
        StringBuilder html = new StringBuilder();
        Tables.quantiles(html, stats);
        assertThat(html).contains("<td>1,000</td><td>0.500</td>");
    }

    @Test
    void niceStepsAreOneTwoOrFiveTimesAPowerOfTen() {
        assertThat(TimeFrame.niceStep(52, 12)).isEqualTo(5);
        assertThat(TimeFrame.niceStep(4.1, 12)).isEqualTo(0.5);
        assertThat(TimeFrame.niceStep(900, 300)).isEqualTo(5);
        assertThat(ThroughputChart.bucketSeconds(60 * S)).isEqualTo(1);
        assertThat(ThroughputChart.bucketSeconds(1200 * S)).isEqualTo(5);
    }
}
