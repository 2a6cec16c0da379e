package titan.lab.gate;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Which way a figure improves. Taken from its unit unless the figure says so itself. */
public enum Better {
    HIGHER, LOWER;

    private static final Pattern TIME = Pattern.compile("(ns|us|µs|ms|s|sec|seconds|min)(/op)?");
    private static final Pattern RATE = Pattern.compile(".+/(ns|us|µs|ms|s|sec|min)");
    private static final Pattern SIZE_PER_OP = Pattern.compile("(b|kb|mb|bytes)/op");

    /**
     * The direction implied by {@code unit}: a duration (ms, us/op, ...) is better lower, a rate
     * (ops/s, entries/s, ops/ms, ...) higher, bytes per operation lower. Empty for units that do not
     * say (a ratio, a percentage, a count): such a figure needs an explicit {@code better}.
     */
    public static Optional<Better> fromUnit(String unit) {
        if (unit == null) {
            return Optional.empty();
        }
        String u = unit.trim().toLowerCase(Locale.ROOT);
        if (TIME.matcher(u).matches() || SIZE_PER_OP.matcher(u).matches()) {
            return Optional.of(LOWER);
        }
        if (RATE.matcher(u).matches()) {
            return Optional.of(HIGHER);
        }
        return Optional.empty();
    }

    /** Parses {@code higher} or {@code lower}; empty for anything else. */
    public static Optional<Better> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "higher" -> Optional.of(HIGHER);
            case "lower" -> Optional.of(LOWER);
            default -> Optional.empty();
        };
    }
}
