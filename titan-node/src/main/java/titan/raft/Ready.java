package titan.raft;

import java.util.List;

/**
 * A batch of work the core hands to its driver. The driver must handle it in this order and then
 * call {@link RaftCore#advance(Ready)}:
 * <ol>
 *   <li>persist {@code snapshotToInstall} (replacing the whole log), {@code hardState} and
 *       {@code entriesToPersist} (which replace any stored entries at the same or higher indexes),
 *       and make them durable with one sync when {@link #mustSync()} — before anything below, so
 *       that no vote or acknowledgement is sent for state that could still be lost (Figure 2);</li>
 *   <li>send {@code messagesToSend} (at most once each; losing one is like a dropped packet);</li>
 *   <li>restore the state machine from {@code snapshotToInstall}, if any, then apply
 *       {@code entriesToApply} in order;</li>
 *   <li>answer reads per {@code readStates} once the state machine has applied their index.</li>
 * </ol>
 * Steps 3 and 4 may start before the sync for the entries to apply that were durable before this
 * Ready ({@link RaftCore#durableIndex()}): they are committed and held here already, so they do not
 * depend on it. While the sync runs, the driver may step the acknowledgements that
 * {@link RaftCore#steppableWhilePending} admits and apply the batches of
 * {@link RaftCore#readyToApply()} (entries to apply and reads only, advanced like any Ready).
 *
 * @param hardState       the hard state to persist, or {@code null} when unchanged
 * @param mustSync        whether step 1 must end with a sync (a new term, vote or entries)
 * @param snapshotToInstall a snapshot received from the leader, or {@code null}
 */
public record Ready(HardState hardState, boolean mustSync, List<Entry> entriesToPersist, Snapshot snapshotToInstall,
                    List<Message> messagesToSend, List<Entry> entriesToApply, List<ReadState> readStates) {
    public Ready {
        entriesToPersist = List.copyOf(entriesToPersist);
        messagesToSend = List.copyOf(messagesToSend);
        entriesToApply = List.copyOf(entriesToApply);
        readStates = List.copyOf(readStates);
    }
}
