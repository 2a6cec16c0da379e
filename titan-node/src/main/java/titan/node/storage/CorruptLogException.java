package titan.node.storage;

/**
 * Stored data is damaged in a way a crash cannot explain: a bad record followed by valid ones, a
 * record whose checksum holds but whose content is impossible, or a damaged snapshot file. The
 * store refuses to start rather than silently drop acknowledged entries; an operator must decide
 * (for example restore the node from its peers).
 */
public final class CorruptLogException extends StorageException {
    private final String source;
    private final long offset;

    public CorruptLogException(String source, long offset, String problem) {
        super(source + " is corrupt at offset " + offset + ": " + problem);
        this.source = source;
        this.offset = offset;
    }

    /** The file (or simulated disk) that holds the damage. */
    public String source() {
        return source;
    }

    /** The byte offset of the first damaged record. */
    public long offset() {
        return offset;
    }
}
