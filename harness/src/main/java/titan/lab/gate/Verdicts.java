package titan.lab.gate;

import java.util.Locale;

/** Correctness verdicts in order of badness: valid, unknown, invalid (the lab's exit codes 0, 2, 1; README.md). */
final class Verdicts {
    private Verdicts() {
    }

    static int rank(String verdict, String source) {
        return switch (verdict.toLowerCase(Locale.ROOT)) {
            case "valid", "ok", "pass" -> 0;
            case "unknown" -> 1;
            case "invalid", "fail" -> 2;
            default -> throw new IllegalArgumentException(source + ": unknown verdict '" + verdict
                    + "' (expected valid, unknown or invalid)");
        };
    }
}
