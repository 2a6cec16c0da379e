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
 * State Machine Safety (Raft paper §5.4.3, Figure 3: if a server has applied a log entry at a given
 * index, no other server ever applies a different log entry for the same index), checked from the
 * nodes' own logs after a real-runtime test, as {@link ElectionSafety} checks §5.2.
 *
 * <p>Every node logs what it applied ({@code titan.node.server.AppliedDigest}): a {@code start}
 * line at the first entry of each life (or after a snapshot restore), a {@code term} line where
 * the term of the applied entries changes, a {@code digest} line with a hash of every whole window
 * of entries, and a {@code stop} line. Within one segment (a start line and the lines after it)
 * the term of the entry at any index is the term of the latest line at or before it, up to the
 * segment's last line. Two segments (of two nodes, or two lives of one node) that name different
 * terms at one index, or two digests of one window that differ, are a breach: some node applied
 * an entry the others did not. A deposed leader that recovers a commit index over its stale suffix
 * ({@code --unsafe hard-state-first} under {@code power-loss-overwrite}) applies exactly that.
 */
public final class StateMachineSafety {
    private static final Pattern APPLIED = Pattern.compile(
            "AppliedDigest: applied (start|term|digest|stop) index=(\\d+) term=(\\d+)(?: window=([0-9a-f]+))?");

    private StateMachineSafety() {}

    /** One line: what a node applied at {@code index}. */
    record Point(long index, long term, String line) {}

    /** A run of contiguous applied entries of one node, described by its lines in order. */
    record Segment(String node, List<Point> points) {
        long first() {
            return points.get(0).index();
        }

        long last() {
            return points.get(points.size() - 1).index();
        }

        /** The term of the entry at {@code index}, which must be in [first, last]. */
        long termAt(long index) {
            long term = points.get(0).term();
            for (Point p : points) {
                if (p.index() > index) {
                    break;
                }
                term = p.term();
            }
            return term;
        }

        /** The line that says {@link #termAt}. */
        Point pointAt(long index) {
            Point at = points.get(0);
            for (Point p : points) {
                if (p.index() > index) {
                    break;
                }
                at = p;
            }
            return at;
        }
    }

    /** Two nodes' accounts of one index that disagree, with the lines that say so. */
    public record Breach(long index, String nodeA, long termA, String lineA, String nodeB, long termB, String lineB,
                         String how) {}

    /**
     * Reads {@code <nodesDir>/<node>/node.log} of every node and returns a result map for
     * results.json: {@code verdict} valid, invalid (two nodes applied different entries at one index)
     * or unknown (no node log has an applied line), an {@code explanation}, the first
     * {@code breaches}, the {@code appliedIndexMax} that some node logged and {@code segments}.
     */
    public static Map<String, Object> check(Path nodesDir) throws IOException {
        List<Segment> segments = new ArrayList<>();
        Map<Long, Map<String, Point>> digests = new TreeMap<>();
        if (Files.isDirectory(nodesDir)) {
            try (Stream<Path> nodes = Files.list(nodesDir)) {
                for (Path dir : nodes.sorted().toList()) {
                    Path log = dir.resolve("node.log");
                    if (Files.isRegularFile(log)) {
                        read(dir.getFileName().toString(), log, segments, digests);
                    }
                }
            }
        }
        List<Breach> breaches = new ArrayList<>();
        compareTerms(segments, breaches);
        compareDigests(digests, breaches);
        breaches.sort(java.util.Comparator.comparingLong(Breach::index));
        long appliedMax = segments.stream().mapToLong(Segment::last).max().orElse(0);
        Map<String, Object> result = new LinkedHashMap<>();
        if (!breaches.isEmpty()) {
            Breach b = breaches.get(0);
            result.put("verdict", "invalid");
            result.put("explanation", "at index " + b.index() + " " + b.nodeA() + " and " + b.nodeB() + " applied "
                    + b.how() + " (State Machine Safety, Raft §5.4.3)");
        } else if (segments.isEmpty()) {
            result.put("verdict", "unknown");
            result.put("explanation", "no node log says what it applied");
        } else {
            result.put("verdict", "valid");
            result.put("explanation", "the nodes' " + segments.size() + " accounts agree at every index two of them"
                    + " applied (up to " + appliedMax + ", " + digests.size() + " windows compared by digest)");
        }
        result.put("appliedIndexMax", appliedMax);
        result.put("segments", segments.size());
        List<Map<String, Object>> list = new ArrayList<>();
        for (Breach b : breaches.subList(0, Math.min(breaches.size(), 10))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", b.index());
            m.put(b.nodeA(), b.lineA());
            m.put(b.nodeA().equals(b.nodeB()) ? b.nodeB() + " (another life)" : b.nodeB(), b.lineB());
            list.add(m);
        }
        result.put("breaches", list);
        return result;
    }

    /** Every pair of segments, on the indexes both cover: the first index where their terms differ. */
    static void compareTerms(List<Segment> segments, List<Breach> breaches) {
        for (int i = 0; i < segments.size(); i++) {
            for (int j = i + 1; j < segments.size(); j++) {
                Segment a = segments.get(i);
                Segment b = segments.get(j);
                long from = Math.max(a.first(), b.first());
                long to = Math.min(a.last(), b.last());
                if (from > to) {
                    continue;
                }
                // The terms change only at the segments' points, so checking there is checking everywhere.
                TreeSet<Long> at = new TreeSet<>();
                at.add(from);
                for (Point p : a.points()) {
                    if (p.index() >= from && p.index() <= to) {
                        at.add(p.index());
                    }
                }
                for (Point p : b.points()) {
                    if (p.index() >= from && p.index() <= to) {
                        at.add(p.index());
                    }
                }
                for (long index : at) {
                    long ta = a.termAt(index);
                    long tb = b.termAt(index);
                    if (ta != tb) {
                        breaches.add(new Breach(index, a.node(), ta, evidence(a, index), b.node(), tb,
                                evidence(b, index), "entries of terms " + ta + " and " + tb));
                        break;
                    }
                }
            }
        }
    }

    /** The line that names the term at {@code index} and, when another, the segment's last line (its extent). */
    private static String evidence(Segment s, long index) {
        Point at = s.pointAt(index);
        Point last = s.points().get(s.points().size() - 1);
        return at == last ? at.line() : at.line() + " ... " + last.line();
    }

    private static void compareDigests(Map<Long, Map<String, Point>> digests, List<Breach> breaches) {
        digests.forEach((index, byNode) -> {
            Map.Entry<String, Point> first = null;
            for (Map.Entry<String, Point> e : byNode.entrySet()) {
                if (first == null) {
                    first = e;
                } else if (!window(e.getValue().line()).equals(window(first.getValue().line()))) {
                    breaches.add(new Breach(index, first.getKey(), first.getValue().term(), first.getValue().line(),
                            e.getKey(), e.getValue().term(), e.getValue().line(), "different entries in the window"
                            + " ending here (their digests differ)"));
                    return;
                }
            }
        });
    }

    private static String window(String line) {
        Matcher m = APPLIED.matcher(line);
        return m.find() && m.group(4) != null ? m.group(4) : "";
    }

    private static void read(String node, Path log, List<Segment> segments, Map<Long, Map<String, Point>> digests)
            throws IOException {
        // A torn last line (the node halted mid-write) or odd bytes must not stop the check.
        List<Point> current = null;
        int lives = 0;
        try (Stream<String> lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
            for (String raw : (Iterable<String>) lines::iterator) {
                Matcher m = APPLIED.matcher(raw);
                if (!m.find()) {
                    continue;
                }
                String kind = m.group(1);
                String line = raw.strip();
                Point p = new Point(Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), line);
                if (kind.equals("start") || current == null || p.index() < current.get(current.size() - 1).index()) {
                    // A life's first line is a start; a line before it (a log cut at the front) starts one too.
                    current = new ArrayList<>();
                    segments.add(new Segment(node, current));
                    lives++;
                }
                current.add(p);
                if (kind.equals("digest") && m.group(4) != null) {
                    // A node's later life may log the same window again: keep each life's own.
                    digests.computeIfAbsent(p.index(), k -> new TreeMap<>()).putIfAbsent(node + "#" + lives, p);
                }
            }
        }
    }
}
