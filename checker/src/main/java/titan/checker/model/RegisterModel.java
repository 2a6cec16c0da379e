package titan.checker.model;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import titan.checker.Model;
import titan.checker.Step;
import titan.checker.history.Operation;

/**
 * One register (read, write), not partitioned: keys, if any, are ignored.
 *
 * @param initial the value before any operation (null: unset)
 * @param nilRead what an OK read of nil means; {@link NilRead#ABSENT} for this lab's histories
 */
public record RegisterModel(Object initial, NilRead nilRead) implements Model<Object> {
    private static final Set<String> FUNCTIONS = Set.of("read", "write");
    private static final RegisterRules[] RULES = RegisterRules.byNilRead(FUNCTIONS);

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

    private RegisterRules rules() {
        return RULES[nilRead.ordinal()];
    }

    @Override
    public String name() {
        return "register";
    }

    @Override
    public Object init() {
        return initial;
    }

    @Override
    public Step<Object> step(Object state, Operation operation) {
        return rules().step(state, operation);
    }

    @Override
    public Optional<String> problemWith(Operation operation) {
        return rules().problemWith(operation);
    }

    @Override
    public boolean isInert(Operation operation) {
        return rules().isInert(operation);
    }

    @Override
    public boolean isReadOnly(Operation operation) {
        return rules().isReadOnly(operation);
    }
}
