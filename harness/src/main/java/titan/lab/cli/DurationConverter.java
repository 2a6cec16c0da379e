package titan.lab.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

import picocli.CommandLine;

/**
 * Reads a positive duration from the command line: {@code 500ms}, {@code 60s}, {@code 5m},
 * {@code 1h}, a bare number of seconds, or ISO-8601 ({@code PT1M}). picocli reports a bad value
 * as a usage error (exit code 254) naming the option.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        Duration parsed;
        try {
            if (value.startsWith("pt")) {
                parsed = Duration.parse(value);
            } else if (value.endsWith("ms")) {
                parsed = Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            } else if (value.endsWith("s")) {
                parsed = Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
            } else if (value.endsWith("m")) {
                parsed = Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
            } else if (value.endsWith("h")) {
                parsed = Duration.ofHours(Long.parseLong(value.substring(0, value.length() - 1)));
            } else {
                parsed = Duration.ofSeconds(Long.parseLong(value));
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new CommandLine.TypeConversionException("must look like 500ms, 60s or 5m, not '" + text + "'");
        }
        if (parsed.isNegative() || parsed.isZero()) {
            throw new CommandLine.TypeConversionException("must be positive, not '" + text + "'");
        }
        return parsed;
    }
}
