package titan.lab.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import titan.lab.report.FakeRuns;
import titan.lab.store.RunFolder;
import titan.lab.store.RunStore;

/**
 * The results browser over real loopback sockets: the index, a run's files, a report rendered on
 * demand, and every way to ask for a file outside the store refused. Requests are written by hand
 * on a socket so no client library tidies a {@code ..} away before the server sees it.
 */
class RunBrowserTest {
    static final ZonedDateTime START = ZonedDateTime.of(2026, 12, 1, 1, 2, 3, 0, ZoneOffset.UTC);
    private static final String SECRET = "top-secret-outside-the-store";

    @TempDir
    static Path scratch;

    private static Path root;
    private static RunBrowser browser;
    private static RunFolder valid;
    private static RunFolder invalid;

    /** One store for all tests (they only read, or add what no other test looks at): fake runs take seconds. */
    @BeforeAll
    static void startOnAStoreOfFakeRuns() throws IOException {
        root = Files.createDirectories(scratch.resolve("results/runs"));
        Files.writeString(scratch.resolve("results/secret.txt"), SECRET);
        Files.writeString(scratch.resolve("secret.txt"), SECRET);
        RunStore store = new RunStore(root);
        valid = FakeRuns.write(store, FakeRuns.Spec.valid("kv-partition").withFaults().withOperations(1_500, false), START);
        invalid = FakeRuns.write(store, FakeRuns.Spec.valid("kv-stale").withInvalidRead(), START.plusMinutes(1));
        RunFolder running = store.create("kv-running", START.plusMinutes(2));
        running.writeTest(FakeRuns.config(FakeRuns.Spec.valid("kv-running"), START));
        browser = RunBrowser.start(store, 0);
    }

    @AfterAll
    static void stop() {
        browser.close();
    }

    // The index lists the three runs newest first, each coloured by its verdict, with links.
    @Test
    void indexListsRunsNewestFirstColouredByVerdict() throws IOException {
        Response index = get("/");
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.header("content-type")).startsWith("text/html");
        assertThat(index.header("content-security-policy")).contains("default-src 'none'");
        String body = index.body();
        int running = body.indexOf("<tr class=\"run running\" data-test=\"kv-running\"");
        int stale = body.indexOf("<tr class=\"run invalid\" data-test=\"kv-stale\"");
        int partition = body.indexOf("<tr class=\"run valid\" data-test=\"kv-partition\"");
        assertThat(running).isPositive().isLessThan(stale);
        assertThat(stale).isLessThan(partition);
        assertThat(body).contains("href=\"/runs/kv-stale/" + invalid.runName() + "/report.html\"")
                .contains("<td>kv</td><td>partition,kill,pause,clock-skew</td><td>local</td><td class=\"n\">1,500</td>")
                .contains("1 invalid</span>").contains("1 without results</span>");
    }

    // ?verdict= and ?q= filter on the server too (the page works without script); hidden rows stay in the DOM.
    @Test
    void queryParametersFilterTheRows() throws IOException {
        String body = get("/?verdict=invalid").body();
        assertThat(body).contains("data-test=\"kv-stale\" data-verdict=\"invalid\" data-text=\"")
                .contains("Showing 1 of ").contains("<option selected value=\"invalid\">");
        assertThat(rowHidden(body, "kv-stale")).isFalse();
        assertThat(rowHidden(body, "kv-partition")).isTrue();
        String byText = get("/?q=PARTITION&test=kv-partition").body();
        assertThat(rowHidden(byText, "kv-partition")).isFalse();
        assertThat(rowHidden(byText, "kv-stale")).isTrue();
    }

    // A run's report, history and folder listing are served with fitting types.
    @Test
    void runFilesAreServed() throws IOException {
        String base = "/runs/kv-stale/" + invalid.runName() + "/";
        Response report = get(base + "report.html");
        assertThat(report.status()).isEqualTo(200);
        assertThat(report.body()).contains("<span class=\"verdict invalid\">INVALID</span>");
        Response history = get(base + "history.jsonl");
        assertThat(history.header("content-type")).startsWith("text/plain");
        assertThat(history.body()).isEqualTo(Files.readString(invalid.file(RunFolder.HISTORY)));
        Response folder = get(base);
        assertThat(folder.body()).contains("href=\"report.html\"").contains("href=\"explanation.html\"");
        assertThat(get(base.substring(0, base.length() - 1)).status()).isEqualTo(301);
        assertThat(get("/runs/kv-stale/latest/results.json").body()).contains("\"verdict\" : \"invalid\"");
        assertThat(get(base + "missing.txt").status()).isEqualTo(404);
        assertThat(request("POST " + base + "report.html HTTP/1.1").status()).isEqualTo(405);
        assertThat(request("HEAD " + base + "report.html HTTP/1.1").status()).isEqualTo(200);
    }

    // A run with a history but no report.html gets one rendered on demand (nothing is written).
    @Test
    void aMissingReportIsRenderedOnDemand() throws IOException {
        RunFolder copy = new RunStore(root).create("kv-copy", START.minusDays(1));
        for (String name : List.of(RunFolder.TEST, RunFolder.HISTORY, RunFolder.RESULTS)) {
            Files.copy(valid.file(name), copy.file(name));
        }
        Response report = get("/runs/kv-copy/" + copy.runName() + "/report.html");
        assertThat(report.status()).isEqualTo(200);
        assertThat(report.body()).contains("<span class=\"verdict valid\">VALID</span>");
        assertThat(copy.file(RunFolder.REPORT)).doesNotExist();
        assertThat(get("/runs/kv-running/latest/report.html").status()).isEqualTo(404);
    }

    // Every traversal attempt is refused and never returns a file from outside the store, including
    // through a symbolic link planted inside it.
    @Test
    void pathsOutsideTheStoreAreRefused() throws IOException {
        Files.createSymbolicLink(valid.dir().resolve("escape"), scratch);
        Files.createSymbolicLink(valid.dir().resolve("secret-link.txt"), scratch.resolve("secret.txt"));
        String run = "/runs/kv-partition/" + valid.runName();
        List<String> attacks = List.of("/runs/../secret.txt", "/runs/../../secret.txt", "/runs/%2e%2e/secret.txt",
                "/runs/%2e%2e/%2e%2e/secret.txt", "/runs/kv-partition/..%2f..%2fsecret.txt",
                "/runs/kv-partition/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt", run + "/../../../secret.txt",
                run + "/..%5c..%5c..%5csecret.txt", run + "/escape/secret.txt", run + "/secret-link.txt",
                "/runs/kv-partition/latest/../../../secret.txt", "/runs//secret.txt", "/runs/x/%00/secret.txt",
                "/../secret.txt", "/secret.txt", "/runs/kv-partition/" + valid.runName() + "/%ZZ");
        for (String attack : attacks) {
            Response response = request("GET " + attack + " HTTP/1.1");
            assertThat(response.status()).as(attack).isIn(400, 404);
            assertThat(response.body()).as(attack).doesNotContain(SECRET);
        }
    }

    @Test
    void bindsTheLoopbackAddressOnly() throws IOException {
        assertThat(browser.url()).startsWith("http://127.0.0.1:");
        assertThat(RunBrowser.segments("a/b/")).contains(List.of("a", "b"));
        assertThat(RunBrowser.segments("a/%2e%2e")).isEmpty();
        assertThat(RunBrowser.segments("a//b")).isEmpty();
    }

    private static boolean rowHidden(String body, String test) {
        int row = body.indexOf("data-test=\"" + test + "\"");
        return body.substring(row, body.indexOf('>', row)).contains(" hidden");
    }

    private record Response(int status, String head, String body) {
        String header(String name) {
            return head.lines().filter(line -> line.toLowerCase().startsWith(name.toLowerCase() + ":"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim()).findFirst().orElse("");
        }
    }

    private Response get(String path) throws IOException {
        return request("GET " + path + " HTTP/1.1");
    }

    private Response request(String requestLine) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", browser.port())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write((requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            String head = split < 0 ? text : text.substring(0, split);
            String body = split < 0 ? "" : text.substring(split + 4);
            int status = Integer.parseInt(head.split(" ")[1]);
            return new Response(status, head, body);
        }
    }
}
