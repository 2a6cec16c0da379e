package titan.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import titan.node.ClientOutcome;
import titan.node.api.KvRequest;
import titan.node.kv.KvCommand;
import titan.raft.Entry;
import titan.raft.EntryType;
import titan.raft.NodeId;
import titan.raft.Snapshot;
import titan.raft.SnapshotMeta;

/** The applied-entry lines a node logs for the lab's State Machine Safety check. */
class AppliedDigestTest {
    private static final NodeId N1 = NodeId.of(1);

    @TempDir
    Path dir;

    private final List<String> lines = new ArrayList<>();
    private final AppliedDigest digest = new AppliedDigest(lines::add, 4);

    private void apply(long term, long first, long last) {
        for (long i = first; i <= last; i++) {
            digest.applied(N1, new Entry(term, i, EntryType.COMMAND, ("c" + i).getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void linesMarkTheStartEachTermChangeEveryWholeWindowAndTheStop() {
        apply(1, 1, 5);
        apply(2, 6, 9);
        digest.stopped(false);
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).isEqualTo("applied start index=1 term=1");
        assertThat(lines.get(1)).startsWith("applied digest index=4 term=1 window=");
        assertThat(lines.get(2)).isEqualTo("applied term index=6 term=2");
        assertThat(lines.get(3)).startsWith("applied digest index=8 term=2 window=");
        assertThat(lines.get(4)).isEqualTo("applied stop index=9 term=2");
    }

    @Test
    void aWindowEnteredPartlyBySnapshotHasNoDigestAndTheNextSegmentStartsAgain() {
        // Method: apply 1..2, restore a snapshot at 5, apply 6..12: the window 5..8 was not applied
        // whole (5 came by snapshot), so only 9..12 gets a digest.
        apply(1, 1, 2);
        digest.snapshotRestored(N1, new Snapshot(new SnapshotMeta(5, 1, titan.raft.Membership.ofVoters(java.util.Set.of(N1))), new byte[0]));
        apply(1, 6, 12);
        assertThat(lines).containsExactly("applied start index=1 term=1", "applied start index=6 term=1",
                lines.get(2));
        assertThat(lines.get(2)).startsWith("applied digest index=12 term=1 window=");
    }

    @Test
    void theSameEntriesGiveTheSameDigestAndAnyDifferenceAnother() {
        List<String> other = new ArrayList<>();
        AppliedDigest twin = new AppliedDigest(other::add, 4);
        apply(1, 1, 4);
        for (long i = 1; i <= 4; i++) {
            twin.applied(N1, new Entry(1, i, EntryType.COMMAND, ("c" + i).getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(other).isEqualTo(lines);
        List<String> changed = new ArrayList<>();
        AppliedDigest stale = new AppliedDigest(changed::add, 4);
        for (long i = 1; i <= 4; i++) {
            stale.applied(N1, new Entry(1, i, EntryType.COMMAND, ("c" + (i == 3 ? 99 : i)).getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(changed.get(1)).startsWith("applied digest index=4 term=1 window=").isNotEqualTo(lines.get(1));
    }

    @Test
    void aStopFromAnotherThreadWhileTheLoopMayRunLogsNothing() throws InterruptedException {
        apply(1, 1, 1);
        Thread other = new Thread(() -> digest.stopped(false));
        other.start();
        other.join();
        assertThat(lines).containsExactly("applied start index=1 term=1");
        digest.stopped(true); // the loop has stopped (here: the applying thread is this one)
        assertThat(lines).endsWith("applied stop index=1 term=1");
    }

    @Test
    void aRealNodeLogsWhatItApplied() throws Exception {
        // Method: three in-process nodes take writes and stop; each logs a start line from index 1
        // and, on stop, the last index it applied.
        List<String> logged = new CopyOnWriteArrayList<>();
        long[] commit = new long[1];
        Logger logger = (Logger) LoggerFactory.getLogger(AppliedDigest.class);
        AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                logged.add(event.getFormattedMessage());
            }
        };
        capture.start();
        logger.addAppender(capture);
        try (InProcessCluster cluster = new InProcessCluster(dir, null)) {
            cluster.startAll();
            NodeId leader = cluster.awaitLeader();
            for (int i = 0; i < 5; i++) {
                ClientOutcome outcome = cluster.submit(leader, new KvRequest.Write(new KvCommand.Put(i + 1, 1, "k" + i,
                        new byte[] {(byte) i}))).get(30, TimeUnit.SECONDS);
                assertThat(outcome).isInstanceOf(ClientOutcome.Applied.class);
            }
            // The status is published after the loop's turn: the last write may not show in it yet.
            commit[0] = cluster.node(leader).loop().status().commitIndex();
            InProcessCluster.await(() -> cluster.nodes().values().stream()
                    .allMatch(n -> n.loop().status().appliedIndex() >= commit[0]), "every node applies the writes");
        } finally {
            logger.detachAppender(capture);
        }
        assertThat(logged.stream().filter(l -> l.startsWith("applied start index=1 term=")).count()).as(logged.toString())
                .isEqualTo(3);
        assertThat(logged.stream().filter(l -> l.matches("applied stop index=\\d+ term=\\d+"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("applied stop index=(\\d+) .*", "$1")))).as(logged.toString())
                .hasSize(3).allMatch(i -> i >= commit[0]);
        assertThat(commit[0]).isGreaterThanOrEqualTo(5); // the leader's no-op and at least four of the writes
    }
}
