package titan.checker.model;

import java.util.Optional;
import titan.checker.Model;
import titan.checker.Step;
import titan.checker.history.Operation;

/**
 * A lock, as Knossos models it: {@code acquire} is legal only while it is free, {@code release}
 * only while it is held. Which process holds it is not tracked. The state is "held".
 */
public record MutexModel() implements Model<Boolean> {
    @Override
    public String name() {
        return "mutex";
    }

    @Override
    public Boolean init() {
        return Boolean.FALSE;
    }

    @Override
    public Step<Boolean> step(Boolean held, Operation operation) {
        if (operation.f().equals("acquire")) {
            return held ? Step.illegal("acquire while the lock is held") : Step.to(Boolean.TRUE);
        }
        return held ? Step.to(Boolean.FALSE) : Step.illegal("release while the lock is free");
    }

    @Override
    public Optional<String> problemWith(Operation operation) {
        return operation.f().equals("acquire") || operation.f().equals("release") ? Optional.empty()
                : Optional.of("unknown function " + operation.f() + " (expected acquire or release)");
    }

    @Override
    public String describe(Boolean held) {
        return held ? "held" : "free";
    }
}
