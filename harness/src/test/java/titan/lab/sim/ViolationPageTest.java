package titan.lab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import titan.raft.NodeId;
import titan.sim.Coverage;
import titan.nemesis.Fault;
import titan.sim.FaultSchedule;
import titan.sim.SimOptions;
import titan.sim.SimResult;
import titan.sim.Trace;

/** A seed that broke a Raft invariant gets a readable story and page: the property, the faults, the events before it. */
class ViolationPageTest {
    // A hand-made result: the story names the property once, lists the last events with their
    // trace.txt lines (skipping messages), and the page escapes what it shows.
    @Test
    void aBrokenInvariantGetsAStoryAndAPage() {
        FaultSchedule schedule = new FaultSchedule(List.of(
                new FaultSchedule.Window(20_000, 5_000, new Fault.Crash(Fault.Target.MAJORITY)),
                new FaultSchedule.Window(10_000, 5_000, new Fault.Pause(Fault.Target.ONE))));
        List<Trace.Line> trace = List.of(
                new Trace.Line(1_000, NodeId.of(1), "role", "FOLLOWER -> LEADER at term 1"),
                new Trace.Line(1_100, NodeId.of(1), "message", "send AppendRequest"),
                new Trace.Line(2_000, null, "nemesis", "start-crash-majority crash [n1, n2, n3]"),
                new Trace.Line(3_000, NodeId.of(2), "role", "CANDIDATE -> LEADER at term 2 <b>"));
        SimResult result = new SimResult(SimOptions.defaults(7), schedule, List.of(), "leader-completeness",
                "leader-completeness: n2 became leader in term 2 without entry 4 <script>", 3_000, 10, 5, 5, 4,
                Coverage.NONE, trace, titan.sim.SimConfig.of(SimOptions.defaults(7)));
        SeedOutcome outcome = new SeedOutcome(7, SeedOutcome.Status.VIOLATION, result, null, result.violation());

        List<String> story = Story.of(outcome, null);
        assertThat(story.get(0)).isEqualTo("leader-completeness: n2 became leader in term 2 without entry 4 <script>");
        assertThat(story).anySatisfy(l -> assertThat(l).contains("4 |").contains("n2").contains("CANDIDATE -> LEADER"))
                .noneSatisfy(l -> assertThat(l).contains("AppendRequest"));

        String page = ViolationPage.render(7, outcome, story.subList(1, story.size()), schedule, "./titan-lab sim --replay x");
        assertThat(page).contains("<span class=\"kind\">leader-completeness</span>").contains("&lt;script&gt;")
                .doesNotContain("<script>").contains("crash-majority").contains("./titan-lab sim --replay x");
        assertThat(page.indexOf("pause-one")).isLessThan(page.indexOf("crash-majority")); // windows in time order
    }
}
