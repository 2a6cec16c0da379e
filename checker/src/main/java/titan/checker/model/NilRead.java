package titan.checker.model;

/**
 * What an OK read of nil says about a register.
 * <p>In this lab's own histories a read returns null when the key is absent, so
 * {@link #ABSENT} holds: the read is legal only while the register is unset. Knossos and Jepsen's
 * register tests use nil for "value not known" instead, and Knossos's cas-register model accepts a
 * nil read in any state; {@link #UNKNOWN} reproduces that, so the Knossos test histories keep the
 * verdicts Knossos gives them.
 */
public enum NilRead {
    /** A nil read means "no value": legal only while the register is unset. The lab's native meaning. */
    ABSENT,
    /** A nil read means "not known": legal in every state (Knossos, Jepsen EDN histories). */
    UNKNOWN
}
