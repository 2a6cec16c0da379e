package titan.checker.set;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import titan.checker.Verdict;
import titan.checker.history.Event;
import titan.checker.history.EventType;
import titan.checker.history.History;

class SetCheckerTest {
    private static History history(Object finalRead) {
        return History.of(
                Event.invoke(0, "add", null, 1L, 1), Event.complete(0, EventType.OK, "add", null, 1L, 2),
                Event.invoke(1, "add", null, 2L, 3), Event.complete(1, EventType.INFO, "add", null, 2L, 4),
                Event.invoke(2, "add", null, 3L, 5), Event.complete(2, EventType.FAIL, "add", null, 3L, 6),
                Event.invoke(0, "add", null, 4L, 7), Event.complete(0, EventType.OK, "add", null, 4L, 8),
                Event.invoke(0, "read", null, null, 9), Event.complete(0, EventType.OK, "read", null, finalRead, 10));
    }

    // Every acknowledged add is read, the info add may or may not be: valid either way.
    @Test
    void acknowledgedAddsPresentIsValid() {
        SetResult result = SetChecker.check(history(List.of(1L, 2L, 4L)));
        assertThat(result.verdict()).isEqualTo(Verdict.VALID);
        assertThat(result.recovered()).containsExactly(2L);
        assertThat(SetChecker.check(history(List.of(4L, 1L))).verdict()).isEqualTo(Verdict.VALID);
    }

    // A missing acknowledged add is lost; 9 was never added; 4 appears twice.
    @Test
    void lostUnexpectedAndDuplicatedAreReported() {
        SetResult result = SetChecker.check(history(List.of(4L, 9L, 4L)));
        assertThat(result.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(result.lost()).containsExactly(1L);
        assertThat(result.unexpected()).containsExactly(9L);
        assertThat(result.duplicated()).containsExactly(4L);
        assertThat(result.summary()).contains("1 lost ([1])", "1 unexpected ([9])", "1 duplicated ([4])");
    }

    // Without a successful final read nothing can be said.
    @Test
    void noFinalReadIsUnknown() {
        History history = History.of(Event.invoke(0, "add", null, 1L, 1), Event.complete(0, EventType.OK, "add", null, 1L, 2));
        assertThat(SetChecker.check(history).verdict()).isEqualTo(Verdict.UNKNOWN);
    }
}
