package titan.checker.edn;

/** An EDN symbol other than {@code nil}, {@code true} and {@code false}, e.g. {@code foo/bar}. */
public record Symbol(String name) {
    @Override
    public String toString() {
        return name;
    }
}
