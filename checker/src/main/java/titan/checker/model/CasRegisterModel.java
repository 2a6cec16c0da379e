package titan.checker.model;

import java.util.Objects;

/**
 * One register (read, write, cas), not partitioned: keys, if any, are ignored.
 *
 * @param initial the value before any operation (null: unset)
 * @param nilRead what an OK read of nil means; {@link NilRead#ABSENT} for this lab's histories
 */
public record CasRegisterModel(Object initial, NilRead nilRead) implements RegisterFamily {
    public CasRegisterModel {
        Objects.requireNonNull(nilRead, "nilRead");
    }

    /** Unset at first, and a nil read means "unset": the lab's native histories. */
    public CasRegisterModel() {
        this(null, NilRead.ABSENT);
    }

    /** Knossos's {@code (cas-register initial)}: a nil read is legal in any state. */
    public static CasRegisterModel knossos(Object initial) {
        return new CasRegisterModel(initial, NilRead.UNKNOWN);
    }

    @Override
    public String name() {
        return "cas-register";
    }

    @Override
    public Object init() {
        return initial;
    }
}
