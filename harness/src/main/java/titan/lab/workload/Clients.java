package titan.lab.workload;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Locale;

import titan.client.Endpoint;
import titan.client.TitanClient;

/**
 * Opens the Java client of a protocol ({@code http} or {@code tcp}) on a cluster's endpoints.
 */
public final class Clients {
    private Clients() {}

    /** The protocols a test may use. */
    public static final List<String> PROTOCOLS = List.of("http", "tcp");

    /**
     * @throws IllegalArgumentException for an unknown protocol
     * @throws IllegalStateException    when the client of the protocol is not part of this build
     */
    public static TitanClient open(String protocol, List<Endpoint> endpoints) {
        String className = switch (protocol.toLowerCase(Locale.ROOT)) {
            case "http" -> "titan.client.HttpTitanClient";
            case "tcp" -> "titan.client.TcpTitanClient";
            default -> throw new IllegalArgumentException("unknown protocol '" + protocol + "'; known: http, tcp");
        };
        // PLACEHOLDER until the clients land on main: found by name, constructed from the endpoints
        // and the options' defaults. Replace with direct constructor calls once they are merged.
        try {
            Class<?> type = Class.forName(className);
            Constructor<?>[] constructors = type.getConstructors();
            java.util.Arrays.sort(constructors, java.util.Comparator.comparingInt(Constructor::getParameterCount));
            for (Constructor<?> c : constructors) {
                Class<?>[] params = c.getParameterTypes();
                if (params.length >= 1 && List.class.isAssignableFrom(params[0])) {
                    Object[] args = new Object[params.length];
                    args[0] = endpoints;
                    for (int i = 1; i < params.length; i++) {
                        Method defaults = params[i].getMethod("defaults");
                        args[i] = defaults.invoke(null);
                    }
                    return (TitanClient) c.newInstance(args);
                }
            }
            throw new IllegalStateException(className + " has no constructor taking the endpoints");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the " + protocol + " client (" + className + ") is not part of this build");
        } catch (NoSuchMethodException | InstantiationException | IllegalAccessException e) {
            throw new IllegalStateException("cannot construct " + className + ": " + e, e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot construct " + className + ": " + e.getCause(), e.getCause());
        }
    }
}
