package titan.node.storage;

import java.util.Locale;

/**
 * What an emulated power failure ({@link FileLogStore#losePower}) keeps of the writes not yet
 * forced. A real disk may keep any prefix of them, torn anywhere (LazyFS's "lose unsynced" and
 * "torn" faults); recovery must cope with each.
 */
public enum PowerCut {
    /** Nothing of the unsynced tail survives. */
    LOSE_TAIL("lose-tail"),
    /** A random prefix of whole records survives (the {@link LogStore} contract's "prefix of the writes"). */
    TORN_RECORDS("torn-records"),
    /** A random prefix of bytes survives, usually cutting a record in two (a torn tail for recovery). */
    TORN_BYTES("torn-bytes"),
    /**
     * The whole records written before the tail's first entry record survive, nothing from it on:
     * the torn-records cut a power failure may choose, taken where a batch's hard state meets its
     * entries. Everything survives when the tail holds no entry.
     */
    BEFORE_ENTRIES("before-entries");

    private final String flag;

    PowerCut(String flag) {
        this.flag = flag;
    }

    public String flag() {
        return flag;
    }

    /** Parses a {@link #flag()}; throws {@link IllegalArgumentException} naming the known ones. */
    public static PowerCut fromFlag(String text) {
        for (PowerCut cut : values()) {
            if (cut.flag.equals(text.trim().toLowerCase(Locale.ROOT))) {
                return cut;
            }
        }
        throw new IllegalArgumentException("unknown power cut '" + text + "'; known: lose-tail, torn-records, torn-bytes, before-entries");
    }
}
