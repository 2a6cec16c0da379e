package titan.checker.edn;

import java.util.Objects;

/** An EDN keyword such as {@code :read}; {@code name} has no colon. Distinct from the string "read". */
public record Keyword(String name) {
    public Keyword {
        Objects.requireNonNull(name, "name");
    }

    public static Keyword of(String name) {
        return new Keyword(name);
    }

    @Override
    public String toString() {
        return ":" + name;
    }
}
