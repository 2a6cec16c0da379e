package titan.lab.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import titan.checker.Linearizability;
import titan.checker.Verdict;
import titan.checker.history.Event;
import titan.checker.history.EventType;
import titan.checker.history.History;
import titan.checker.history.Process;
import titan.checker.model.KvModel;
import titan.checker.set.SetChecker;
import titan.client.Outcome;
import titan.client.TitanClient;

/**
 * The mapping from client outcomes to history events, and Jepsen's process retirement, through a
 * scripted client (no network, no time).
 */
class WorkloadRunnerTest {
    /** Answers each call with the next scripted outcome; a null outcome is a future that never completes. */
    static class ScriptedClient implements TitanClient {
        final Deque<Outcome> script = new ArrayDeque<>();

        ScriptedClient(Outcome... outcomes) {
            script.addAll(List.of(outcomes));
        }

        private CompletableFuture<Outcome> next() {
            Outcome o = script.poll();
            return o == null ? new CompletableFuture<>() : CompletableFuture.completedFuture(o);
        }

        public CompletableFuture<Outcome> get(String key, ReadMode mode) { return next(); }
        public CompletableFuture<Outcome> put(String key, byte[] value) { return next(); }
        public CompletableFuture<Outcome> delete(String key) { return next(); }
        public CompletableFuture<Outcome> cas(String key, byte[] expected, byte[] value) { return next(); }
        public CompletableFuture<Outcome> append(String key, byte[] suffix) { return next(); }
        public void close() {}
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void outcomesMapToOkFailInfoAndInfoRetiresTheProcess() {
        // Goal: each Outcome kind becomes the right completion, and the runner's retirement rule holds.
        Workload kv = new KvWorkload(1);
        ScriptedClient client = new ScriptedClient(
                new Outcome.Ok(null, "n1"),                 // write ok
                new Outcome.Ok(b("w1;"), "n1"),             // read ok "w1;"
                new Outcome.CasMismatch(b("w1;"), "n2"),    // cas fail
                new Outcome.Failed("no leader", "n3"),      // write fail
                new Outcome.Indeterminate("timeout", "n1"), // append info
                new Outcome.NotFound("n2"));                // read of absent key: ok nil
        HistoryRecorder recorder = new HistoryRecorder();
        WorkloadRunner runner = new WorkloadRunner(kv, client, recorder, 1, 0, Duration.ofSeconds(1), 1);
        assertThat(runner.perform(0, new Op("write", "k0", "w1;")).type()).isEqualTo(EventType.OK);
        Completion read = runner.perform(0, new Op("read", "k0", null));
        assertThat(read.type()).isEqualTo(EventType.OK);
        assertThat(read.value()).isEqualTo("w1;");
        assertThat(read.node()).isEqualTo("n1");
        Completion cas = runner.perform(0, new Op("cas", "k0", Completion.pair("x", "y")));
        assertThat(cas.type()).isEqualTo(EventType.FAIL);
        assertThat(cas.error()).isEqualTo("cas mismatch");
        assertThat(runner.perform(0, new Op("write", "k0", "w2;")).type()).isEqualTo(EventType.FAIL);
        Completion info = runner.perform(0, new Op("append", "k0", "a1;"));
        assertThat(info.type()).isEqualTo(EventType.INFO);
        assertThat(info.retiresProcess()).isTrue();
        Completion absent = runner.perform(1, new Op("read", "k0", null));
        assertThat(absent.type()).isEqualTo(EventType.OK);
        assertThat(absent.value()).isNull();

        History history = recorder.history();
        assertThat(history.operations()).hasSize(6);
        assertThat(history.events()).extracting(Event::timeNanos).isSorted();
        // The last read saw the key absent after an acknowledged write: not linearizable, and the
        // checker must say so from the in-memory history.
        assertThat(Linearizability.check(new KvModel(), history).verdict()).isEqualTo(Verdict.INVALID);
    }

    @Test
    void anOutcomeThatNeverArrivesIsInfoForAWriteAndFailForARead() {
        WorkloadRunner runner = new WorkloadRunner(new RegisterWorkload(), new ScriptedClient(), new HistoryRecorder(),
                1, 0, Duration.ofMillis(10), 1);
        Completion write = runner.perform(0, new Op("write", "r", 3L));
        assertThat(write.type()).isEqualTo(EventType.INFO);
        assertThat(write.error()).contains("no answer");
        assertThat(write.retiresProcess()).isTrue();
        // A read has no effect: one that got no answer did not happen, and its process lives on.
        Completion read = runner.perform(0, new Op("read", "r", null));
        assertThat(read.type()).isEqualTo(EventType.FAIL);
        assertThat(read.retiresProcess()).isFalse();
    }

    @Test
    void setReadsDecodeTheElementsAndTheSetCheckerSeesLostAdds() {
        SetWorkload set = new SetWorkload();
        ScriptedClient client = new ScriptedClient(new Outcome.Ok(null, "n1"), new Outcome.Ok(null, "n1"),
                new Outcome.Ok(b("1,"), "n1"));
        HistoryRecorder recorder = new HistoryRecorder();
        WorkloadRunner runner = new WorkloadRunner(set, client, recorder, 1, 0, Duration.ofSeconds(1), 1);
        runner.perform(0, set.next(new java.util.SplittableRandom(1)));
        runner.perform(0, set.next(new java.util.SplittableRandom(1)));
        runner.finalReads(Duration.ofSeconds(1));
        var result = SetChecker.check(recorder.history());
        assertThat(result.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(result.lost()).containsExactly(2L);
    }

    @Test
    void workersRunForTheTimeLimitAndRetireProcessesAfterInfo() throws InterruptedException {
        // Every outcome is indeterminate: every write (info) retires its process, no read (fail) does.
        TitanClient client = new ScriptedClient() {
            @Override
            public CompletableFuture<Outcome> get(String key, ReadMode mode) {
                return lost();
            }

            @Override
            public CompletableFuture<Outcome> put(String key, byte[] value) {
                return lost();
            }

            @Override
            public CompletableFuture<Outcome> cas(String key, byte[] expected, byte[] value) {
                return lost();
            }

            private CompletableFuture<Outcome> lost() {
                return CompletableFuture.completedFuture(new Outcome.Indeterminate("lost", null));
            }
        };
        HistoryRecorder recorder = new HistoryRecorder();
        new WorkloadRunner(new RegisterWorkload(), client, recorder, 3, 300, Duration.ofSeconds(1), 5)
                .run(Duration.ofMillis(200));
        History history = recorder.history();
        assertThat(history.operations()).isNotEmpty();
        var writes = history.operations().stream().filter(op -> !op.f().equals("read")).toList();
        assertThat(writes).isNotEmpty();
        assertThat(writes.stream().map(op -> op.process()).distinct().count()).isEqualTo(writes.size());
        assertThat(history.operations()).filteredOn(op -> op.f().equals("read"))
                .allMatch(op -> op.outcome() == titan.checker.history.Operation.Outcome.FAIL);
        assertThat(history.events()).noneMatch(e -> e.process() instanceof Process.Nemesis);
    }
}
