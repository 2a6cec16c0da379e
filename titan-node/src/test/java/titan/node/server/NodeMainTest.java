package titan.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node refuses bad flags, busy ports and foreign data directories with one line and exit 254. */
class NodeMainTest {
    @TempDir
    Path dir;

    @Test
    void badFlagsExit254WithOneLine() {
        assertRefused("not a node id", "--id", "x", "--data-dir", dir.toString(), "--peers", "n1=127.0.0.1:1");
        assertRefused("must list this node", "--id", "n2", "--data-dir", dir.toString(), "--peers", "n1=127.0.0.1:1");
        assertRefused("not host:port", "--id", "n1", "--data-dir", dir.toString(), "--peers", "n1=localhost");
        assertRefused("names n1 twice", "--id", "n1", "--data-dir", dir.toString(), "--peers",
                "n1=127.0.0.1:1,n1=127.0.0.1:2");
        assertRefused("unknown unsafe mode", "--id", "n1", "--data-dir", dir.toString(), "--peers", "n1=127.0.0.1:1",
                "--unsafe", "go-fast");
        assertRefused("--heartbeat-ticks", "--id", "n1", "--data-dir", dir.toString(), "--peers", "n1=127.0.0.1:1",
                "--election-ticks", "3", "--heartbeat-ticks", "3");
        assertRefused("Missing required option", "--id", "n1");
        assertRefused("Unknown option", "--id", "n1", "--data-dir", dir.toString(), "--peers", "n1=127.0.0.1:1",
                "--fast");
    }

    @Test
    void aBusyPortExits254() throws Exception {
        try (ServerSocket busy = new ServerSocket(0)) {
            assertRefused("cannot bind", "--id", "n1", "--data-dir", dir.resolve("n1").toString(), "--peers",
                    "n1=127.0.0.1:0", "--http-port", Integer.toString(busy.getLocalPort()));
        }
    }

    @Test
    void aDataDirectoryOfAnotherNodeOrClusterIsRefused() throws Exception {
        Path data = dir.resolve("d");
        Files.createDirectories(data);
        Files.writeString(data.resolve(DataDirIdentity.FILE), "{\"clusterId\":\"titan\",\"nodeId\":\"n2\"}");
        assertRefused("belongs to node n2", "--id", "n1", "--data-dir", data.toString(), "--peers", "n1=127.0.0.1:0");
        assertRefused("belongs to cluster 'titan'", "--id", "n2", "--cluster-id", "other", "--data-dir",
                data.toString(), "--peers", "n2=127.0.0.1:0");
        Path stranger = dir.resolve("s");
        Files.createDirectories(stranger);
        Files.writeString(stranger.resolve("notes.txt"), "mine");
        assertRefused("is not empty", "--id", "n1", "--data-dir", stranger.toString(), "--peers", "n1=127.0.0.1:0");
    }

    private static void assertRefused(String expected, String... args) {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = NodeMain.run(args);
        } finally {
            System.setErr(original);
        }
        String text = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text).isEqualTo(NodeMain.EXIT_BAD_CONFIG);
        assertThat(text).contains(expected).startsWith("titan-node: ");
    }
}
