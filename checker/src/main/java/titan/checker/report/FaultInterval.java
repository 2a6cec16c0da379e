package titan.checker.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import titan.checker.history.Event;
import titan.checker.history.History;

/**
 * A stretch of the history during which the nemesis had a fault in place, for shading.
 * <p>Read from nemesis events by name: {@code start} or {@code start-X} opens fault X,
 * {@code stop} or {@code stop-X} closes it, {@code heal}/{@code heal-all} close every open fault.
 * Jepsen records a fault's start and stop each as a pair of info events (when asked and when done),
 * so consecutive stops of one fault extend the interval to the last of them, and repeated starts
 * of an open fault do not reopen it. A fault never stopped lasts to the end of the history.
 *
 * @param name       the fault, e.g. {@code partition}; empty for a bare {@code start}
 * @param startEvent event index of the first start
 * @param endEvent   event index of the last stop, or the number of events when it was never stopped
 */
record FaultInterval(String name, int startEvent, int endEvent) {

    static List<FaultInterval> of(History history) {
        List<Event> events = history.events();
        Map<String, Integer> openSince = new LinkedHashMap<>();
        Map<String, Integer> lastStop = new LinkedHashMap<>();
        List<FaultInterval> intervals = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            if (!event.isNemesis()) {
                continue;
            }
            String f = event.f();
            if (f.equals("heal") || f.equals("heal-all")) {
                for (String name : List.copyOf(openSince.keySet())) {
                    lastStop.putIfAbsent(name, i); // a fault already stopped ended there
                    close(name, openSince, lastStop, intervals);
                }
            } else if (f.equals("start") || f.startsWith("start-")) {
                String name = suffix(f);
                if (lastStop.containsKey(name)) {
                    close(name, openSince, lastStop, intervals); // a new start after a stop: a new interval
                }
                openSince.putIfAbsent(name, i);
            } else if ((f.equals("stop") || f.startsWith("stop-")) && openSince.containsKey(suffix(f))) {
                lastStop.put(suffix(f), i);
            }
        }
        for (String name : List.copyOf(openSince.keySet())) {
            lastStop.putIfAbsent(name, events.size());
            close(name, openSince, lastStop, intervals);
        }
        intervals.sort(java.util.Comparator.comparingInt(FaultInterval::startEvent));
        return intervals;
    }

    private static String suffix(String f) {
        int dash = f.indexOf('-');
        return dash < 0 ? "" : f.substring(dash + 1);
    }

    private static void close(String name, Map<String, Integer> openSince, Map<String, Integer> lastStop,
                              List<FaultInterval> intervals) {
        intervals.add(new FaultInterval(name, openSince.remove(name), lastStop.remove(name)));
    }
}
