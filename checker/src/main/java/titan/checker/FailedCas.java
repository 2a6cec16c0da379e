package titan.checker;

/**
 * What a definitely failed compare-and-set tells the checker.
 * <p>Jepsen's rule, {@link #DID_NOT_HAPPEN}, is the default: a {@code fail} is dropped like every
 * other failed operation. {@link #READ_DIFFERENT} keeps a failed cas as an operation that
 * observed a value other than the expected one (the way Porcupine's models treat it), which finds
 * more bugs when the store reports cas mismatches truthfully, and wrong ones when it does not.
 */
public enum FailedCas {
    /** A failed cas did not happen and says nothing (Jepsen, Knossos). The default. */
    DID_NOT_HAPPEN,
    /** A failed cas read, at some instant between call and completion, a value other than its expected one. */
    READ_DIFFERENT
}
