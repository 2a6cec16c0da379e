package titan.raft;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The leader's per-follower replication state ({@link Progress}, §5.3 nextIndex/matchIndex with
 * etcd's PROBE/REPLICATE/SNAPSHOT flow control) and its in-flight window ({@link Inflights}):
 * each transition and each bound, asserted on the fields the leader reads next.
 */
class ProgressTest {
    private static Progress progress(long match, long next, Progress.State state) {
        Progress p = new Progress(next, 4, 1_000);
        p.match = match;
        switch (state) {
            case PROBE -> p.becomeProbe();
            case REPLICATE -> p.becomeReplicate();
            case SNAPSHOT -> p.becomeSnapshot(next - 1);
        }
        p.next = next;
        return p;
    }

    // ---- transitions

    @Test
    void probeResumesRightAfterTheMatch() {
        Progress p = new Progress(10, 4, 1_000);
        p.match = 6;
        p.becomeReplicate();
        p.inflights.add(8, 30);
        p.next = 9;
        p.becomeProbe();
        assertThat(p.state).isEqualTo(Progress.State.PROBE);
        assertThat(p.next).isEqualTo(7);
        assertThat(p.probeSent).isFalse();
        assertThat(p.inflights.count()).isZero();
        assertThat(p.inflights.bytes()).isZero();
    }

    // §7: after a snapshot the follower holds everything up to the snapshot even if no append
    // response has said so yet: probing restarts after the snapshot, or after the match if later.
    static Stream<Arguments> probeAfterSnapshotCases() {
        return Stream.of(
                Arguments.of("match below the snapshot", 3L, 9L, 10L),
                Arguments.of("match beyond the snapshot", 12L, 9L, 13L),
                Arguments.of("match at the snapshot", 9L, 9L, 10L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("probeAfterSnapshotCases")
    void probeAfterSnapshotStartsAfterTheLaterOfMatchAndSnapshot(String name, long match, long snapshot, long next) {
        Progress p = new Progress(1, 4, 1_000);
        p.match = match;
        p.becomeSnapshot(snapshot);
        p.probeSent = true;
        p.becomeProbe();
        assertThat(p.next).isEqualTo(next);
        assertThat(p.probeSent).isFalse();
    }

    @Test
    void replicateRestartsTheWindowAfterTheMatch() {
        Progress p = new Progress(3, 4, 1_000);
        p.match = 5;
        p.stalledTicks = 7;
        p.inflights.add(9, 10);
        p.becomeReplicate();
        assertThat(p.state).isEqualTo(Progress.State.REPLICATE);
        assertThat(p.next).isEqualTo(6);
        assertThat(p.stalledTicks).isZero();
        assertThat(p.inflights.count()).isZero();
    }

    @Test
    void snapshotStartsFromTheFirstByte() {
        Progress p = new Progress(3, 4, 1_000);
        p.becomeReplicate();
        p.inflights.add(4, 10);
        p.snapshotOffset = 77;
        p.snapshotChunkInFlight = true;
        p.becomeSnapshot(12);
        assertThat(p.state).isEqualTo(Progress.State.SNAPSHOT);
        assertThat(p.snapshotIndex).isEqualTo(12);
        assertThat(p.snapshotOffset).isZero();
        assertThat(p.snapshotChunkInFlight).isFalse();
        assertThat(p.inflights.count()).isZero();
    }

    // §5.3: "If successful: update nextIndex and matchIndex for follower." A stale success (an
    // older, smaller index) moves nothing back.
    @Test
    void acceptedAppendsRaiseMatchAndNextOnly() {
        Progress p = new Progress(5, 4, 1_000);
        p.probeSent = true;
        assertThat(p.maybeUpdate(4)).isTrue();
        assertThat(p.match).isEqualTo(4);
        assertThat(p.next).isEqualTo(5);
        assertThat(p.probeSent).isFalse();
        p.probeSent = true;
        assertThat(p.maybeUpdate(4)).as("the same index again").isFalse();
        assertThat(p.probeSent).as("a duplicate does not unpause a probe").isTrue();
        assertThat(p.maybeUpdate(2)).isFalse();
        assertThat(p.match).isEqualTo(4);
        assertThat(p.next).isEqualTo(5);
        p.next = 9; // pipelined beyond
        assertThat(p.maybeUpdate(6)).isTrue();
        assertThat(p.next).as("next never goes back on success").isEqualTo(9);
        assertThat(p.maybeUpdate(12)).isTrue();
        assertThat(p.next).isEqualTo(13);
    }

    // §5.3: "If AppendEntries fails because of log inconsistency: decrement nextIndex and retry",
    // here with the fast-backtracking hint, and ignoring rejections of appends already superseded.
    static Stream<Arguments> decreaseCases() {
        return Stream.of(
                // state, match, next, rejected, hint, accepted, next after
                Arguments.of("replicate: rejection above the match goes back to match+1",
                        Progress.State.REPLICATE, 3L, 9L, 6L, 0L, true, 4L),
                Arguments.of("replicate: rejection at the match is stale",
                        Progress.State.REPLICATE, 3L, 9L, 3L, 0L, false, 9L),
                Arguments.of("replicate: rejection below the match is stale",
                        Progress.State.REPLICATE, 3L, 9L, 2L, 0L, false, 9L),
                Arguments.of("probe: the hint skips back", Progress.State.PROBE, 0L, 9L, 8L, 4L, true, 5L),
                Arguments.of("probe: never beyond the rejected index", Progress.State.PROBE, 0L, 9L, 8L, 20L, true, 8L),
                Arguments.of("probe: hint just below the rejected index", Progress.State.PROBE, 0L, 9L, 8L, 7L, true, 8L),
                Arguments.of("probe: never below match+1", Progress.State.PROBE, 5L, 9L, 8L, 2L, true, 6L),
                Arguments.of("probe: rejection of another append is stale", Progress.State.PROBE, 0L, 9L, 7L, 1L,
                        false, 9L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decreaseCases")
    void rejectionsMoveNextBack(String name, Progress.State state, long match, long next, long rejected, long hint,
                                boolean accepted, long nextAfter) {
        Progress p = progress(match, next, state);
        p.probeSent = true;
        assertThat(p.maybeDecrease(rejected, hint)).isEqualTo(accepted);
        assertThat(p.next).isEqualTo(nextAfter);
        if (state == Progress.State.PROBE) {
            assertThat(p.probeSent).as("a probe answered unpauses").isEqualTo(!accepted);
        }
    }

    // Flow control: a probe sends one append at a time, replication until the window is full,
    // and a snapshot transfer sends no appends at all.
    @Test
    void pausedDependsOnTheState() {
        Progress probe = progress(0, 1, Progress.State.PROBE);
        assertThat(probe.isPaused()).isFalse();
        probe.probeSent = true;
        assertThat(probe.isPaused()).isTrue();

        Progress replicate = progress(0, 1, Progress.State.REPLICATE);
        for (int i = 1; i <= 3; i++) {
            replicate.inflights.add(i, 1);
            assertThat(replicate.isPaused()).as("%d of 4 in flight", i).isFalse();
        }
        replicate.inflights.add(4, 1);
        assertThat(replicate.isPaused()).isTrue();

        assertThat(progress(0, 1, Progress.State.SNAPSHOT).isPaused()).isTrue();
    }

    @Test
    void describesItselfPerState() {
        Progress p = progress(4, 5, Progress.State.REPLICATE);
        p.inflights.add(5, 1);
        assertThat(p).hasToString("REPLICATE match=4 next=5 inflight=1");
        assertThat(progress(4, 5, Progress.State.PROBE)).hasToString("PROBE match=4 next=5");
        Progress s = progress(4, 5, Progress.State.SNAPSHOT);
        s.snapshotOffset = 16;
        assertThat(s).hasToString("SNAPSHOT match=4 next=5 snapshot=4@16");
    }

    // ---- the in-flight window

    @Test
    void windowIsFullByCountOrByBytes() {
        Inflights byBytes = new Inflights(10, 100);
        byBytes.add(1, 60);
        assertThat(byBytes.full()).isFalse();
        byBytes.add(2, 39);
        assertThat(byBytes.full()).as("99 of 100 bytes").isFalse();
        byBytes.add(3, 1);
        assertThat(byBytes.full()).as("exactly the byte limit").isTrue();
        byBytes.freeUpTo(1);
        assertThat(byBytes.bytes()).isEqualTo(40);
        assertThat(byBytes.full()).isFalse();

        Inflights byCount = new Inflights(2, 1_000_000);
        byCount.add(1, 1);
        assertThat(byCount.full()).isFalse();
        byCount.add(2, 1);
        assertThat(byCount.full()).isTrue();
        assertThatThrownBy(() -> byCount.add(3, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inflights overflow");
    }

    @Test
    void windowWrapsAroundItsRing() {
        Inflights w = new Inflights(3, 1_000);
        w.add(1, 1);
        w.add(2, 2);
        w.add(3, 4);
        w.freeUpTo(2);
        w.add(4, 8);
        w.add(5, 16);
        assertThat(w.count()).isEqualTo(3);
        assertThat(w.bytes()).isEqualTo(28);
        w.freeUpTo(4);
        assertThat(w.count()).isEqualTo(1);
        assertThat(w.bytes()).isEqualTo(16);
        w.freeUpTo(3);
        assertThat(w.count()).as("already freed").isEqualTo(1);
        w.reset();
        assertThat(w.count()).isZero();
        assertThat(w.bytes()).isZero();
        w.add(6, 5);
        w.add(7, 5);
        w.add(8, 5);
        assertThat(w.full()).isTrue();
        w.freeUpTo(8);
        assertThat(w.count()).isZero();
    }
}
