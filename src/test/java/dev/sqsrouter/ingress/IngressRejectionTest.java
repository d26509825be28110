package dev.sqsrouter.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every request the ingress must refuse: a clear JSON error with the right status, and nothing enqueued. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngressRejectionTest extends IngressTestSupport {

    private static final String VALID = "{\"MessageGroupID\":\"g1\",\"transSeq\":\"1\",\"http_status\":200}";

    @AfterEach
    void nothingWasEnqueued() {
        assertNothingEnqueued();
    }

    @Test
    void unknownAliasIs404() {
        JsonAssert.contains(assertRefused(post("queue-9", VALID), 404, "unknown_queue"), "/queue-1");
    }

    @Test
    void unknownAliasIsCheckedBeforeTheApiKey() {
        assertRefused(call("POST", "/queue-9", VALID), 404, "unknown_queue");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "PUT", "DELETE", "PATCH"})
    void wrongMethodIs405WithAllowPostBeforeTheApiKey(String method) {
        HttpResponse<String> response = call(method, "/queue-1", method.equals("GET") ? null : VALID);
        assertRefused(response, 405, "method_not_allowed");
        assertEquals("POST", response.headers().firstValue("Allow").orElse(""));
    }

    @Test
    void missingApiKeyIs401BeforeTheBodyIsRead() {
        assertRefused(call("POST", "/queue-1", "not json", "Content-Type", "application/json"), 401, "missing_api_key");
    }

    @Test
    void blankApiKeyIs401() {
        assertRefused(call("POST", "/queue-1", VALID, "X-API-Key", " "), 401, "missing_api_key");
    }

    @Test
    void wrongApiKeyIs403() {
        assertRefused(call("POST", "/queue-1", VALID, "X-API-Key", "test-key-3"), 403, "invalid_api_key");
        assertRefused(call("POST", "/queue-1", VALID, "X-API-Key", API_KEY + "x"), 403, "invalid_api_key");
        assertRefused(call("POST", "/queue-1", VALID, "X-API-Key", API_KEY.substring(1)), 403, "invalid_api_key");
    }

    @Test
    void apiKeyInTheQueryStringIsNoKey() {
        assertRefused(call("POST", "/queue-1?X-API-Key=" + API_KEY, VALID), 401, "missing_api_key");
    }

    @Test
    void apiKeySentTwiceIsRefused() {
        assertRefused(call("POST", "/queue-1", VALID, "X-API-Key", API_KEY, "X-API-Key", "test-key-1"), 400, "repeated_header");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "{\"MessageGroupID\": \"g1\"", "{\"MessageGroupID\": \"g1\"} trailing",
            "{\"MessageGroupID\": \"g1\"}{}", "{'MessageGroupID': 'g1'}", "{\"MessageGroupID\": \"g1\", }", ""})
    void bodyThatIsNotJsonIs400(String body) {
        assertRefused(post("queue-1", body), 400, "invalid_json");
    }

    @Test
    void bodyThatIsNotUtf8Is400() {
        byte[] latin1 = "{\"MessageGroupID\": \"g1\", \"name\": \"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertRefused(call("POST", "/queue-1", latin1, "X-API-Key", API_KEY), 400, "invalid_json");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[{\"MessageGroupID\": \"g1\"}]", "\"g1\"", "10", "null", "true"})
    void jsonThatIsNotAnObjectIs400(String body) {
        assertRefused(post("queue-1", body), 400, "not_an_object");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"transSeq\": \"1\"}", "{\"MessageGroupId\": \"g1\"}", "{\"data\": {\"MessageGroupID\": \"g1\"}}"})
    void missingMessageGroupIdIs400(String body) {
        assertRefused(post("queue-1", body), 400, "missing_group");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "\"has space\"", "\"caf\u00e9\"", "\"tab\\there\"", "true", "null", "{}", "[\"g1\"]",
            "\"0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789\""})
    void messageGroupIdBreakingSqsRulesIs400(String group) {
        assertRefused(post("queue-1", "{\"MessageGroupID\": " + group + ", \"transSeq\": \"1\"}"), 400, "invalid_group");
    }

    @Test
    void messageGroupIdGivenTwiceIs400() {
        assertRefused(post("queue-1", "{\"MessageGroupID\": \"g1\", \"MessageGroupID\": \"g2\"}"), 400, "invalid_group");
    }

    @ParameterizedTest
    @ValueSource(strings = {"has space", "caf\u00e9",
            "012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678"})
    void idempotencyKeyBreakingSqsRulesIs400(String key) {
        assertRefused(post("queue-1", VALID, "Idempotency-Key", key), 400, "invalid_idempotency_key");
    }

    @Test
    void messageOverTheSizeLimitIs413CountingUtf8Bytes() {
        // one byte over the configured limit; 'é' is 2 bytes: as characters this body would fit, as bytes it does not
        long limit = maxMessageBytes();
        String body = bodyBeyondTheLimitInBytesOnly(limit + 1, null);
        JsonNode refused = assertRefused(post("queue-1", body), 413, "message_too_large");
        JsonAssert.contains(refused, Long.toString(limit + 1));
        JsonAssert.contains(refused, Long.toString(limit));
    }

    @Test
    void theIdempotencyKeyCountsTowardsTheSizeLimit() {
        // at the limit with room for a 36-character message id as the key; a 37-character key is one byte more
        String key = "k".repeat(37);
        String body = bodyForMessageBytes(maxMessageBytes() + 1, key);
        JsonAssert.contains(assertRefused(post("queue-1", body, "Idempotency-Key", key), 413, "message_too_large"),
                Long.toString(maxMessageBytes() + 1));
    }

    /** A body whose SQS message is messageBytes as UTF-8 bytes, though it has fewer characters than the limit. */
    private String bodyBeyondTheLimitInBytesOnly(long messageBytes, String key) {
        String body = bodyForMessageBytes(messageBytes, key);
        assertTrue(body.length() + IngressRequest.WRAPPER_BYTES + IngressRequest.keyAttributeBytes(key) < maxMessageBytes());
        return body;
    }

    @Test
    void bodyOverTheServerLimitIs413() {
        long serverLimit = Long.parseLong(context.getPropertiesComponent().resolveProperty("camel.server.max-body-size")
                .orElseThrow().trim());
        assertTrue(serverLimit >= maxMessageBytes(), "camel.server.max-body-size below ingress.max-message-bytes");
        byte[] body = new byte[Math.toIntExact(serverLimit + 1)];
        Arrays.fill(body, (byte) ' ');
        // the HTTP server itself stops reading past camel.server.max-body-size, before the ingress route runs
        JsonAssert.contains(assertRefused(call("POST", "/queue-1", body, "X-API-Key", API_KEY, "Content-Type", "application/json"),
                413, "message_too_large"), Long.toString(serverLimit));
    }

    @Test
    void pathBelowAnAliasIs404() {
        assertRefused(post("queue-1/extra", VALID), 404, "not_found");
    }

    @Test
    void formEncodedBodyIs415() {
        assertRefused(call("POST", "/queue-1", VALID, "X-API-Key", API_KEY, "Content-Type", "application/x-www-form-urlencoded"),
                415, "unsupported_media_type");
    }
}
