package dev.sqsrouter.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqsrouter.provision.Provisioner;
import dev.sqsrouter.relay.RelayTestSupport;

/**
 * The app as shipped, plus an ingress-only alias ({@link #HELD}) whose queue no relay consumes, so that a test can
 * read exactly what the ingress sent; HTTP calls go to the app's own server with java.net.http.
 */
public abstract class IngressTestSupport extends RelayTestSupport {

    /** An alias the ingress serves but no relay consumes: what is sent there stays for the test to read. */
    protected static final String HELD = "held";
    protected static final List<String> ALIASES = List.of("queue-1", "queue-2", HELD);
    protected static final ObjectMapper JSON = new ObjectMapper();

    protected final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    protected void overrideProperties(Properties properties) {
        properties.setProperty("relay.queues." + HELD + ".queue", queue(HELD));
        properties.setProperty("relay.queues." + HELD + ".dead-letter-queue", deadLetterQueue(HELD));
        properties.setProperty("relay.queues." + HELD + ".ingress-only", "true");
    }

    @Override
    protected void provision(Properties properties) {
        super.provision(properties);
        new Provisioner(sqs, dynamoDb).queue(queue(HELD), Map.of());
    }

    /** Any request; headers as name, value pairs (a name may repeat). */
    protected HttpResponse<String> call(String method, String path, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serverPort() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected HttpResponse<String> call(String method, String path, String body, String... headers) {
        return call(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), headers);
    }

    /** POST /alias with the test API key and a JSON body, as a client does. */
    protected HttpResponse<String> post(String alias, String body, String... extraHeaders) {
        String[] headers = new String[4 + extraHeaders.length];
        headers[0] = "X-API-Key";
        headers[1] = API_KEY;
        headers[2] = "Content-Type";
        headers[3] = "application/json";
        System.arraycopy(extraHeaders, 0, headers, 4, extraHeaders.length);
        return call("POST", "/" + alias, body, headers);
    }

    /** ingress.max-message-bytes as the app runs with it. */
    protected long maxMessageBytes() {
        return Long.parseLong(context.getPropertiesComponent().resolveProperty("ingress.max-message-bytes").orElseThrow().trim());
    }

    /**
     * A JSON object B of group g1 whose SQS message, as the ingress counts it ({"data":B} in UTF-8 plus the
     * idempotency-key attribute for the key, or null), is exactly messageBytes; padded mostly with 2-byte characters,
     * so that it has fewer characters than bytes.
     */
    protected static String bodyForMessageBytes(long messageBytes, String idempotencyKey) {
        String head = "{\"MessageGroupID\":\"g1\",\"http_status\":200,\"pad\":\"";
        String tail = "\"}";
        int padBytes = (int) (messageBytes - IngressRequest.WRAPPER_BYTES - IngressRequest.keyAttributeBytes(idempotencyKey)
                - head.length() - tail.length());
        String body = head + "\u00e9".repeat(padBytes / 2) + "x".repeat(padBytes % 2) + tail;
        assertEquals(messageBytes, body.getBytes(StandardCharsets.UTF_8).length + IngressRequest.WRAPPER_BYTES
                + IngressRequest.keyAttributeBytes(idempotencyKey));
        return body;
    }

    protected static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    /** The answer is a JSON refusal {"error": code, "message": ...} with the status, and echoes no key. */
    protected static JsonNode assertRefused(HttpResponse<String> response, int status, String error) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""), "Content-Type");
        JsonNode json = json(response);
        assertEquals(error, json.path("error").asText(), response.body());
        assertTrue(json.path("message").isTextual() && !json.path("message").asText().isBlank(), "a message: " + response.body());
        assertFalse(response.headers().firstValue("X-API-Key").isPresent(), "the API key must not be echoed");
        return json;
    }

    /**
     * Nothing reached any queue the ingress serves, nor the relay's target. A sent message is visible, in flight or
     * (deleted only after the relay's POST) at the target, so checking the queues first, then the target, misses none.
     */
    protected void assertNothingEnqueued() {
        for (String alias : ALIASES) {
            assertEquals(0, messagesIn(queue(alias)), "messages in " + queue(alias));
        }
        assertEquals(List.of(), target.received(), "what the relay's target received");
    }
}
