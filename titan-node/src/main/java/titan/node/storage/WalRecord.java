package titan.node.storage;

import titan.raft.Entry;
import titan.raft.HardState;

/** One decoded write-ahead-log record (layout in {@link WalCodec}). */
public sealed interface WalRecord {
    /** A log entry; it replaces any entry already at its index and every entry after it (§5.3). */
    record EntryRecord(Entry entry) implements WalRecord {}

    /** A hard state; the last one in the log is the current one. */
    record HardStateRecord(HardState hardState) implements WalRecord {}
}
