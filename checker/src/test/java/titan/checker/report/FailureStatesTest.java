package titan.checker.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import titan.checker.CheckResult;
import titan.checker.Linearizability;
import titan.checker.PartitionResult;
import titan.checker.history.Event;
import titan.checker.history.EventType;
import titan.checker.history.History;
import titan.checker.model.CasRegisterModel;
import titan.checker.model.KvModel;

/** Every state at the failure, the plain sentence, and the duplicated element, on tiny histories. */
class FailureStatesTest {
    private static Event call(int p, String f, Object value, long t) {
        return Event.invoke(p, f, "k", value, t);
    }

    private static Event ok(int p, String f, Object value, long t) {
        return Event.complete(p, EventType.OK, f, "k", value, t);
    }

    private static FailureStates states(History history) {
        CheckResult result = Linearizability.check(new KvModel(), history);
        PartitionResult decisive = result.decisive().orElseThrow();
        return FailureStates.of(new KvModel(), decisive, history, FailureStates.CONFIGURATIONS_MAX);
    }

    // Two concurrent writes, then a read of neither value's final order... of a value that was
    // overwritten before the read began: the states at the failure are both orders' outcomes ("1"
    // and "2" may each be last), and the read saw a state the history did reach, so it is stale.
    @Test
    void staleReadListsEveryStateAndSaysItWasStale() {
        History history = History.of(
                call(0, "write", "1", 1), call(1, "write", "2", 2),
                ok(0, "write", "1", 3), ok(1, "write", "2", 4),
                call(2, "write", "3", 5), ok(2, "write", "3", 6),
                call(3, "read", null, 7), ok(3, "read", "1", 8));
        FailureStates states = states(history);
        assertThat(states.failing().process()).isEqualTo(3);
        assertThat(states.states()).extracting(FailureStates.StateAtFailure::state).containsExactly("\"3\"");
        assertThat(states.everSeen()).isTrue();
        assertThat(states.sourceOp().describe()).isEqualTo("p0 write k \"1\" ok");
        assertThat(states.plainly()).contains("a stale (or too early) result");
    }

    // Concurrent writes of "1" and "2" still open when a read sees "x", which nobody wrote: no state
    // the history reaches has it, and the page must say so plainly; both possible states are listed.
    @Test
    void aValueNobodyWroteIsSaidPlainly() {
        History history = History.of(
                call(0, "write", "1", 1), call(1, "write", "2", 2),
                ok(0, "write", "1", 3), ok(1, "write", "2", 4),
                call(3, "read", null, 7), ok(3, "read", "x", 8));
        FailureStates states = states(history);
        assertThat(states.states()).extracting(FailureStates.StateAtFailure::state)
                .containsExactlyInAnyOrder("\"1\"", "\"2\"");
        assertThat(states.states()).allSatisfy(s -> assertThat(s.reason()).contains("read \"x\""));
        assertThat(states.everSeen()).isFalse();
        assertThat(states.plainly()).startsWith("No operation of this history");
    }

    // A retried append applied twice: the element read twice is named with the one append of it.
    @Test
    void aDuplicatedAppendIsNamed() {
        History history = History.of(
                call(0, "write", "w", 1), ok(0, "write", "w", 2),
                call(1, "append", "a1;", 3), ok(1, "append", "a1;", 4),
                call(2, "read", null, 5), ok(2, "read", "wa1;a1;", 6));
        FailureStates states = states(history);
        assertThat(states.duplicates()).singleElement().satisfies(d -> {
            assertThat(d.element()).isEqualTo("\"a1;\"");
            assertThat(d.timesRead()).isEqualTo(2);
            assertThat(d.appends()).hasSize(1);
        });
        assertThat(states.plainly()).startsWith("The element \"a1;\" occurs 2 times in the value read but was "
                + "appended once");
    }

    // An info write may take effect at any time: with it, the read of its value is legal, so the
    // history is valid and there is no failure to explain; without the info, it is.
    @Test
    void anInfoOperationMayTakeEffectInAnyClosure() {
        History valid = History.of(
                call(0, "write", "1", 1), Event.complete(0, EventType.INFO, "write", "k", "1", 2),
                call(1, "read", null, 3), ok(1, "read", "1", 4));
        assertThat(Linearizability.check(new KvModel(), valid).isValid()).isTrue();
        History invalid = History.of(call(1, "read", null, 3), ok(1, "read", "1", 4));
        assertThat(states(invalid).states()).extracting(FailureStates.StateAtFailure::state).containsExactly("nil");
    }

    // The pass stops at its bound and says so rather than run away.
    @Test
    void theBoundIsHonest() {
        History history = History.of(
                call(0, "write", "1", 1), call(1, "write", "2", 2), call(2, "write", "3", 3),
                ok(0, "write", "1", 4), ok(1, "write", "2", 5), ok(2, "write", "3", 6),
                call(3, "read", null, 7), ok(3, "read", "x", 8));
        CheckResult result = Linearizability.check(new KvModel(), history);
        FailureStates bounded = FailureStates.of(new KvModel(), result.decisive().orElseThrow(), history, 4);
        assertThat(bounded.complete()).isFalse();
    }

    // On a Knossos register history the page's card lists the states and the plain sentence.
    @Test
    void thePageShowsTheStatesCard() throws Exception {
        ReportHistories.Checked checked = ReportHistories.casFailure();
        String html = HtmlReport.render(checked.result(), checked.history(),
                HtmlReport.Options.defaults().withModel(CasRegisterModel.knossos(0L)));
        assertThat(html).contains("<h2>Every state at the failure</h2>").contains("<table class=\"states\">")
                .contains("<code class=\"bad-op\">p70 read 0 ok</code> completed (line 503)");
        assertThat(List.of("No operation of this history", "a stale (or too early) result"))
                .anyMatch(html::contains);
    }
}
