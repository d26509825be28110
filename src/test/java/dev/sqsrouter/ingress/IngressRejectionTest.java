package dev.sqsrouter.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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
        // {"data":B} is 9 bytes more than B; 'é' is 2 bytes: as characters this body would fit, as bytes it does not
        String head = "{\"MessageGroupID\":\"g1\",\"pad\":\"";
        String tail = "\"}";
        int padBytes = 262144 - 9 - head.length() - tail.length() + 1;
        String body = head + "\u00e9".repeat(padBytes / 2) + "x".repeat(padBytes % 2) + tail;
        assertEquals(262145, body.getBytes(StandardCharsets.UTF_8).length + 9);
        assertTrue(body.length() + 9 < 262144);
        JsonAssert.contains(assertRefused(post("queue-1", body), 413, "message_too_large"), "262145");
    }

    @Test
    void bodyOverTheServerLimitIs413() {
        byte[] body = new byte[1048577];
        Arrays.fill(body, (byte) ' ');
        // the HTTP server itself stops reading past camel.server.max-body-size, before the ingress route runs
        JsonAssert.contains(assertRefused(call("POST", "/queue-1", body, "X-API-Key", API_KEY, "Content-Type", "application/json"),
                413, "message_too_large"), "1048576");
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
