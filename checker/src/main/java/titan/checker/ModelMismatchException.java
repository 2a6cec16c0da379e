package titan.checker;

/**
 * The history has an operation the model cannot check (an unknown function, a malformed value).
 * The message names where it is ({@code file:line}) and why; the checker refuses rather than guess.
 */
public final class ModelMismatchException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ModelMismatchException(String message) {
        super(message);
    }
}
