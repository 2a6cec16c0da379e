package titan.checker.model;

import java.util.Objects;

/**
 * One register (read, write), not partitioned: keys, if any, are ignored.
 *
 * @param initial the value before any operation (null: unset)
 * @param nilRead what an OK read of nil means; {@link NilRead#ABSENT} for this lab's histories
 */
public record RegisterModel(Object initial, NilRead nilRead) implements RegisterFamily {
    public RegisterModel {
        Objects.requireNonNull(nilRead, "nilRead");
    }

    /** Unset at first, and a nil read means "unset": the lab's native histories. */
    public RegisterModel() {
        this(null, NilRead.ABSENT);
    }

    /** Knossos's {@code (register initial)}: a nil read is legal in any state. */
    public static RegisterModel knossos(Object initial) {
        return new RegisterModel(initial, NilRead.UNKNOWN);
    }

    @Override
    public String name() {
        return "register";
    }

    @Override
    public Object init() {
        return initial;
    }
}
