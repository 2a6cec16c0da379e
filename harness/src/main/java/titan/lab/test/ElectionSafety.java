package titan.lab.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Election Safety (Raft paper §5.2, Figure 3: at most one leader can be elected in a given term),
 * checked from the nodes' own logs after a real-runtime test. Every node logs its role changes
 * ({@code NodeLoop}: "leader at term 2, leader n1"); two nodes that each say they led the same term
 * break the rule whether or not the client history shows a consequence. A forgotten vote
 * ({@code --unsafe vote-before-durable} with power loss) produces exactly that, often with no write
 * lost, so the lab checks the act beside its consequences.
 */
public final class ElectionSafety {
    /** The role-change line a node writes when it becomes leader of a term. */
    private static final Pattern LEADER = Pattern.compile("NodeLoop: leader at term (\\d+), leader (\\S+)");

    private ElectionSafety() {}

    /** A term with more than one leader, and the first log line of each. */
    public record Breach(long term, Map<String, String> leaders) {}

    /**
     * Reads {@code <nodesDir>/<node>/node.log} of every node and returns a result map for
     * results.json: {@code verdict} valid, invalid (a term with two leaders) or unknown (no node log
     * names a leader), an {@code explanation}, the {@code breaches}, and {@code leaderTerms} (how many
     * terms had a leader).
     */
    public static Map<String, Object> check(Path nodesDir) throws IOException {
        Map<Long, Map<String, String>> leadersByTerm = new TreeMap<>();
        if (Files.isDirectory(nodesDir)) {
            try (Stream<Path> nodes = Files.list(nodesDir)) {
                for (Path dir : nodes.sorted().toList()) {
                    Path log = dir.resolve("node.log");
                    if (Files.isRegularFile(log)) {
                        read(dir.getFileName().toString(), log, leadersByTerm);
                    }
                }
            }
        }
        List<Breach> breaches = new ArrayList<>();
        leadersByTerm.forEach((term, leaders) -> {
            if (leaders.size() > 1) {
                breaches.add(new Breach(term, leaders));
            }
        });
        Map<String, Object> result = new LinkedHashMap<>();
        if (!breaches.isEmpty()) {
            Breach first = breaches.get(0);
            result.put("verdict", "invalid");
            result.put("explanation", "two leaders in term " + first.term() + ": "
                    + String.join(" and ", new TreeSet<>(first.leaders().keySet()))
                    + " each logged that they led it (Election Safety, Raft §5.2)");
        } else if (leadersByTerm.isEmpty()) {
            result.put("verdict", "unknown");
            result.put("explanation", "no node log names a leader");
        } else {
            result.put("verdict", "valid");
            result.put("explanation", "one leader in each of " + leadersByTerm.size() + " terms");
        }
        result.put("leaderTerms", leadersByTerm.size());
        List<Map<String, Object>> list = new ArrayList<>();
        for (Breach b : breaches) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("term", b.term());
            m.put("leaders", b.leaders());
            list.add(m);
        }
        result.put("breaches", list);
        return result;
    }

    private static void read(String node, Path log, Map<Long, Map<String, String>> leadersByTerm) throws IOException {
        // A torn last line (the node halted mid-write) or odd bytes must not stop the check.
        try (Stream<String> lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
            lines.forEach(line -> {
                Matcher m = LEADER.matcher(line);
                // The line names the node as its own leader; a node logs its id in each line too, but the
                // folder is the node, so the leader named must be the folder's node.
                if (m.find() && m.group(2).equals(node)) {
                    leadersByTerm.computeIfAbsent(Long.parseLong(m.group(1)), t -> new TreeMap<>())
                            .putIfAbsent(node, line.strip());
                }
            });
        }
    }
}
