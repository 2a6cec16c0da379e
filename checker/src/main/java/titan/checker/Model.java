package titan.checker;

import java.util.List;
import java.util.Optional;
import titan.checker.history.Operation;
import titan.checker.history.ValueText;

/**
 * A sequential specification: what a single correct copy of the system would do. The checker asks
 * whether a history's operations can be put in an order, consistent with real time, in which every
 * operation is legal in the state the previous ones left.
 * <p>States must be immutable values with {@code equals} and {@code hashCode} (records, strings,
 * boxed numbers, immutable collections, or null): the search remembers (linearized set, state)
 * pairs it has seen, after Lowe. {@link #step} must be a pure function of its arguments; the search
 * may call it from several threads (one per partition) and caches its answers.
 *
 * @param <S> the state type
 */
public interface Model<S> {
    /** A short name for reports, e.g. {@code cas-register}. */
    String name();

    /** The state before any operation. */
    S init();

    /**
     * The effect of {@code operation} in {@code state}. The operation's outcome is {@code OK} (its
     * result is in {@link Operation#value()}), {@code UNKNOWN} (no result: it may take effect or
     * not; the search tries both, so a model only says what happens <em>if</em> it does), or
     * {@code FAIL} for a failed cas when {@link CheckOptions#failedCas()} asks to keep those.
     * Must not throw for an operation that {@link #problemWith} accepts.
     */
    Step<S> step(S state, Operation operation);

    /**
     * Why this model cannot check {@code operation} (an unknown function, a malformed value), or
     * empty when it can. The checker refuses a history with such an operation rather than guess.
     */
    default Optional<String> problemWith(Operation operation) {
        return Optional.empty();
    }

    /**
     * Whether {@code operation} is legal in every state and changes none, e.g. a read whose result
     * is unknown. The search drops such operations; a model may always answer false.
     */
    default boolean isInert(Operation operation) {
        return false;
    }

    /**
     * Whether {@code operation} only observes: in every state it is either illegal or leaves the
     * state exactly as it is (a read; with {@link FailedCas#READ_DIFFERENT}, a failed cas). The search
     * then linearizes such an operation as soon as it is legal, without trying other orders, a
     * partial-order reduction that makes register histories several times cheaper to check.
     * <p>Must not answer true for an operation that can change some state: the search would miss
     * orders and could call a linearizable history invalid. It fails fast (IllegalStateException)
     * when it meets such a change. Answering false is always safe; the default does.
     */
    default boolean isReadOnly(Operation operation) {
        return false;
    }

    /**
     * Splits the operations into independent partitions (Horn &amp; Kroening's P-compositionality), e.g.
     * by key. The default keeps them together.
     */
    default List<Partition> partition(List<Operation> operations) {
        return List.of(new Partition("", operations));
    }

    /** A state for people, used in explanations. */
    default String describe(S state) {
        return ValueText.of(state);
    }
}
