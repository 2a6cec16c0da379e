package titan.node.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import titan.raft.NodeId;

/**
 * The file {@code identity.json} in a node's data directory: which cluster and node the data
 * belongs to. Starting node n2 on n1's directory, or a node of another cluster on it, would serve
 * somebody else's log as its own; the node refuses with a clear message instead.
 */
final class DataDirIdentity {
    static final String FILE = "identity.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private DataDirIdentity() {}

    /** Claims an empty directory, or checks that a used one is this node's; throws {@link BadConfigException}. */
    static void claimOrCheck(Path dataDir, String clusterId, NodeId id) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            try (var entries = Files.list(dataDir)) {
                if (entries.anyMatch(p -> !p.getFileName().toString().startsWith("."))) {
                    throw new BadConfigException("data directory " + dataDir + " is not empty and has no " + FILE
                            + ": it does not look like a Titan node's directory; refusing to use it");
                }
            }
            Path temp = dataDir.resolve(FILE + ".tmp");
            Files.write(temp, JSON.writeValueAsBytes(Map.of("clusterId", clusterId, "nodeId", id.toString())));
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        JsonNode found;
        try {
            found = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BadConfigException(file + " is unreadable (" + e.getMessage().lines().findFirst().orElse("")
                    + "); refusing to guess whose data this is");
        }
        String foundCluster = found.path("clusterId").asText("");
        String foundNode = found.path("nodeId").asText("");
        if (!foundCluster.equals(clusterId)) {
            throw new BadConfigException("data directory " + dataDir + " belongs to cluster '" + foundCluster
                    + "', not '" + clusterId + "'");
        }
        if (!foundNode.equals(id.toString())) {
            throw new BadConfigException("data directory " + dataDir + " belongs to node " + foundNode + ", not " + id);
        }
    }
}
