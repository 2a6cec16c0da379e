package titan.node.server;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The fault-injection admin endpoint: exists only when the node was started with {@code --admin-port},
 * and binds only to the node's bind host (loopback by default). The lab's clock nemesis uses it:
 * <pre>
 *   GET  /admin/clock            {"rate": 1.0}
 *   POST /admin/clock?rate=2.0   ticks twice as fast as real time (0.5: half as fast); 200 or 400
 *   POST /admin/power-loss?at=now|sync|overwrite|ack|vote|off&amp;cut=lose-tail|torn-records|torn-bytes|before-entries&amp;seed=N
 *                                loses the unsynced WAL tail and halts (see {@link PowerSwitch});
 *                                403 unless the node was started with --fault-injection
 * </pre>
 * and the membership actions under {@code /admin/membership} ({@link MembershipAdmin}).
 */
final class AdminEndpoint implements AutoCloseable {
    private final HttpServer server;

    AdminEndpoint(String host, int port, NodeLoop loop) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 16);
        server.createContext("/admin/clock", exchange -> handleClock(exchange, loop));
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "titan-admin");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /** Serves another group of admin actions under {@code path} (the membership actions: {@link MembershipAdmin}). */
    void serve(String path, com.sun.net.httpserver.HttpHandler handler) {
        server.createContext(path, handler);
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Adds {@code /admin/power-loss}; {@code power} is {@code null} when --fault-injection is off (403). */
    void addPowerLoss(PowerSwitch power) {
        server.createContext("/admin/power-loss", exchange -> handlePowerLoss(exchange, power));
    }

    private static void handlePowerLoss(HttpExchange exchange, PowerSwitch power) throws IOException {
        if (!exchange.getRequestMethod().equals("POST")) {
            respond(exchange, 405, "{\"error\":\"use POST\"}");
            return;
        }
        if (power == null) {
            respond(exchange, 403, "{\"error\":\"power loss is fault injection: start the node with --fault-injection\"}");
            return;
        }
        java.util.Map<String, String> query = new java.util.HashMap<>();
        String raw = exchange.getRequestURI().getQuery();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            int eq = pair.indexOf('=');
            query.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
        }
        String at = query.getOrDefault("at", "now");
        try {
            titan.node.storage.PowerCut cut = titan.node.storage.PowerCut.fromFlag(query.getOrDefault("cut", "lose-tail"));
            long seed = Long.parseLong(query.getOrDefault("seed", "0"));
            if (at.equals("off")) {
                respond(exchange, 200, "{\"disarmed\":" + power.disarm() + "}");
                return;
            }
            PowerSwitch.Moment moment = PowerSwitch.moment(at);
            if (moment != PowerSwitch.Moment.NOW) {
                respond(exchange, 200, "{\"armed\":\"" + at + "\"}"); // first: the moment may come at once
                power.arm(moment, cut, seed);
                return;
            }
            String lost = power.loseNow(cut, seed);
            respond(exchange, 200, "{\"lost\":\"" + lost.replace("\"", "'") + "\"}");
            power.halt();
        } catch (IllegalArgumentException e) {
            respond(exchange, 400, "{\"error\":\"" + String.valueOf(e.getMessage()).replace("\"", "'") + "\"}");
        }
    }

    private static void handleClock(HttpExchange exchange, NodeLoop loop) throws IOException {
        String method = exchange.getRequestMethod();
        if (method.equals("GET")) {
            respond(exchange, 200, "{\"rate\":" + loop.clockRate() + "}");
            return;
        }
        if (!method.equals("POST")) {
            respond(exchange, 405, "{\"error\":\"use GET or POST\"}");
            return;
        }
        String query = exchange.getRequestURI().getQuery();
        if (query == null || !query.startsWith("rate=")) {
            respond(exchange, 400, "{\"error\":\"POST /admin/clock?rate=R with R in (0.01, 100)\"}");
            return;
        }
        try {
            loop.setClockRate(Double.parseDouble(query.substring("rate=".length())));
            respond(exchange, 200, "{\"rate\":" + loop.clockRate() + "}");
        } catch (IllegalArgumentException e) {
            respond(exchange, 400, "{\"error\":\"" + e.getMessage().replace("\"", "'") + "\"}");
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
