package dev.sqsrouter.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;

/** A response server that answers at once ({"status_code":200}) and remembers what arrived, for order checks. */
final class FastSink implements AutoCloseable {

    private static final Pattern GROUP_AND_SEQ = Pattern.compile("\"g\":\"([^\"]*)\",\"seq\":(\\d+)");
    private static final String ANSWER = "{\"status_code\":200}";

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    private final HttpServer server;
    private final Queue<String> arrivals = new ConcurrentLinkedQueue<>();

    FastSink() throws Exception {
        server = vertx.createHttpServer()
                .requestHandler(request -> request.body().onSuccess(body -> {
                    arrivals.add(body.toString());
                    request.response().putHeader("Content-Type", "application/json").end(ANSWER);
                }))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort() + "/";
    }

    int arrived() {
        return arrivals.size();
    }

    void reset() {
        arrivals.clear();
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
