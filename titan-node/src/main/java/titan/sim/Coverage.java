package titan.sim;

/**
 * What a run actually exercised, counted as it happened, so that a swarm can show its faults and
 * recovery paths were reached (a fault schedule that never tears a record proves nothing about
 * torn records).
 *
 * @param faults           fault windows that started and did something
 * @param crashes          node crashes (power loss)
 * @param tornTails        restarts whose disk recovery cut off a torn last record
 * @param elections        leaders elected
 * @param snapshotsInstalled snapshots a follower received from its leader and installed
 * @param membershipChanges membership entries applied by the leader that proposed them
 */
public record Coverage(long faults, long crashes, long tornTails, long elections, long snapshotsInstalled,
                       long membershipChanges) {
    public static final Coverage NONE = new Coverage(0, 0, 0, 0, 0, 0);

    public Coverage plus(Coverage o) {
        return new Coverage(faults + o.faults, crashes + o.crashes, tornTails + o.tornTails,
                elections + o.elections, snapshotsInstalled + o.snapshotsInstalled,
                membershipChanges + o.membershipChanges);
    }
}
