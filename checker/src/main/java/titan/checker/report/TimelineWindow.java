package titan.checker.report;

import java.util.ArrayList;
import java.util.List;
import titan.checker.CheckResult;
import titan.checker.PartitionResult;
import titan.checker.history.History;
import titan.checker.history.Operation;

/**
 * Which operations of a partition the timeline draws: at most {@code operationsMax} of them, so a
 * page for a history of any length stays small and a browser can draw it.
 * <p>The partition's operations are those the search ordered plus, for context, the ones it had no
 * reason to order but that belong to the same partition: failed operations and reads whose result
 * is unknown (they cannot constrain the order, but a reader expects to see them). The window is a
 * run of consecutive operations in call order around the focus (the operation that cannot be
 * linearized), three quarters of it before the focus because the history leading up to a failure
 * explains it. Operations called before the window but still open when it begins are drawn too,
 * clipped at the left edge, since they may take effect inside it.
 *
 * @param operations    what to draw: the carried-in operations, then the window, in call order
 * @param searched      indexed by operation id: whether the search ordered it (else it is context)
 * @param firstPosition 1-based position of the window's first operation in the partition, call order
 * @param lastPosition  1-based position of the window's last operation
 * @param partitionSize the partition's operations, context included
 * @param carriedIn     how many operations at the start of {@code operations} were called before the window
 * @param focus         the operation the window is centred on, or null for an empty partition
 */
record TimelineWindow(List<Operation> operations, boolean[] searched, int firstPosition, int lastPosition,
                      int partitionSize, int carriedIn, Operation focus) {

    /** Whether some of the partition's operations are not drawn. */
    boolean truncated() {
        return operations.size() - carriedIn < partitionSize;
    }

    /** Whether {@code op} was called before the window began. */
    boolean isCarriedIn(Operation op) {
        return carriedIn > 0 && op.callIndex() < operations.get(carriedIn).callIndex();
    }

    static TimelineWindow around(CheckResult result, PartitionResult partition, History history, int operationsMax) {
        boolean[] searched = searched(result, history);
        List<Operation> all = partitionOperations(result, partition, history, searched);
        Operation focus = focus(partition, all);
        if (all.isEmpty()) {
            return new TimelineWindow(List.of(), searched, 0, 0, 0, 0, null);
        }
        int focusAt = indexOf(all, focus);
        int from = Math.max(0, Math.min(focusAt - operationsMax * 3 / 4, all.size() - operationsMax));
        int to = Math.min(all.size(), from + operationsMax);
        List<Operation> carried = new ArrayList<>(carriedIn(all, from, operationsMax / 5));
        keepLastLinearized(partition, all, from, carried);
        List<Operation> shown = new ArrayList<>(carried.size() + to - from);
        shown.addAll(carried);
        shown.addAll(all.subList(from, to));
        return new TimelineWindow(List.copyOf(shown), searched, from + 1, to, all.size(), carried.size(), focus);
    }

    /** Marks every operation some partition searched; the others are failed or inert ones. */
    private static boolean[] searched(CheckResult result, History history) {
        boolean[] searched = new boolean[history.operations().size()];
        for (PartitionResult p : result.partitions()) {
            for (Operation op : p.operations()) {
                if (op.id() >= searched.length || history.operations().get(op.id()).callIndex() != op.callIndex()) {
                    throw new IllegalArgumentException("the result is not the result of checking " + history.source()
                            + ": it has operation " + op.id() + " (" + op.describe() + ") that the history does not");
                }
                searched[op.id()] = true;
            }
        }
        return searched;
    }

    /**
     * The partition's searched operations and the unsearched ones that belong with it. Which
     * unsearched operation belongs where is a guess from its key (the kv model partitions by key,
     * keyless operations going to the partition named ""); an unpartitioned history gets them all.
     */
    private static List<Operation> partitionOperations(CheckResult result, PartitionResult partition, History history,
                                                       boolean[] searched) {
        boolean[] in = new boolean[searched.length];
        for (Operation op : partition.operations()) {
            in[op.id()] = true;
        }
        boolean whole = result.partitions().size() == 1 && partition.name().isEmpty();
        List<Operation> all = new ArrayList<>();
        for (Operation op : history.operations()) {
            boolean context = !searched[op.id()]
                    && (whole || partition.name().equals(op.key() == null ? "" : op.key()));
            if (in[op.id()] || context) {
                all.add(op); // history order is call order
            }
        }
        return all;
    }

    /** The failing operation; else, for an unfinished search, the end of the order found so far. */
    private static Operation focus(PartitionResult partition, List<Operation> all) {
        if (partition.failingOperation() != null) {
            return partition.failingOperation();
        }
        List<Integer> order = partition.linearization();
        if (!order.isEmpty()) {
            int last = order.get(order.size() - 1);
            for (Operation op : all) {
                if (op.id() == last) {
                    return op;
                }
            }
        }
        return all.isEmpty() ? null : all.get(0);
    }

    private static int indexOf(List<Operation> all, Operation focus) {
        int low = 0;
        int high = all.size() - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int id = all.get(mid).id();
            if (id == focus.id()) {
                return mid;
            }
            if (id < focus.id()) {
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return 0;
    }

    /**
     * The last operation of the order found stays in view even when the window starts after it,
     * drawn at the left edge like an operation carried in, so the page shows where the order stops.
     */
    private static void keepLastLinearized(PartitionResult partition, List<Operation> all, int from,
                                           List<Operation> carried) {
        List<Integer> order = partition.linearization();
        if (order.isEmpty() || from == 0) {
            return;
        }
        int last = order.get(order.size() - 1);
        for (int i = 0; i < from; i++) {
            Operation op = all.get(i);
            if (op.id() == last) {
                if (!carried.contains(op)) {
                    carried.add(op);
                    carried.sort(java.util.Comparator.comparingInt(Operation::callIndex));
                }
                return;
            }
        }
    }

    /** Up to {@code countMax} operations before {@code from} still open when it is called, the latest ones. */
    private static List<Operation> carriedIn(List<Operation> all, int from, int countMax) {
        if (from == 0 || countMax == 0) {
            return List.of();
        }
        int windowStart = all.get(from).callIndex();
        List<Operation> carried = new ArrayList<>();
        for (int i = from - 1; i >= 0 && carried.size() < countMax; i--) {
            Operation op = all.get(i);
            if (op.completionIndex() < 0 || op.completionIndex() > windowStart) {
                carried.add(0, op);
            }
        }
        return carried;
    }
}
