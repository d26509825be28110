package dev.sqsrouter.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The seed's response server: POST / answers {"status_code": data.http_status, "content": <request body>} and
 * appends each request as a line to a log file. Tests can also make it answer with an HTTP error status.
 */
public final class SampleResponseServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Path log;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    /** Requests answered by the contract with HTTP 200 and status_code 200, once the answer was written. */
    private final List<Request> answered = new CopyOnWriteArrayList<>();
    /** How long each request takes to answer (a slow server), in milliseconds; 0 = at once. */
    private volatile long answerDelayMillis;
    /** Opened by {@link #close()}: requests delayed by {@link #delayAnswers} are answered at once. */
    private final CountDownLatch closing = new CountDownLatch(1);
    /** When not 0, every request is answered with this HTTP status instead of the contract. */
    private final AtomicInteger forcedHttpStatus = new AtomicInteger();
    /** While closed (count 1), requests are recorded but not answered. */
    private volatile CountDownLatch answering = new CountDownLatch(0);
    /** Groups (data.MessageGroupID) whose requests are held until {@link #answerGroup}. */
    private final Map<String, CountDownLatch> heldGroups = new ConcurrentHashMap<>();
    /** HTTP status forced for one message (group#transSeq), e.g. a poison 503. */
    private final Map<String, Integer> forcedForMessage = new ConcurrentHashMap<>();
    /** Retry-After header sent with the status forced for one message (group#transSeq). */
    private final Map<String, String> retryAfterForMessage = new ConcurrentHashMap<>();
    /** Requests being handled now, and the most at once. */
    private final AtomicInteger handling = new AtomicInteger();
    private final AtomicInteger mostHandledAtOnce = new AtomicInteger();

    private SampleResponseServer(int port, Path log) throws IOException {
        this.log = log;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        server.createContext("/", this::handle);
        // a thread per request, as a real server's many workers: a slow answer holds no other request back
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    /** Starts on the port (0 = any free port); log may be null. */
    public static SampleResponseServer start(int port, Path log) throws IOException {
        return new SampleResponseServer(port, log);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Request bodies in arrival order. */
    public List<String> received() {
        return received;
    }

    /** Requests (body and headers) in arrival order, the same order as {@link #received()}. */
    public List<Request> requests() {
        return requests;
    }

    /** Requests answered 200 with status_code 200 (a success for the relay), in the order their answers were written. */
    public List<Request> answered() {
        return answered;
    }

    /**
     * One request as it arrived; header names are case-insensitive. arrivedNanos (System.nanoTime) orders the requests
     * of several servers of one JVM.
     */
    public record Request(String body, Map<String, List<String>> headers, long arrivedNanos) {

        /** The header's first value, or null. */
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        /** The Idempotency-Key header the relay sent, or null. */
        public String idempotencyKey() {
            return header("Idempotency-Key");
        }
    }

    /** Take this long to answer each request from now on (a slow server); 0 = answer at once. */
    public void delayAnswers(long millis) {
        answerDelayMillis = millis;
    }

    /** Answer every request with this HTTP status (0 = follow the contract again). */
    public void forceHttpStatus(int status) {
        forcedHttpStatus.set(status);
    }

    /** From now on, record requests but answer none of them until {@link #answer()}. */
    public void holdAnswers() {
        answering = new CountDownLatch(1);
    }

    /** Answer the held requests and every later one. */
    public void answer() {
        answering.countDown();
    }

    /** Record the requests of one group (data.MessageGroupID) but answer none of them until {@link #answerGroup}. */
    public void holdGroup(String group) {
        heldGroups.put(group, new CountDownLatch(1));
    }

    /** Answer the held requests of a group and every later one. */
    public void answerGroup(String group) {
        CountDownLatch held = heldGroups.remove(group);
        if (held != null) {
            held.countDown();
        }
    }

    /** Answer every request for one message (data.MessageGroupID and data.transSeq) with this HTTP status. */
    public void forceHttpStatusFor(String group, int transSeq, int status) {
        forcedForMessage.put(group + "#" + transSeq, status);
    }

    /** Answer every request for one message with this HTTP status and Retry-After header (status 0: the contract again). */
    public void forceHttpStatusFor(String group, int transSeq, int status, String retryAfter) {
        retryAfterForMessage.put(group + "#" + transSeq, retryAfter);
        forceHttpStatusFor(group, transSeq, status);
    }

    /** The most requests this server was handling at once (received, not yet answered). */
    public int mostHandledAtOnce() {
        return mostHandledAtOnce.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        mostHandledAtOnce.accumulateAndGet(handling.incrementAndGet(), Math::max);
        try {
            handleOne(exchange);
        } finally {
            handling.decrementAndGet();
        }
    }

    private void handleOne(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "{\"detail\":\"Method Not Allowed\"}");
                return;
            }
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
            Request recorded;
            synchronized (requests) {
                // one order for both lists
                recorded = new Request(body, Collections.unmodifiableMap(headers), System.nanoTime());
                requests.add(recorded);
                received.add(body);
            }
            try {
                answering.await();
                long delay = answerDelayMillis;
                if (delay > 0) {
                    // the server's own processing time; a closing server answers at once
                    closing.await(delay, java.util.concurrent.TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (log != null) {
                Files.writeString(log, body.replace('\n', ' ') + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            JsonNode request;
            try {
                request = JSON.readTree(body);
            } catch (IOException e) {
                request = null;
            }
            JsonNode data = request == null ? null : request.path("data");
            if (data != null) {
                CountDownLatch held = heldGroups.get(data.path("MessageGroupID").asText());
                if (held != null) {
                    try {
                        held.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            int forced = forcedHttpStatus.get();
            if (forced == 0 && data != null) {
                String message = data.path("MessageGroupID").asText() + "#" + data.path("transSeq").asText();
                forced = forcedForMessage.getOrDefault(message, 0);
                String retryAfter = retryAfterForMessage.get(message);
                if (forced != 0 && retryAfter != null) {
                    exchange.getResponseHeaders().set("Retry-After", retryAfter);
                }
            }
            if (forced != 0) {
                send(exchange, forced, "{\"detail\":\"forced status " + forced + "\"}");
                return;
            }
            if (request == null) {
                send(exchange, 422, "{\"detail\":\"body is not JSON\"}");
                return;
            }
            ObjectNode answer = JSON.createObjectNode();
            JsonNode status = data.path("http_status");
            answer.set("status_code", status.isMissingNode() ? JSON.getNodeFactory().numberNode(200) : status);
            answer.set("content", request);
            send(exchange, 200, JSON.writeValueAsString(answer));
            if (status.isMissingNode() || status.asInt() == 200) {
                answered.add(recorded);
            }
        }
    }

    /** Answers with a JSON body and this HTTP status (test servers share it). */
    public static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        closing.countDown();
        answer();
        heldGroups.values().forEach(CountDownLatch::countDown);
        server.stop(0);
    }
}
