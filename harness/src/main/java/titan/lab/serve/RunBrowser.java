package titan.lab.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import titan.checker.history.HistoryFormatException;
import titan.lab.report.RunReport;
import titan.lab.store.RunFolder;
import titan.lab.store.RunStore;

/**
 * {@code titan-lab serve}: a small web server on 127.0.0.1 that browses a results store. Read-only.
 * <pre>
 * GET /                               every run, newest first, filterable (?test=&amp;verdict=&amp;q=)
 * GET /runs/TEST/RUN/                 the run folder's files (and nodes/..., one level at a time)
 * GET /runs/TEST/RUN/report.html      the report; rendered on demand when the run has a history but no report yet
 * GET /runs/TEST/RUN/PATH             any file of the run folder (history.jsonl, logs, ...)
 * </pre>
 * Only files inside the store are served: every path segment is decoded on its own and refused if
 * it is empty, {@code .} or {@code ..} or holds a separator or NUL, and the resolved file's real
 * path (symbolic links followed) must still lie inside the store's real path. Anything else is a
 * 404, a bad path a 400, a method other than GET or HEAD a 405. Pages carry a Content-Security-Policy
 * that allows no network access at all, so a report cannot fetch anything even if a value in it tried.
 * <p>{@link #start} binds the loopback address only; {@link #close} stops the server. Thread-safe.
 */
public final class RunBrowser implements AutoCloseable {
    /** Pages may run their inline script and style and nothing else; the report's explanation is an inline frame. */
    static final String CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
            + "img-src data:; frame-src 'self'; base-uri 'none'; form-action 'self'";

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("json", "application/json; charset=utf-8"),
            Map.entry("jsonl", "text/plain; charset=utf-8"), Map.entry("log", "text/plain; charset=utf-8"),
            Map.entry("txt", "text/plain; charset=utf-8"), Map.entry("edn", "text/plain; charset=utf-8"),
            Map.entry("md", "text/plain; charset=utf-8"), Map.entry("hgrm", "text/plain; charset=utf-8"),
            Map.entry("hlog", "text/plain; charset=utf-8"), Map.entry("csv", "text/plain; charset=utf-8"),
            Map.entry("png", "image/png"), Map.entry("svg", "text/plain; charset=utf-8"));

    private final RunStore store;
    private final Path rootReal;
    private final HttpServer server;
    private final ExecutorService executor;

    private RunBrowser(RunStore store, Path rootReal, HttpServer server, ExecutorService executor) {
        this.store = store;
        this.rootReal = rootReal;
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts serving {@code store} on 127.0.0.1:{@code port} (0: any free port, see {@link #port}).
     *
     * @throws IOException when the port cannot be bound (e.g. in use), or the store's folder cannot
     *                     be created
     */
    public static RunBrowser start(RunStore store, int port) throws IOException {
        Path rootReal = Files.createDirectories(store.root()).toRealPath();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 32);
        ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "titan-lab-serve");
            thread.setDaemon(true);
            return thread;
        });
        RunBrowser browser = new RunBrowser(store, rootReal, server, executor);
        server.createContext("/", browser::handle);
        server.setExecutor(executor);
        server.start();
        return browser;
    }

    /** The port actually bound. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The index page's address. */
    public String url() {
        return "http://127.0.0.1:" + port() + "/";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
                return;
            }
            String rawPath = exchange.getRequestURI().getRawPath();
            if (rawPath == null || rawPath.equals("/") || rawPath.equals("/index.html")) {
                index(exchange);
                return;
            }
            if (!rawPath.startsWith("/runs/")) {
                send(exchange, 404, "text/plain; charset=utf-8", "not found\n");
                return;
            }
            Optional<List<String>> segments = segments(rawPath.substring("/runs/".length()));
            if (segments.isEmpty() || segments.get().size() < 2) {
                send(exchange, 400, "text/plain; charset=utf-8", "bad path\n");
                return;
            }
            serveRunPath(exchange, segments.get(), rawPath.endsWith("/"));
        } catch (RuntimeException e) {
            // A request must never take the server down; the reason goes to the client and stderr.
            System.err.println("titan-lab serve: " + exchange.getRequestURI() + ": " + e);
        }
    }

    private void index(HttpExchange exchange) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        IndexPage.Filter filter = new IndexPage.Filter(query.getOrDefault("test", ""),
                query.getOrDefault("verdict", ""), query.getOrDefault("q", ""));
        send(exchange, 200, "text/html; charset=utf-8", IndexPage.render(RunIndex.of(store), filter,
                store.root().toString()));
    }

    private void serveRunPath(HttpExchange exchange, List<String> segments, boolean folder) throws IOException {
        Path target = rootReal;
        for (String segment : segments) {
            target = target.resolve(segment);
        }
        target = target.normalize();
        if (!target.startsWith(rootReal)) {
            send(exchange, 400, "text/plain; charset=utf-8", "bad path\n");
            return;
        }
        Path runDir = rootReal.resolve(segments.get(0)).resolve(segments.get(1));
        boolean wantsReport = segments.size() == 3 && segments.get(2).equals(RunFolder.REPORT);
        if (wantsReport && !Files.exists(target, LinkOption.NOFOLLOW_LINKS) && inside(runDir)
                && Files.isRegularFile(runDir.resolve(RunFolder.HISTORY))) {
            renderReport(exchange, runDir);
            return;
        }
        if (!Files.exists(target) || !inside(target)) {
            send(exchange, 404, "text/plain; charset=utf-8", "not found\n");
            return;
        }
        if (Files.isDirectory(target)) {
            if (!folder) {
                exchange.getResponseHeaders().set("Location", exchange.getRequestURI().getRawPath() + "/");
                send(exchange, 301, "text/plain; charset=utf-8", "moved\n");
                return;
            }
            send(exchange, 200, "text/html; charset=utf-8", FolderPage.render(rootReal, target.toRealPath()));
            return;
        }
        sendFile(exchange, target.toRealPath());
    }

    private void renderReport(HttpExchange exchange, Path runDir) throws IOException {
        try {
            String page = RunReport.render(RunReport.read(new RunFolder(runDir)));
            send(exchange, 200, "text/html; charset=utf-8", page);
        } catch (HistoryFormatException | IOException e) {
            send(exchange, 500, "text/plain; charset=utf-8", "cannot render a report for this run: " + e.getMessage() + "\n");
        }
    }

    /** Whether {@code path}'s real path (links followed) lies inside the store. */
    private boolean inside(Path path) {
        try {
            return path.toRealPath().startsWith(rootReal);
        } catch (IOException e) {
            return false;
        }
    }

    /** Decodes each segment of a raw path on its own; empty when any is unsafe. A trailing slash is allowed. */
    static Optional<List<String>> segments(String rawPath) {
        String[] raw = rawPath.split("/", -1);
        List<String> segments = new ArrayList<>();
        for (int i = 0; i < raw.length; i++) {
            if (raw[i].isEmpty() && i == raw.length - 1 && i > 0) {
                break; // trailing slash
            }
            String segment;
            try {
                segment = URLDecoder.decode(raw[i].replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.indexOf('/') >= 0
                    || segment.indexOf('\\') >= 0 || segment.indexOf('\0') >= 0) {
                return Optional.empty();
            }
            segments.add(segment);
        }
        return Optional.of(segments);
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> query = new LinkedHashMap<>();
        if (rawQuery == null) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                query.putIfAbsent(name, value.length() > 200 ? value.substring(0, 200) : value);
            } catch (IllegalArgumentException e) {
                // A malformed parameter is ignored: the page shows every run instead.
            }
        }
        return query;
    }

    private static void sendFile(HttpExchange exchange, Path file) throws IOException {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? "text/plain; charset=utf-8"
                : TYPES.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), "application/octet-stream");
        headers(exchange, type);
        long size = Files.size(file);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(200, head ? -1 : size == 0 ? -1 : size);
        if (!head && size > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                Files.copy(file, out);
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        headers(exchange, type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static void headers(HttpExchange exchange, String type) {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.getResponseHeaders().set("Content-Security-Policy", CSP);
        exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
    }

    /** A folder's listing. */
    static final class FolderPage {
        private FolderPage() {}

        static String render(Path rootReal, Path dir) throws IOException {
            String relative = rootReal.relativize(dir).toString().replace('\\', '/');
            List<Path> entries = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
                stream.forEach(entries::add);
            }
            entries.sort(java.util.Comparator.comparing(p -> p.getFileName().toString()));
            StringBuilder html = new StringBuilder(4096);
            html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                    .append(IndexPage.escape(relative)).append(" · Titan Lab</title><style>")
                    .append("body{font:14px/1.6 system-ui,\"DejaVu Sans\",sans-serif;margin:20px 28px;color:#1f2933}")
                    .append("code{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace}td{padding:2px 14px 2px 0}")
                    .append(".n{text-align:right;color:#616e7c}</style></head><body><p><a href=\"/\">all runs</a></p><h1>")
                    .append("<code>").append(IndexPage.escape(relative)).append("/</code></h1><table>");
            if (dir.getNameCount() - rootReal.getNameCount() > 2) {
                html.append("<tr><td><a href=\"../\">../</a></td><td></td></tr>");
            }
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(".")) {
                    continue; // temporary files of a write in progress
                }
                boolean isDir = Files.isDirectory(entry);
                html.append("<tr><td><a href=\"").append(IndexPage.url(name)).append(isDir ? "/" : "").append("\">")
                        .append(IndexPage.escape(name)).append(isDir ? "/" : "").append("</a></td><td class=\"n\">")
                        .append(isDir ? "" : IndexPage.count(Files.size(entry)) + " B").append("</td></tr>");
            }
            return html.append("</table></body></html>\n").toString();
        }
    }
}
