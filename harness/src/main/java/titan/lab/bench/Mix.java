package titan.lab.bench;

import java.util.Locale;

/**
 * The read/write mix: {@code writes} (every request a put), {@code reads} (every request a
 * linearizable get), or {@code W:R} in parts, e.g. {@code 50:50} or {@code 90:10}.
 */
public record Mix(double writeFraction) {
    public Mix {
        if (!(writeFraction >= 0 && writeFraction <= 1)) {
            throw new IllegalArgumentException("the write fraction must be between 0 and 1, not " + writeFraction);
        }
    }

    public static Mix parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "writes":
                return new Mix(1);
            case "reads":
                return new Mix(0);
            default:
                break;
        }
        String[] parts = t.split(":");
        try {
            if (parts.length == 2) {
                double w = Double.parseDouble(parts[0]);
                double r = Double.parseDouble(parts[1]);
                if (w >= 0 && r >= 0 && w + r > 0) {
                    return new Mix(w / (w + r));
                }
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("the mix must be writes, reads or W:R such as 50:50, not '" + text + "'");
    }

    public boolean hasReads() {
        return writeFraction < 1;
    }

    @Override
    public String toString() {
        if (writeFraction == 1) {
            return "writes";
        }
        if (writeFraction == 0) {
            return "reads";
        }
        long w = Math.round(writeFraction * 100);
        return w + ":" + (100 - w);
    }
}
