package titan.node.api;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * One response of the HTTP API, written by {@link ApiResponseEncoder}.
 *
 * @param contentType its media type
 * @param body        its bytes (owned by the response from here on)
 * @param node        the answering node's id for {@code Titan-Node}, or null when unknown
 * @param session     whether {@code Titan-Client-Id}/{@code Titan-Sequence} are sent (writes)
 * @param allow       the {@code Allow} header of a 405, else null
 * @param close       whether the connection closes after it ({@code Connection: close})
 */
record ApiResponse(HttpResponseStatus status, String contentType, byte[] body, String node, boolean session,
                   long clientId, long sequence, String allow, boolean close) {}
