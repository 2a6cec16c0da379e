package titan.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

import titan.node.ClientOutcome;
import titan.node.kv.KvCommand;
import titan.node.kv.KvResult;
import titan.raft.NodeId;

/** The HTTP/JSON API through an EmbeddedChannel: raw request bytes in, parsed responses out. */
class HttpApiHandlerTest {
    private static final ApiLimits LIMITS = new ApiLimits(64, 512, 8);

    private final FakeKvService service = new FakeKvService("n1");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final EmbeddedChannel parser = new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 20));

    HttpApiHandlerTest() {
        HttpApiServer.initPipeline(channel, service, LIMITS, new RequestMetrics(registry, "http"),
                () -> "# prometheus text\n");
    }

    private void send(String raw) {
        send(raw.getBytes(StandardCharsets.UTF_8));
    }

    private void send(byte[] raw) {
        channel.writeInbound(Unpooled.wrappedBuffer(raw));
        channel.runPendingTasks();
    }

    private static String request(String method, String path, String headers, String body) {
        return method + " " + path + " HTTP/1.1\r\nHost: t\r\n" + headers + "Content-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    private List<FullHttpResponse> responses() {
        ByteBuf b;
        while ((b = channel.readOutbound()) != null) {
            parser.writeInbound(b);
        }
        List<FullHttpResponse> out = new ArrayList<>();
        FullHttpResponse r;
        while ((r = parser.readInbound()) != null) {
            out.add(r);
        }
        return out;
    }

    private FullHttpResponse only() {
        List<FullHttpResponse> all = responses();
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    private static String body(FullHttpResponse r) {
        return r.content().toString(StandardCharsets.UTF_8);
    }

    private static JsonNode json(FullHttpResponse r) throws Exception {
        assertThat(r.headers().get("Content-Type")).isEqualTo("application/json");
        return StatusJson.MAPPER.readTree(ByteBufUtil.getBytes(r.content()));
    }

    private FullHttpResponse exchange(String method, String path, String headers, String body) {
        send(request(method, path, headers, body));
        return only();
    }

    @Test
    void everyOpIsServedAgainstARealStateMachine() throws Exception {
        // Goal: each route maps onto the right request and each result onto its status code.
        service.asLeader();
        String session = "Titan-Client-Id: 7\r\nTitan-Sequence: 1\r\n";
        FullHttpResponse put = exchange("PUT", "/v1/kv/a%2Fb+c", session, "v1");
        assertThat(put.status().code()).isEqualTo(200);
        assertThat(json(put).get("outcome").asText()).isEqualTo("ok");
        assertThat(put.headers().get("Titan-Node")).isEqualTo("n1");
        assertThat(service.take(0).request()).isEqualTo(new KvRequest.Write(new KvCommand.Put(7, 1, "a/b+c",
                "v1".getBytes(StandardCharsets.UTF_8))));

        FullHttpResponse get = exchange("GET", "/v1/kv/a%2Fb+c", "", "");
        assertThat(get.status().code()).isEqualTo(200);
        assertThat(body(get)).isEqualTo("v1");
        assertThat(exchange("GET", "/v1/kv/missing?stale=true", "", "").status().code()).isEqualTo(404);
        assertThat(service.take(2).request()).isEqualTo(new KvRequest.Read("missing", true));

        FullHttpResponse mismatch = exchange("POST", "/v1/kv/a%2Fb+c", "Titan-Client-Id: 7\r\nTitan-Sequence: 2\r\n",
                "{\"op\":\"cas\",\"expected\":\"x\",\"value\":\"v2\"}");
        assertThat(mismatch.status().code()).isEqualTo(409);
        assertThat(json(mismatch).get("current").asText()).isEqualTo("v1");

        assertThat(exchange("POST", "/v1/kv/a%2Fb+c", "Titan-Client-Id: 7\r\nTitan-Sequence: 3\r\n",
                "{\"op\":\"cas\",\"expected\":\"v1\",\"valueBase64\":\"" + Base64.getEncoder().encodeToString(new byte[] {
                        (byte) 0xff, 0}) + "\"}").status().code()).isEqualTo(200);
        FullHttpResponse binary = exchange("POST", "/v1/kv/a%2Fb+c", "Titan-Client-Id: 7\r\nTitan-Sequence: 4\r\n",
                "{\"op\":\"cas\",\"expected\":null,\"value\":\"v3\"}");
        assertThat(binary.status().code()).isEqualTo(409);
        assertThat(json(binary).get("currentBase64").asText()).isEqualTo("/wA=");

        assertThat(exchange("POST", "/v1/kv/n", "Titan-Client-Id: 7\r\nTitan-Sequence: 5\r\n",
                "{\"op\":\"append\",\"value\":\"é\"}").status().code()).isEqualTo(200);
        assertThat(body(exchange("GET", "/v1/kv/n", "", ""))).isEqualTo("é");
        assertThat(exchange("DELETE", "/v1/kv/n", "Titan-Client-Id: 7\r\nTitan-Sequence: 6\r\n", "").status().code())
                .isEqualTo(200);
        FullHttpResponse gone = exchange("DELETE", "/v1/kv/n", "Titan-Client-Id: 7\r\nTitan-Sequence: 7\r\n", "");
        assertThat(gone.status().code()).isEqualTo(404);
        assertThat(json(gone).get("outcome").asText()).isEqualTo("not-found");
        assertThat(registry.get("titan.client.requests").tag("protocol", "http").tag("op", "cas").timer().count())
                .isEqualTo(3);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aWriteWithoutSessionHeadersGetsAFreshServerSession() {
        service.asLeader();
        FullHttpResponse put = exchange("PUT", "/v1/kv/k", "", "v");
        assertThat(put.status().code()).isEqualTo(200);
        KvCommand command = ((KvRequest.Write) service.take(0).request()).command();
        assertThat(command.clientId()).isPositive();
        assertThat(command.sequence()).isEqualTo(1);
        assertThat(put.headers().get("Titan-Client-Id")).isEqualTo(Long.toString(command.clientId()));
    }

    @Test
    void statusAndMetrics() throws Exception {
        FullHttpResponse status = exchange("GET", "/v1/status", "", "");
        assertThat(status.status().code()).isEqualTo(200);
        JsonNode s = json(status);
        assertThat(s.get("id").asText()).isEqualTo("n1");
        assertThat(s.get("role").asText()).isEqualTo("leader");
        assertThat(s.get("voters").size()).isEqualTo(3);
        FullHttpResponse metrics = exchange("GET", "/metrics", "", "");
        assertThat(metrics.status().code()).isEqualTo(200);
        assertThat(metrics.headers().get("Content-Type")).startsWith("text/plain; version=0.0.4");
        assertThat(body(metrics)).isEqualTo("# prometheus text\n");
    }

    @Test
    void everyNodeOutcomeHasItsStatusCode() throws Exception {
        // Goal: 421 with the leader's addresses, 503 for no leader and refusals, 504 indeterminate, 412, 422.
        service.withStatus(FakeKvService.status("n1", "follower", "n2", "h:8080", "h:9090"));
        List<ClientOutcome> outcomes = List.of(
                new ClientOutcome.NotLeader(NodeId.of(2)),
                new ClientOutcome.NotLeader(null),
                new ClientOutcome.Refused("busy"),
                new ClientOutcome.Indeterminate("superseded"),
                new ClientOutcome.Applied(new KvResult.Stale(7, 1, 2), 1, 1),
                new ClientOutcome.Applied(new KvResult.SessionExpired(7, 2), 1, 1),
                new ClientOutcome.Applied(new KvResult.Rejected("append over the limit"), 1, 1));
        StringBuilder pipelined = new StringBuilder();
        for (int i = 0; i < outcomes.size(); i++) {
            pipelined.append(request("PUT", "/v1/kv/k", "Titan-Client-Id: 7\r\nTitan-Sequence: " + (i + 1) + "\r\n", "v"));
        }
        send(pipelined.toString());
        // Answer in reverse: HTTP/1.1 still gets its responses in request order.
        for (int i = outcomes.size() - 1; i >= 0; i--) {
            service.take(i).reply().accept(outcomes.get(i));
            channel.runPendingTasks();
            if (i > 0) {
                assertThat((Object) channel.readOutbound()).isNull();
            }
        }
        List<FullHttpResponse> r = responses();
        assertThat(r).extracting(x -> x.status().code()).containsExactly(421, 503, 503, 504, 412, 412, 422);
        JsonNode redirect = json(r.get(0));
        assertThat(redirect.get("leader").asText()).isEqualTo("n2");
        assertThat(redirect.get("leaderHttp").asText()).isEqualTo("h:8080");
        assertThat(redirect.get("leaderTcp").asText()).isEqualTo("h:9090");
        assertThat(json(r.get(1)).get("outcome").asText()).isEqualTo("no-leader");
        assertThat(json(r.get(2)).get("outcome").asText()).isEqualTo("refused");
        assertThat(json(r.get(3)).get("outcome").asText()).isEqualTo("indeterminate");
        assertThat(json(r.get(4)).get("outcome").asText()).isEqualTo("session-stale");
        assertThat(json(r.get(5)).get("outcome").asText()).isEqualTo("session-expired");
        assertThat(json(r.get(6)).get("message").asText()).isEqualTo("append over the limit");
    }

    @Test
    void badRequestsGetA400WithAMessageAndTheConnectionStays() throws Exception {
        String s = "Titan-Client-Id: 7\r\nTitan-Sequence: 1\r\n";
        List<String> bad = List.of(
                request("POST", "/v1/kv/k", s, "{not json"),
                request("POST", "/v1/kv/k", s, "[1,2]"),
                request("POST", "/v1/kv/k", s, "{\"op\":\"frobnicate\"}"),
                request("POST", "/v1/kv/k", s, "{\"op\":\"cas\",\"value\":\"v\"}"),
                request("POST", "/v1/kv/k", s, "{\"op\":\"append\",\"value\":3}"),
                request("POST", "/v1/kv/k", s, "{\"op\":\"append\",\"valueBase64\":\"!!\"}"),
                request("PUT", "/v1/kv/k", "Titan-Client-Id: 7\r\n", "v"),
                request("PUT", "/v1/kv/k", "Titan-Client-Id: -1\r\nTitan-Sequence: 1\r\n", "v"),
                request("GET", "/v1/kv/k?stale=maybe", "", ""),
                request("GET", "/v1/kv/k?fresh=true", "", ""),
                request("GET", "/v1/kv/%zz", "", ""),
                request("GET", "/v1/kv/%C3%28", "", ""),
                request("GET", "/v1/kv/", "", ""),
                request("GET", "/v1/kv/" + "k".repeat(1025), "", ""));
        for (String r : bad) {
            send(r);
            FullHttpResponse response = only();
            assertThat(response.status().code()).as(r).isEqualTo(400);
            assertThat(json(response).get("message").asText()).as(r).isNotEmpty();
        }
        assertThat(service.submitted).isEmpty();
        assertThat(channel.isOpen()).isTrue();
        assertThat(registry.get("titan.client.errors").counter().count()).isEqualTo(bad.size());
        // Our own sentence with a position, not the JSON library's internals.
        send(request("POST", "/v1/kv/k", s, "{not json"));
        assertThat(json(only()).get("message").asText()).startsWith("the body is not valid JSON (near line 1,")
                .doesNotContain("Unexpected character");
    }

    @Test
    void unknownPathsAndMethods() throws Exception {
        FullHttpResponse path = exchange("GET", "/v2/kv/k", "", "");
        assertThat(path.status().code()).isEqualTo(404);
        assertThat(json(path).get("outcome").asText()).isEqualTo("no-such-path");
        FullHttpResponse method = exchange("PATCH", "/v1/kv/k", "", "");
        assertThat(method.status().code()).isEqualTo(405);
        assertThat(method.headers().get("Allow")).contains("PUT");
        assertThat(exchange("POST", "/v1/status", "", "").status().code()).isEqualTo(405);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aValueOverTheLimitIs413AndTheConnectionStays() throws Exception {
        FullHttpResponse r = exchange("PUT", "/v1/kv/k", "Titan-Client-Id: 7\r\nTitan-Sequence: 1\r\n", "v".repeat(65));
        assertThat(r.status().code()).isEqualTo(413);
        assertThat(json(r).get("message").asText()).contains("65 bytes");
        assertThat(channel.isOpen()).isTrue();
        assertThat(service.submitted).isEmpty();
    }

    @Test
    void aHugeBodyIs413AndClosesBeforeItIsBuffered() throws Exception {
        // Goal: a Content-Length over the body limit is refused from the headers alone.
        send("PUT /v1/kv/k HTTP/1.1\r\nHost: t\r\nContent-Length: 100000000\r\n\r\nvvvv");
        FullHttpResponse r = only();
        assertThat(r.status().code()).isEqualTo(413);
        assertThat(json(r).get("outcome").asText()).isEqualTo("too-large");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void garbageIsA400AndCloses() throws Exception {
        send("\u0001\u0002 GARBAGE\r\n\r\n");
        List<FullHttpResponse> r = responses();
        assertThat(r).isNotEmpty();
        assertThat(r.get(0).status().code()).isEqualTo(400);
        assertThat(json(r.get(0)).get("message").asText()).isNotEmpty();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void oversizedHeadersAreRefused() throws Exception {
        send(("GET /v1/kv/k HTTP/1.1\r\nHost: t\r\n" + "X: " + "y".repeat(10_000) + "\r\n\r\n"));
        FullHttpResponse r = only();
        assertThat(r.status().code()).isEqualTo(431);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void connectionCloseIsHonoured() {
        service.asLeader();
        send(request("GET", "/v1/kv/k", "Connection: close\r\n", ""));
        assertThat(only().status().code()).isEqualTo(404);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void theConnectionStopsReadingAtTheInFlightLimit() {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < LIMITS.inFlightMax(); i++) {
            many.append(request("GET", "/v1/kv/k", "", ""));
        }
        send(many.toString());
        assertThat(channel.config().isAutoRead()).isFalse();
        for (int i = 0; i < LIMITS.inFlightMax(); i++) {
            service.take(i).reply().accept(new ClientOutcome.Read(null));
        }
        channel.runPendingTasks();
        assertThat(channel.config().isAutoRead()).isTrue();
        assertThat(responses()).hasSize(LIMITS.inFlightMax());
    }

    @Test
    void bytesArrivingWhilePausedAreHeldUntilHalfTheRequestsAreAnswered() {
        // Goal: the gate in front of the decoder keeps a paused connection from decoding more requests.
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < LIMITS.inFlightMax(); i++) {
            many.append(request("GET", "/v1/kv/k", "", ""));
        }
        send(many.toString());
        send(request("GET", "/v1/kv/late1", "", "") + request("GET", "/v1/kv/late2", "", ""));
        assertThat(service.submitted).hasSize(LIMITS.inFlightMax());
        for (int i = 0; i < LIMITS.inFlightMax() / 2; i++) {
            service.take(i).reply().accept(new ClientOutcome.Read(null));
        }
        channel.runPendingTasks();
        assertThat(service.submitted).hasSize(LIMITS.inFlightMax() + 2);
        assertThat(service.take(LIMITS.inFlightMax() + 1).request()).isEqualTo(new KvRequest.Read("late2", false));
    }

    @Test
    void aWriteAnswerIsExactlyTheseBytes() {
        // Goal: ApiResponseEncoder writes the documented shape, session headers included, and nothing more.
        service.asLeader();
        send(request("PUT", "/v1/kv/k", "Titan-Client-Id: 1234567890123\r\nTitan-Sequence: 1\r\n", "v"));
        StringBuilder wire = new StringBuilder();
        ByteBuf b;
        while ((b = channel.readOutbound()) != null) {
            wire.append(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }
        assertThat(wire.toString()).isEqualTo("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 16\r\n"
                + "Titan-Node: n1\r\nTitan-Client-Id: 1234567890123\r\nTitan-Sequence: 1\r\n\r\n{\"outcome\":\"ok\"}");
    }

    @Test
    void decimalsAreWrittenWithoutAString() {
        for (long v : new long[] {0, 7, 9, 10, 99, 100, 4096, Long.MAX_VALUE}) {
            ByteBuf out = Unpooled.buffer(1);
            out.writeByte('x');
            ApiResponseEncoder.writeDecimal(out, v);
            assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("x" + v);
            out.release();
        }
    }

    @Test
    void expectContinueIsAnsweredAndTheRequestServed() {
        // Goal: the aggregator's own "100 Continue" still goes out through Netty's encoder, then the
        // API's answer through ApiResponseEncoder, in that order.
        service.asLeader();
        send("PUT /v1/kv/k HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n");
        send("v");
        StringBuilder wire = new StringBuilder();
        ByteBuf b;
        while ((b = channel.readOutbound()) != null) {
            wire.append(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }
        assertThat(wire.toString()).startsWith("HTTP/1.1 100 Continue\r\n").contains("HTTP/1.1 200 OK\r\n")
                .endsWith("{\"outcome\":\"ok\"}");
        assertThat(channel.isOpen()).isTrue();
    }
}
