package titan.checker.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import titan.checker.Step;
import titan.checker.history.Operation;
import titan.checker.history.ValueText;

/**
 * The semantics of one register (the state is its value, null while unset), the one implementation
 * behind {@link RegisterFamily}: shared by {@link RegisterModel}, {@link CasRegisterModel} and
 * {@link KvModel} (one register per key).
 */
final class RegisterRules {
    private final Set<String> functions;
    private final NilRead nilRead;

    RegisterRules(Set<String> functions, NilRead nilRead) {
        this.functions = functions;
        this.nilRead = Objects.requireNonNull(nilRead, "nilRead");
    }

    private static final RegisterRules[] REGISTER = byNilRead(Set.of("read", "write"));
    private static final RegisterRules[] CAS_REGISTER = byNilRead(Set.of("read", "write", "cas"));
    private static final RegisterRules[] KV = byNilRead(Set.of("read", "write", "cas", "append", "delete"));

    /** The rules of one of the register models, built once per model class and nil meaning. */
    static RegisterRules of(RegisterFamily model) {
        int mode = model.nilRead().ordinal();
        if (model instanceof KvModel) {
            return KV[mode];
        }
        return model instanceof CasRegisterModel ? CAS_REGISTER[mode] : REGISTER[mode];
    }

    private static RegisterRules[] byNilRead(Set<String> functions) {
        NilRead[] modes = NilRead.values();
        RegisterRules[] rules = new RegisterRules[modes.length];
        for (NilRead mode : modes) {
            rules[mode.ordinal()] = new RegisterRules(functions, mode);
        }
        return rules;
    }

    Optional<String> problemWith(Operation op) {
        if (!functions.contains(op.f())) {
            return Optional.of("unknown function " + op.f() + " (expected one of " + String.join(", ", functions) + ")");
        }
        if (op.f().equals("cas") && !(op.value() instanceof List<?> pair && pair.size() == 2)) {
            return Optional.of("a cas value must be [expected, new], found " + ValueText.of(op.value()));
        }
        if (op.f().equals("append") && !(op.value() instanceof String)) {
            return Optional.of("an append value must be a string, found " + ValueText.of(op.value()));
        }
        return Optional.empty();
    }

    /** A read with no known result changes nothing and is legal everywhere. */
    boolean isInert(Operation op) {
        return op.f().equals("read")
                && (!op.isOk() || (op.value() == null && nilRead == NilRead.UNKNOWN));
    }

    /**
     * A read never changes the value, and a failed cas (kept only with FailedCas.READ_DIFFERENT) is
     * a read of some other value: both are legal in some states and change none.
     */
    boolean isReadOnly(Operation op) {
        return op.f().equals("read") || (op.f().equals("cas") && op.outcome() == Operation.Outcome.FAIL);
    }

    Step<Object> step(Object current, Operation op) {
        Object value = op.value();
        switch (op.f()) {
            case "read":
                if (!op.isOk() || Objects.equals(current, value) || (value == null && nilRead == NilRead.UNKNOWN)) {
                    return Step.to(current);
                }
                return Step.illegal(() -> "read " + ValueText.of(value) + " but the value is " + ValueText.of(current));
            case "write":
                return Step.to(value);
            case "delete":
                return Step.to(null);
            case "append":
                if (current != null && !(current instanceof String)) {
                    return Step.illegal(() -> "append to the non-string value " + ValueText.of(current));
                }
                return Step.to(current == null ? value : (String) current + value);
            case "cas": {
                List<?> pair = (List<?>) value;
                boolean matches = Objects.equals(current, pair.get(0));
                if (op.outcome() == Operation.Outcome.FAIL) {
                    // Porcupine's reading of a failed cas: it saw some other value (FailedCas.READ_DIFFERENT).
                    return matches ? Step.illegal(() -> "cas failed but the value was " + ValueText.of(current))
                            : Step.to(current);
                }
                return matches ? Step.to(pair.get(1))
                        : Step.illegal(() -> "cas expected " + ValueText.of(pair.get(0)) + " but the value is "
                                + ValueText.of(current));
            }
            default:
                throw new IllegalStateException("unchecked function " + op.f());
        }
    }
}
