package dev.sqsrouter.s3events;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sqsrouter.sandbox.SampleResponseServer;

/**
 * An audit target whose answer depends on the object key of the audit request: 200 {"status_code": 200} unless the
 * test says otherwise for that key (another status_code in a 2xx answer, or an HTTP status). Records every call with
 * its Idempotency-Key header.
 */
final class AuditTestServer implements AutoCloseable {

    /** One audit request as it arrived. */
    record Call(String key, String idempotencyKey, String body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> statusCodes = new ConcurrentHashMap<>();
    private final Map<String, Integer> httpStatuses = new ConcurrentHashMap<>();

    private AuditTestServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
    }

    static AuditTestServer start() {
        try {
            return new AuditTestServer();
        } catch (IOException e) {
            throw new IllegalStateException("could not start the audit test server", e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** Answer requests about this key with HTTP 200 and this status_code. */
    void answerStatusCode(String key, int statusCode) {
        statusCodes.put(key, statusCode);
    }

    /** Answer requests about this key with this HTTP status. */
    void answerHttpStatus(String key, int httpStatus) {
        httpStatuses.put(key, httpStatus);
    }

    /** Answer requests about this key with success again. */
    void accept(String key) {
        statusCodes.remove(key);
        httpStatuses.remove(key);
    }

    /** Every call in arrival order. */
    List<Call> calls() {
        return calls;
    }

    /** The object keys of the calls, in arrival order. */
    List<String> keys() {
        return calls.stream().map(Call::key).toList();
    }

    /** The calls about one key. */
    List<Call> callsFor(String key) {
        return calls.stream().filter(c -> key.equals(c.key())).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            JsonNode data = JSON.readTree(body).path("data");
            String key = data.path("key").asText();
            calls.add(new Call(key, exchange.getRequestHeaders().getFirst("Idempotency-Key"), body));
            Integer http = httpStatuses.get(key);
            if (http != null) {
                send(exchange, http, "{\"detail\":\"HTTP " + http + " for " + key + "\"}");
                return;
            }
            int statusCode = statusCodes.getOrDefault(key, 200);
            send(exchange, 200, "{\"status_code\":" + statusCode + ",\"content\":" + body + "}");
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        SampleResponseServer.send(exchange, status, body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
