package titan.lab.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine;

/**
 * Reads a positive duration from the command line: a whole number and a unit, {@code 500ms},
 * {@code 60s}, {@code 5m} or {@code 1h}, at most {@link #HOURS_MAX} hours. A bare number is refused
 * (is {@code 60} seconds or milliseconds?), and so is a number too large for any clock, with the
 * option named, as a usage error (exit code 254), never a stack trace.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    /** The longest duration accepted: far beyond any check or run, far below any overflow. */
    public static final long HOURS_MAX = 1000;

    private static final Pattern DURATION = Pattern.compile("(\\d{1,18})(ms|s|m|h)");

    @Override
    public Duration convert(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.matches("\\d+")) {
            throw new CommandLine.TypeConversionException("needs a unit: " + value + "s, " + value + "ms or " + value
                    + "m, not '" + text + "'");
        }
        Matcher m = DURATION.matcher(value);
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException("must look like 500ms, 60s, 5m or 1h, not '" + text + "'");
        }
        long amount = Long.parseLong(m.group(1));
        long millisMax = HOURS_MAX * 3_600_000;
        long perUnit = switch (m.group(2)) {
            case "ms" -> 1;
            case "s" -> 1_000;
            case "m" -> 60_000;
            default -> 3_600_000;
        };
        if (amount > millisMax / perUnit) {
            throw new CommandLine.TypeConversionException("must be at most " + HOURS_MAX + "h, not '" + text + "'");
        }
        if (amount == 0) {
            throw new CommandLine.TypeConversionException("must be positive, not '" + text + "'");
        }
        return Duration.ofMillis(amount * perUnit);
    }
}
