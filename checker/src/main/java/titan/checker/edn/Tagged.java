package titan.checker.edn;

/** A tagged element {@code #tag value}, e.g. {@code #inst "2024-01-01"} or a Clojure record. */
public record Tagged(String tag, Object value) {}
