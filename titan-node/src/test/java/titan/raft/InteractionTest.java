package titan.raft;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every interaction transcript under {@code raft/interaction/}: each scripts one story
 * (elections, partitions, pre-vote, check-quorum, snapshots, membership) against real cores and
 * compares the printed messages and state changes with the expected text.
 */
class InteractionTest {
    static Stream<Path> transcripts() throws IOException, URISyntaxException {
        Path dir = Path.of(InteractionTest.class.getResource("/raft/interaction").toURI());
        return Files.list(dir).filter(p -> p.toString().endsWith(".txt")).sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transcripts")
    void transcript(Path file) {
        InteractionEnv env = new InteractionEnv();
        DataDriven.run(file, env::handle);
        // State-machine safety over the whole story: no two nodes applied different entries at one
        // index. Transcripts named *_unsafe.txt switch a safety rule off and must break it.
        if (file.getFileName().toString().endsWith("_unsafe.txt")) {
            assertThat(env.appliedConflicts()).as("%s must show the violation", file.getFileName()).isNotEmpty();
        } else {
            assertThat(env.appliedConflicts()).as("%s", file.getFileName()).isEmpty();
        }
    }
}
