package titan.lab.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import titan.nemesis.Fault;
import titan.sim.FaultSchedule;
import titan.nemesis.NetworkFaults;

/**
 * A fault schedule as JSON, so that {@code test.json} holds the exact windows of a (shrunk) run and
 * {@code titan-lab sim --replay} can run it again. One object per window:
 * <pre>
 * {"startMicros":33180,"durationMicros":33349,"fault":"partition-halves"}
 * {"startMicros":37191,"durationMicros":53466,"fault":"links-degraded",
 *  "lossProbability":0.14,"duplicateProbability":0.03,"delayMeanMicros":1961,"jitterMeanMicros":2015}
 * {"startMicros":99373,"durationMicros":42903,"fault":"clock-skew","rate":1.7}
 * </pre>
 * The {@code fault} string is the fault's own {@link Fault#name()}, so the same words appear in
 * histories, traces and here.
 */
public final class FaultScheduleJson {
    private FaultScheduleJson() {}

    public static List<Map<String, Object>> write(FaultSchedule schedule) {
        List<Map<String, Object>> windows = new ArrayList<>();
        for (FaultSchedule.Window w : schedule.windows()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("startMicros", w.startMicros());
            json.put("durationMicros", w.durationMicros());
            json.put("fault", w.fault().name());
            if (w.fault() instanceof Fault.Links links) {
                NetworkFaults n = links.faults();
                json.put("lossProbability", n.lossProbability());
                json.put("duplicateProbability", n.duplicateProbability());
                json.put("delayMeanMicros", n.delayMeanMicros());
                json.put("jitterMeanMicros", n.jitterMeanMicros());
            } else if (w.fault() instanceof Fault.ClockSkew skew) {
                json.put("rate", skew.rate());
            } else if (w.fault() instanceof Fault.Kill k) {
                json.put("downtimeMicros", k.downtimeMicros());
            } else if (w.fault() instanceof Fault.CrashInSync c) {
                json.put("downtimeMicros", c.downtimeMicros());
            } else if (w.fault() instanceof Fault.CrashAfterAck c) {
                json.put("downtimeMicros", c.downtimeMicros());
            } else if (w.fault() instanceof Fault.SlowDisk d) {
                json.put("factor", d.factor());
            }
            windows.add(json);
        }
        return windows;
    }

    /** @throws IllegalArgumentException naming the window that cannot be read */
    public static FaultSchedule read(JsonNode array) {
        if (array == null || !array.isArray()) {
            throw new IllegalArgumentException("\"schedule\" must be a list of fault windows");
        }
        List<FaultSchedule.Window> windows = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode w = array.get(i);
            String where = "schedule window " + (i + 1);
            long start = longField(w, "startMicros", where);
            long duration = longField(w, "durationMicros", where);
            if (start < 0 || duration < 0) {
                throw new IllegalArgumentException(where + ": times must not be negative");
            }
            windows.add(new FaultSchedule.Window(start, duration, fault(w, where)));
        }
        return new FaultSchedule(windows);
    }

    private static Fault fault(JsonNode w, String where) {
        JsonNode name = w.get("fault");
        if (name == null || !name.isTextual()) {
            throw new IllegalArgumentException(where + ": no \"fault\" name");
        }
        String text = name.asText();
        if (text.equals("links-degraded")) {
            return new Fault.Links(new NetworkFaults(doubleField(w, "lossProbability", where),
                    doubleField(w, "duplicateProbability", where), longField(w, "delayMeanMicros", where),
                    longField(w, "jitterMeanMicros", where)));
        }
        if (text.equals("clock-skew")) {
            return new Fault.ClockSkew(doubleField(w, "rate", where));
        }
        for (Fault.PartitionShape shape : Fault.PartitionShape.values()) {
            Fault f = new Fault.Partition(shape);
            if (f.name().equals(text)) {
                return f;
            }
        }
        if (text.equals("transfer-leadership")) {
            return new Fault.TransferLeadership();
        }
        if (text.equals("membership-burst")) {
            return new Fault.MembershipBurst();
        }
        for (Fault.Target target : Fault.Target.values()) {
            for (Fault f : List.of(new Fault.Crash(target), new Fault.Pause(target), new Fault.RemoveMember(target))) {
                if (f.name().equals(text)) {
                    return f;
                }
            }
            if (text.equals(new Fault.SlowDisk(target, 1).name())) {
                return new Fault.SlowDisk(target, (int) longField(w, "factor", where));
            }
            for (boolean overwrite : new boolean[] {false, true}) {
                if (text.equals(new Fault.CrashInSync(target, 0, overwrite).name())) {
                    return new Fault.CrashInSync(target, longField(w, "downtimeMicros", where), overwrite);
                }
            }
            if (text.equals(new Fault.Kill(target, 0).name())) {
                return new Fault.Kill(target, longField(w, "downtimeMicros", where));
            }
            if (text.equals(new Fault.CrashAfterAck(target, 0).name())) {
                return new Fault.CrashAfterAck(target, longField(w, "downtimeMicros", where));
            }
        }
        throw new IllegalArgumentException(where + ": unknown fault \"" + text + "\"");
    }

    private static long longField(JsonNode w, String field, String where) {
        JsonNode v = w == null ? null : w.get(field);
        if (v == null || !v.canConvertToExactIntegral() || !v.canConvertToLong()) {
            throw new IllegalArgumentException(where + ": \"" + field + "\" must be an integer");
        }
        return v.asLong();
    }

    private static double doubleField(JsonNode w, String field, String where) {
        JsonNode v = w.get(field);
        if (v == null || !v.isNumber()) {
            throw new IllegalArgumentException(where + ": \"" + field + "\" must be a number");
        }
        return v.asDouble();
    }

    /** A window in words, e.g. {@code 33.180 ms +33.349 ms partition-halves}. */
    public static String describe(FaultSchedule.Window w) {
        String detail = "";
        if (w.fault() instanceof Fault.Links links) {
            NetworkFaults n = links.faults();
            detail = String.format(Locale.ROOT, " (loss %.0f%%, duplicates %.0f%%, delay %d us + jitter %d us)",
                    n.lossProbability() * 100, n.duplicateProbability() * 100, n.delayMeanMicros(),
                    n.jitterMeanMicros());
        } else if (w.fault() instanceof Fault.ClockSkew skew) {
            detail = String.format(Locale.ROOT, " (one node's clock at %.2fx)", skew.rate());
        }
        return String.format(Locale.ROOT, "%9.3f ms to %9.3f ms  %s%s", w.startMicros() / 1000.0,
                w.endMicros() / 1000.0, w.fault().name(), detail);
    }
}
