package titan.lab.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import titan.checker.history.Event;
import titan.checker.history.History;

/**
 * A stretch of the test during which the nemesis had a fault in place, in test time, for shading.
 * <p>Read from nemesis events by name, as the checker's timeline reads them: {@code start-X} (or
 * {@code start}) opens fault X, {@code stop-X} (or {@code stop}) closes it, {@code heal}/{@code heal-all}
 * close every open fault. Repeated stops of one fault extend it to the last (Jepsen records a
 * fault's start and stop each as a pair of events: an invoke, then an info); a repeated start
 * keeps the first one's time and takes the later one's value (what the nemesis did); a start
 * after a stop opens a new span; a fault
 * never stopped lasts to the end of the test ({@code open}). Nemesis events without a time are skipped.
 *
 * @param name       the fault, e.g. {@code partition}; empty for a bare {@code start}
 * @param detail     the start event's value (e.g. {@code "n1 | n2 n3"}), or empty
 * @param startNanos test time of the start
 * @param endNanos   test time of the last stop, or of the test's end when {@code open}
 * @param open       whether the fault was never stopped
 */
record FaultSpan(String name, String detail, long startNanos, long endNanos, boolean open) {

    /** The label drawn on a chart: the fault's name, or "fault". */
    String label() {
        return name.isEmpty() ? "fault" : name;
    }

    static List<FaultSpan> of(History history, long testEndNanos) {
        Map<String, Event> openSince = new LinkedHashMap<>();
        Map<String, Long> lastStop = new LinkedHashMap<>();
        List<FaultSpan> spans = new ArrayList<>();
        for (Event event : history.events()) {
            if (!event.isNemesis() || event.timeNanos() == Event.TIME_UNKNOWN) {
                continue;
            }
            String f = event.f();
            if (f.equals("heal") || f.equals("heal-all")) {
                for (String name : List.copyOf(openSince.keySet())) {
                    lastStop.putIfAbsent(name, event.timeNanos());
                    close(name, openSince, lastStop, spans, false);
                }
            } else if (f.equals("start") || f.startsWith("start-")) {
                String name = suffix(f);
                if (lastStop.containsKey(name)) {
                    close(name, openSince, lastStop, spans, false);
                }
                Event since = openSince.get(name);
                if (since == null) {
                    openSince.put(name, event);
                } else if (event.value() != null) {
                    // The nemesis's info after its invoke: the span starts at the invoke and says what was done.
                    openSince.put(name, new Event(since.process(), since.type(), since.f(), since.key(), event.value(),
                            since.timeNanos(), since.node(), since.error()));
                }
            } else if ((f.equals("stop") || f.startsWith("stop-")) && openSince.containsKey(suffix(f))) {
                lastStop.put(suffix(f), event.timeNanos());
            }
        }
        for (String name : List.copyOf(openSince.keySet())) {
            boolean never = !lastStop.containsKey(name);
            lastStop.putIfAbsent(name, Math.max(testEndNanos, openSince.get(name).timeNanos()));
            close(name, openSince, lastStop, spans, never);
        }
        spans.sort(java.util.Comparator.comparingLong(FaultSpan::startNanos));
        return spans;
    }

    private static String suffix(String f) {
        int dash = f.indexOf('-');
        return dash < 0 ? "" : f.substring(dash + 1);
    }

    private static void close(String name, Map<String, Event> openSince, Map<String, Long> lastStop,
                              List<FaultSpan> spans, boolean open) {
        Event start = openSince.remove(name);
        long end = Math.max(start.timeNanos(), lastStop.remove(name));
        spans.add(new FaultSpan(name, start.value() == null ? "" : String.valueOf(start.value()),
                start.timeNanos(), end, open));
    }
}
