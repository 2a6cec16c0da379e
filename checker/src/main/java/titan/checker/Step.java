package titan.checker;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a {@link Model} says about one operation in one state: it can take effect and leads to a
 * state (which may be null, e.g. an unset register), or it cannot take effect there.
 */
public sealed interface Step<S> {
    static <S> Step<S> to(S state) {
        return new Legal<>(state);
    }

    static <S> Step<S> illegal(String reason) {
        return new Illegal<>(reason);
    }

    /**
     * An illegal step whose reason is built only if someone asks for it. The search meets illegal
     * steps by the million and reports one, so a model should not format values on each of them.
     */
    static <S> Step<S> illegal(Supplier<String> reason) {
        return new Illegal<>(reason);
    }

    /** The operation takes effect and the model moves to {@code state}. */
    record Legal<S>(S state) implements Step<S> {}

    /** The operation cannot take effect in this state; {@link #reason()} says why, for explanations. */
    final class Illegal<S> implements Step<S> {
        private Supplier<String> pending;
        private String reason;

        public Illegal(String reason) {
            this.reason = reason;
        }

        Illegal(Supplier<String> reason) {
            this.pending = Objects.requireNonNull(reason, "reason");
        }

        /** Why the operation cannot take effect; built on the first call when it was given lazily. */
        public synchronized String reason() {
            if (pending != null) {
                reason = pending.get();
                pending = null;
            }
            return reason;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Illegal<?> that && Objects.equals(reason(), that.reason());
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(reason());
        }

        @Override
        public String toString() {
            return "Illegal[reason=" + reason() + "]";
        }
    }
}
