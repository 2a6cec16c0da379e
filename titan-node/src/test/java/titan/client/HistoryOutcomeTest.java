package titan.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import titan.checker.history.EventType;

/** The one mapping from a client's outcome to a history completion (docs/history-format.md). */
class HistoryOutcomeTest {
    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            // f,     outcome,        type, retires, error
            "write,  ok,             OK,   false,   ",
            "read,   ok,             OK,   false,   ",
            "read,   not-found,      OK,   false,   ",
            "delete, not-found,      OK,   false,   ",
            "cas,    cas-mismatch,   FAIL, false,   cas mismatch",
            "write,  failed,         FAIL, false,   refused",
            "write,  indeterminate,  INFO, true,    timeout",
            "append, indeterminate,  INFO, true,    timeout",
            "read,   indeterminate,  FAIL, false,   timeout",
            "write,  none,           INFO, true,    no answer",
            "read,   none,           FAIL, false,   no answer",
    })
    void mapsEveryOutcome(String f, String outcome, EventType type, boolean retires, String error) {
        Outcome o = switch (outcome) {
            case "ok" -> new Outcome.Ok(new byte[] {1}, "n1");
            case "not-found" -> new Outcome.NotFound("n1");
            case "cas-mismatch" -> new Outcome.CasMismatch(null, "n1");
            case "failed" -> new Outcome.Failed("refused", "n1");
            case "indeterminate" -> new Outcome.Indeterminate("timeout", "n1");
            default -> null;
        };
        EventType mapped = HistoryOutcome.type(f, o);
        assertThat(mapped).isEqualTo(type);
        assertThat(HistoryOutcome.retiresProcess(mapped)).isEqualTo(retires);
        assertThat(HistoryOutcome.error(o)).isEqualTo(error);
    }
}
