package titan.checker;

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

    /** The operation takes effect and the model moves to {@code state}. */
    record Legal<S>(S state) implements Step<S> {}

    /** The operation cannot take effect in this state; {@code reason} says why, for explanations. */
    record Illegal<S>(String reason) implements Step<S> {}
}
