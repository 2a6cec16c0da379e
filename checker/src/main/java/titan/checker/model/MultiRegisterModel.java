package titan.checker.model;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import titan.checker.Model;
import titan.checker.Step;
import titan.checker.edn.Keyword;
import titan.checker.history.Operation;
import titan.checker.history.ValueText;

/**
 * Several registers changed together by transactions, as Knossos's {@code multi-register}: an
 * operation {@code txn} has a list of micro-operations {@code [[:read :x 1] [:write :y 2]]} that take
 * effect at once, in order. A micro-read of nil is not known and is legal (Knossos). Register names
 * may be keywords or strings ({@code :x} and {@code "x"} are the same register). Not partitioned:
 * a transaction spans registers.
 *
 * @param initial the registers' values before any transaction, by name; a register not named is nil
 */
public record MultiRegisterModel(Map<String, Object> initial) implements Model<Map<String, Object>> {
    public MultiRegisterModel {
        initial = Collections.unmodifiableMap(new HashMap<>(initial));
    }

    @Override
    public String name() {
        return "multi-register";
    }

    @Override
    public Map<String, Object> init() {
        return initial;
    }

    @Override
    public Step<Map<String, Object>> step(Map<String, Object> state, Operation operation) {
        Map<String, Object> next = null;
        for (Object item : (List<?>) operation.value()) {
            List<?> micro = (List<?>) item;
            String register = name(micro.get(1));
            Object value = micro.get(2);
            Map<String, Object> current = next == null ? state : next;
            if (name(micro.get(0)).equals("read")) {
                if (operation.isOk() && value != null && !Objects.equals(current.get(register), value)) {
                    return Step.illegal("read " + register + " = " + ValueText.of(value) + " but it is "
                            + ValueText.of(current.get(register)));
                }
            } else {
                if (next == null) {
                    next = new HashMap<>(state);
                }
                next.put(register, value);
            }
        }
        return Step.to(next == null ? state : Collections.unmodifiableMap(next));
    }

    @Override
    public Optional<String> problemWith(Operation operation) {
        if (!operation.f().equals("txn")) {
            return Optional.of("unknown function " + operation.f() + " (expected txn)");
        }
        if (!(operation.value() instanceof List<?> micros)) {
            return Optional.of("a txn value must be a list of [f register value], found "
                    + ValueText.of(operation.value()));
        }
        for (Object item : micros) {
            if (!(item instanceof List<?> micro) || micro.size() != 3 || name(micro.get(1)) == null
                    || !("read".equals(name(micro.get(0))) || "write".equals(name(micro.get(0))))) {
                return Optional.of("a micro-operation must be [read|write register value], found " + ValueText.of(item));
            }
        }
        return Optional.empty();
    }

    /** A read-only transaction whose results are unknown changes nothing. */
    @Override
    public boolean isInert(Operation operation) {
        for (Object item : (List<?>) operation.value()) {
            List<?> micro = (List<?>) item;
            if (!name(micro.get(0)).equals("read") || (operation.isOk() && micro.get(2) != null)) {
                return false;
            }
        }
        return true;
    }

    /** A transaction of reads only never changes the registers. */
    @Override
    public boolean isReadOnly(Operation operation) {
        for (Object item : (List<?>) operation.value()) {
            if (!name(((List<?>) item).get(0)).equals("read")) {
                return false;
            }
        }
        return true;
    }

    private static String name(Object nameOrKeyword) {
        if (nameOrKeyword instanceof Keyword keyword) {
            return keyword.name();
        }
        return nameOrKeyword instanceof String s ? s : null;
    }
}
