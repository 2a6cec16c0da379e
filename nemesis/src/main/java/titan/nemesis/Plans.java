package titan.nemesis;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * Turns a fault's shape into concrete nodes and links when it starts, for any runtime that names
 * its nodes with strings: which directed links a partition cuts, which nodes a target hits. Pure:
 * the nodes, the current leader and the random stream are arguments.
 */
public final class Plans {
    private Plans() {}

    /** One directed link, {@code from -> to}: traffic that {@code from} sends to {@code to}. */
    public record Link(String from, String to) implements Comparable<Link> {
        @Override
        public int compareTo(Link other) {
            int c = from.compareTo(other.from);
            return c != 0 ? c : to.compareTo(other.to);
        }

        @Override
        public String toString() {
            return from + "->" + to;
        }
    }

    /** The links to cut and a description for the history, e.g. {@code n1 n3 | n2}. */
    public record Cut(Set<Link> links, String description) {
        public Cut {
            links = Set.copyOf(links);
        }
    }

    /**
     * The links a partition of {@code shape} cuts, or empty when it cannot apply now (no leader to
     * isolate, too few nodes for a bridge).
     */
    public static Optional<Cut> partition(Fault.PartitionShape shape, List<String> nodes, Optional<String> leader,
                                          RandomGenerator random) {
        List<String> ids = shuffled(nodes, random);
        int n = ids.size();
        if (n < 2) {
            return Optional.empty();
        }
        switch (shape) {
            case HALVES: {
                List<Set<String>> groups = List.of(new TreeSet<>(ids.subList(0, n / 2)), new TreeSet<>(ids.subList(n / 2, n)));
                return Optional.of(new Cut(between(groups), describe(groups)));
            }
            case ISOLATE_ONE:
                return Optional.of(isolate(ids.get(0), ids, ""));
            case ISOLATE_LEADER:
                return leader.filter(ids::contains).map(l -> isolate(l, ids, " (leader isolated)"));
            case MAJORITIES_RING: {
                if (n < 3) {
                    return Optional.empty();
                }
                // Jepsen's majorities-ring: in a random ring each node keeps links only to its nearest
                // neighbours, enough to see a majority, so no two nodes see the same majority.
                Set<Link> kept = new TreeSet<>();
                int reach = (n / 2 + 1) / 2;
                for (int i = 0; i < n; i++) {
                    for (int d = 1; d <= reach; d++) {
                        String a = ids.get(i);
                        String b = ids.get((i + d) % n);
                        kept.add(new Link(a, b));
                        kept.add(new Link(b, a));
                    }
                }
                Set<Link> cut = new TreeSet<>(all(ids));
                cut.removeAll(kept);
                return Optional.of(new Cut(cut, "ring " + String.join(" ", ids)));
            }
            case BRIDGE: {
                if (n < 3) {
                    return Optional.empty();
                }
                // Two halves that only one node, the bridge, talks to both of.
                String bridge = ids.get(0);
                int half = (n - 1) / 2;
                List<Set<String>> groups = List.of(new TreeSet<>(ids.subList(1, 1 + half)),
                        new TreeSet<>(ids.subList(1 + half, n)));
                return Optional.of(new Cut(between(groups), describe(groups) + " (bridge " + bridge + ")"));
            }
            case ONE_WAY:
                return Optional.of(new Cut(Set.of(new Link(ids.get(0), ids.get(1))), ids.get(0) + " -/-> " + ids.get(1)));
            default:
                throw new IllegalStateException("unknown shape " + shape);
        }
    }

    /**
     * The nodes {@code target} hits, sorted; empty when it cannot apply now (no leader). A minority
     * is at least one node and fewer than half; a majority is more than half.
     */
    public static Set<String> targets(Fault.Target target, List<String> nodes, Optional<String> leader,
                                      RandomGenerator random) {
        List<String> ids = shuffled(nodes, random);
        int n = ids.size();
        return switch (target) {
            case ONE -> new TreeSet<>(ids.subList(0, Math.min(1, n)));
            case LEADER -> leader.filter(ids::contains).map(l -> (Set<String>) new TreeSet<>(Set.of(l)))
                    .orElseGet(TreeSet::new);
            case MINORITY -> new TreeSet<>(ids.subList(0, Math.min(n, Math.max(1, (n - 1) / 2))));
            case MAJORITY -> new TreeSet<>(ids.subList(0, Math.min(n, n / 2 + 1)));
            case ALL -> new TreeSet<>(ids);
        };
    }

    /** Every directed link among {@code nodes}. */
    public static Set<Link> all(List<String> nodes) {
        Set<Link> links = new TreeSet<>();
        for (String a : nodes) {
            for (String b : nodes) {
                if (!a.equals(b)) {
                    links.add(new Link(a, b));
                }
            }
        }
        return links;
    }

    private static Cut isolate(String node, List<String> ids, String note) {
        Set<String> rest = new TreeSet<>(ids);
        rest.remove(node);
        List<Set<String>> groups = List.of(Set.of(node), rest);
        return new Cut(between(groups), describe(groups) + note);
    }

    private static Set<Link> between(List<Set<String>> groups) {
        Set<Link> links = new TreeSet<>();
        for (Set<String> a : groups) {
            for (Set<String> b : groups) {
                if (a != b) {
                    for (String x : a) {
                        for (String y : b) {
                            links.add(new Link(x, y));
                        }
                    }
                }
            }
        }
        return links;
    }

    private static String describe(List<Set<String>> groups) {
        List<String> parts = new ArrayList<>();
        groups.forEach(g -> parts.add(String.join(" ", g)));
        return String.join(" | ", parts);
    }

    private static List<String> shuffled(List<String> nodes, RandomGenerator random) {
        List<String> ids = new ArrayList<>(new LinkedHashSet<>(nodes));
        ids.sort(null); // the input order must not matter, only the seed
        for (int i = ids.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            String t = ids.get(i);
            ids.set(i, ids.get(j));
            ids.set(j, t);
        }
        return ids;
    }
}
