package dev.sqsrouter.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;

/**
 * A response server that answers ({"status_code":200}) at once or after a set latency, without holding a thread while it
 * waits, and remembers what arrived, for order checks, and how many calls it held at once. It can be
 * taken down for an outage, in one of two ways: it answers 503 to every call (and remembers none of them), or it stops
 * listening, so that connections are refused; {@link #up()} ends the outage on the same port.
 */
final class FastSink implements AutoCloseable {

    /** How the sink is down during an outage. */
    enum Outage {
        /** Every call is answered 503 Service Unavailable. */
        UNAVAILABLE,
        /** The server stops listening: connections are refused. */
        REFUSED
    }

    private static final Pattern GROUP_AND_SEQ = Pattern.compile("\"g\":\"([^\"]*)\",\"seq\":(\\d+)");
    private static final String ANSWER = "{\"status_code\":200}";

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    private final Queue<String> arrivals = new ConcurrentLinkedQueue<>();
    private final AtomicLong unavailableAnswers = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger maxInFlight = new java.util.concurrent.atomic.AtomicInteger();
    private volatile long latencyMs;
    private final int port;
    private volatile HttpServer server;
    private volatile boolean unavailable;

    FastSink() throws Exception {
        server = listen(0);
        port = server.actualPort();
    }

    private HttpServer listen(int onPort) throws Exception {
        return vertx.createHttpServer()
                .requestHandler(request -> request.body().onSuccess(body -> {
                    if (unavailable) {
                        unavailableAnswers.incrementAndGet();
                        request.response().setStatusCode(503).end();
                        return;
                    }
                    arrivals.add(body.toString());
                    long latency = latencyMs;
                    if (latency <= 0) {
                        request.response().putHeader("Content-Type", "application/json").end(ANSWER);
                        return;
                    }
                    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    vertx.setTimer(latency, id -> {
                        inFlight.decrementAndGet();
                        request.response().putHeader("Content-Type", "application/json").end(ANSWER);
                    });
                }))
                .listen(onPort, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    String url() {
        return "http://127.0.0.1:" + port + "/";
    }

    /** Starts an outage: from now on no call succeeds until {@link #up()}. */
    void down(Outage outage) throws Exception {
        if (outage == Outage.REFUSED) {
            HttpServer listening = server;
            server = null;
            listening.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } else {
            unavailable = true;
        }
    }

    /** Ends the outage: the sink answers 200 again, on the same port. */
    void up() throws Exception {
        unavailable = false;
        if (server == null) {
            server = listen(port);
        }
    }

    /** From now on every call is answered after this many milliseconds (0: at once). */
    void latency(long millis) {
        latencyMs = millis;
    }

    /** Calls the sink holds now (with a latency set). */
    int inFlight() {
        return inFlight.get();
    }

    /** The most calls the sink held at once since the last {@link #reset()}. */
    int maxInFlight() {
        return maxInFlight.get();
    }

    /** Calls answered 503 during outages since the last {@link #reset()}. */
    long unavailableAnswers() {
        return unavailableAnswers.get();
    }

    int arrived() {
        return arrivals.size();
    }

    void reset() {
        arrivals.clear();
        unavailableAnswers.set(0);
        maxInFlight.set(0);
    }

    /** Duplicates (a group and sequence seen again) and order violations (a sequence below one already seen). */
    int[] duplicatesAndOrderViolations() {
        Map<String, Integer> highest = new HashMap<>();
        Map<String, Boolean> seen = new HashMap<>();
        int duplicates = 0;
        int violations = 0;
        List<String> all = new ArrayList<>(arrivals);
        for (String body : all) {
            Matcher m = GROUP_AND_SEQ.matcher(body);
            if (!m.find()) {
                throw new IllegalStateException("unexpected body at the sink: " + body);
            }
            String group = m.group(1);
            int seq = Integer.parseInt(m.group(2));
            if (seen.put(group + "#" + seq, Boolean.TRUE) != null) {
                duplicates++;
                continue;
            }
            Integer top = highest.get(group);
            if (top != null && seq < top) {
                violations++;
            }
            highest.merge(group, seq, Math::max);
        }
        return new int[] {duplicates, violations};
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
