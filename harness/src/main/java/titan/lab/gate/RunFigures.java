package titan.lab.gate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the gate reads from one result file: its kind ({@code jmh}, {@code bench}, {@code sim},
 * {@code campaign}, ...), the correctness verdict if it has one ({@code valid}, {@code unknown},
 * {@code invalid}) and its figures by name, in file order.
 */
public record RunFigures(String kind, Optional<String> verdict, Map<String, Figure> figures) {
    public RunFigures {
        figures = Collections.unmodifiableMap(new LinkedHashMap<>(figures));
    }
}
