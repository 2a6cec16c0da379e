package titan.lab.bench;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Without a terminal, progress is plain lines: when a phase starts, every 5 s of it, and at its end. */
class BenchProgressTest {
    @Test
    void plainLinesEveryFiveSecondsAndAtTheEnd() {
        StringWriter text = new StringWriter();
        try (BenchProgress progress = BenchProgress.create(false, 24, System.err, new PrintWriter(text))) {
            for (int s = 1; s <= 12; s++) {
                IntervalPoint point = s <= 2 ? null : new IntervalPoint(s - 3, s - 2, 1000, 1.0, 2.5, 3.0);
                progress.interval("tcp closed loop, 8 callers", s, 12, point);
            }
            progress.interval("tcp open loop at 500/s", 1, 12, null);
        }
        String[] lines = text.toString().split("\n");
        assertThat(lines).containsExactly(
                "bench: tcp closed loop, 8 callers: 1/12 s, warming up",
                "bench: tcp closed loop, 8 callers: 5/12 s, 1,000 req/s, p99 2.50 ms",
                "bench: tcp closed loop, 8 callers: 10/12 s, 1,000 req/s, p99 2.50 ms",
                "bench: tcp closed loop, 8 callers: 12/12 s, 1,000 req/s, p99 2.50 ms",
                "bench: tcp open loop at 500/s: 1/12 s, warming up");
    }
}
