package titan.node.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The JSON bodies of the HTTP API. Values are byte strings; JSON shows them as UTF-8 text in
 * {@code "value"}, {@code "expected"}, {@code "current"}, and a value that is not valid UTF-8 as
 * base64 in {@code "valueBase64"}, {@code "expectedBase64"}, {@code "currentBase64"} instead (a
 * request may use either form). Thread-safe.
 */
final class HttpJson {
    static final byte[] OK = "{\"outcome\":\"ok\"}".getBytes(StandardCharsets.UTF_8);

    private HttpJson() {}

    /** {@code {"outcome": outcome, "message": message}} */
    static byte[] message(String outcome, String message) {
        ObjectNode node = StatusJson.MAPPER.createObjectNode();
        node.put("outcome", outcome);
        node.put("message", message);
        return bytes(node);
    }

    static byte[] casMismatch(byte[] current) {
        ObjectNode node = StatusJson.MAPPER.createObjectNode();
        node.put("outcome", "cas-mismatch");
        node.put("message", current == null ? "the key is absent" : "the key holds another value");
        putValue(node, "current", current);
        return bytes(node);
    }

    static byte[] notLeader(String leader, String leaderHttp, String leaderTcp) {
        ObjectNode node = StatusJson.MAPPER.createObjectNode();
        node.put("outcome", "not-leader");
        node.put("message", "this node is not the leader; send the request to " + leader);
        node.put("leader", leader);
        node.put("leaderHttp", leaderHttp);
        node.put("leaderTcp", leaderTcp);
        return bytes(node);
    }

    /** Puts {@code value} as text when it is valid UTF-8, else as {@code <field>Base64}; null as JSON null. */
    static void putValue(ObjectNode node, String field, byte[] value) {
        if (value == null) {
            node.putNull(field);
            return;
        }
        String text = strictUtf8(value);
        if (text != null) {
            node.put(field, text);
        } else {
            node.put(field + "Base64", Base64.getEncoder().encodeToString(value));
        }
    }

    /**
     * Reads a value field of a request: {@code field} (UTF-8 text) or {@code fieldBase64}. Returns
     * null for JSON null; throws {@link IllegalArgumentException} when both or neither are given
     * (unless {@code nullable}, where absence is an error too: null must be explicit).
     */
    static byte[] readValue(JsonNode body, String field, boolean nullable) {
        JsonNode text = body.get(field);
        JsonNode base64 = body.get(field + "Base64");
        if (text != null && base64 != null) {
            throw new IllegalArgumentException("give \"" + field + "\" or \"" + field + "Base64\", not both");
        }
        if (text == null && base64 == null) {
            throw new IllegalArgumentException("\"" + field + "\" is required" + (nullable ? " (null: absent)" : ""));
        }
        JsonNode given = text != null ? text : base64;
        if (given.isNull()) {
            if (!nullable) {
                throw new IllegalArgumentException("\"" + field + "\" must not be null");
            }
            return null;
        }
        if (!given.isTextual()) {
            throw new IllegalArgumentException("\"" + field + (text != null ? "" : "Base64") + "\" must be a string");
        }
        if (text != null) {
            return given.textValue().getBytes(StandardCharsets.UTF_8);
        }
        try {
            return Base64.getDecoder().decode(given.textValue());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + field + "Base64\" is not base64: " + e.getMessage());
        }
    }

    /** The text of {@code value} if it is well-formed UTF-8, else null. */
    static String strictUtf8(byte[] value) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    static byte[] bytes(JsonNode node) {
        try {
            return StatusJson.MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }
}
