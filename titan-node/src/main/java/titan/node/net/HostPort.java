package titan.node.net;

import java.nio.charset.StandardCharsets;

/**
 * A host name or address and a TCP port, written {@code host:port} (an IPv6 literal in brackets:
 * {@code [::1]:7001}). Port 0 means "any free port" when listening and "not served" when advertised.
 */
public record HostPort(String host, int port) {
    /** The longest host accepted, in UTF-8 bytes: a DNS name has at most 253 characters. */
    public static final int HOST_BYTES_MAX = 255;

    public HostPort {
        if (host == null || host.isEmpty() || host.getBytes(StandardCharsets.UTF_8).length > HOST_BYTES_MAX) {
            throw new IllegalArgumentException("a host has 1.." + HOST_BYTES_MAX + " bytes, got '" + host + "'");
        }
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("a port is 0..65535, got " + port);
        }
    }

    /** Parses {@code host:port} or {@code [v6]:port}; throws {@link IllegalArgumentException} with the reason. */
    public static HostPort parse(String text) {
        int colon = text == null ? -1 : text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("expected host:port, got '" + text + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return new HostPort(host, Integer.parseInt(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected host:port with a numeric port, got '" + text + "'");
        }
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
