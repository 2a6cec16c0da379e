package titan.checker.model;

import java.util.Optional;
import titan.checker.Model;
import titan.checker.Step;
import titan.checker.history.Operation;

/**
 * The one implementation of the register models ({@link RegisterModel}, {@link CasRegisterModel},
 * {@link KvModel}): they differ only in the functions they accept, their initial value, their
 * name and their partitioning, and take their semantics from here and {@link RegisterRules}.
 */
interface RegisterFamily extends Model<Object> {
    /** What an OK read of nil means. */
    NilRead nilRead();

    @Override
    default Step<Object> step(Object state, Operation operation) {
        return RegisterRules.of(this).step(state, operation);
    }

    @Override
    default Optional<String> problemWith(Operation operation) {
        return RegisterRules.of(this).problemWith(operation);
    }

    @Override
    default boolean isInert(Operation operation) {
        return RegisterRules.of(this).isInert(operation);
    }

    @Override
    default boolean isReadOnly(Operation operation) {
        return RegisterRules.of(this).isReadOnly(operation);
    }
}
