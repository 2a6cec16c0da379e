package titan.node.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** {@link NodeStatus} as JSON, shared by both protocols' status answers. */
final class StatusJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private StatusJson() {}

    static byte[] encode(NodeStatus status) {
        try {
            return MAPPER.writeValueAsBytes(status);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a NodeStatus always serializes", e);
        }
    }
}
