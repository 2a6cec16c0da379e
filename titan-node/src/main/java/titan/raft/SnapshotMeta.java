package titan.raft;

/**
 * What a snapshot covers: every entry up to {@code index} (whose term is {@code term}) and the
 * membership in force at that index (§7).
 */
public record SnapshotMeta(long index, long term, Membership membership) {
    public SnapshotMeta {
        if (index < 0 || term < 0 || (index == 0) != (term == 0)) {
            throw new IllegalArgumentException("bad snapshot position " + index + "@" + term);
        }
    }
}
