package titan.checker;

/** The answer of a check. */
public enum Verdict {
    /** There is an order of the operations, consistent with real time, that the model accepts. */
    VALID,
    /** There is none: the history is not linearizable. */
    INVALID,
    /** The checker gave up (deadline, memory bound) before it knew; it never guesses. */
    UNKNOWN
}
