package dev.sqsrouter.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqsrouter.sqs.LatencyHistogram;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The hand-written baseline: each poller receives 10 with long polling, POSTs each message in turn, and deletes the
 * successes with one DeleteMessageBatch. Same HTTP client library as the app (Apache HttpClient 5). The same loop
 * without the HTTP call ({@link #brokerOnly}) is the ceiling the broker allows.
 */
final class SdkLoopBaseline {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SdkLoopBaseline() {
    }

    /**
     * What a loop did: how many it deleted and when the last of the expected ones was deleted (or, if not all were,
     * when it gave up). The pollers still in a long poll then return up to one wait time later; that is not counted.
     */
    record Drain(long deleted, long endNanos) {
    }

    /** Runs until {@code expected} messages are deleted or the time runs out. */
    static Drain run(SqsClient sqs, String queueUrl, String target, int pollers, int waitSeconds, long expected,
            long timeoutMillis, LatencyHistogram latency) throws Exception {
        try (CloseableHttpClient http = HttpClients.custom().setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create().setMaxConnTotal(200).setMaxConnPerRoute(200).build()).build()) {
            return loop(sqs, queueUrl, pollers, waitSeconds, expected, timeoutMillis, latency,
                    message -> post(http, target, message.body()));
        }
    }

    /**
     * The broker-only ceiling: the same receive loop and DeleteMessageBatch with no HTTP call at all, every message
     * received is deleted. Runs until {@code expected} messages are deleted or the time runs out.
     */
    static Drain brokerOnly(SqsClient sqs, String queueUrl, int pollers, int waitSeconds, long expected,
            long timeoutMillis, LatencyHistogram latency) throws Exception {
        return loop(sqs, queueUrl, pollers, waitSeconds, expected, timeoutMillis, latency, message -> true);
    }

    private static Drain loop(SqsClient sqs, String queueUrl, int pollers, int waitSeconds, long expected,
            long timeoutMillis, LatencyHistogram latency, Predicate<Message> handle) throws Exception {
        AtomicLong deleted = new AtomicLong();
        AtomicLong lastDeleteAt = new AtomicLong();
        long deadline = System.currentTimeMillis() + timeoutMillis;
        ExecutorService threads = Executors.newFixedThreadPool(pollers);
        for (int p = 0; p < pollers; p++) {
            threads.submit(() -> {
                while (deleted.get() < expected && System.currentTimeMillis() < deadline) {
                    List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                            .waitTimeSeconds(waitSeconds)).messages();
                    long receivedAt = System.nanoTime();
                    List<DeleteMessageBatchRequestEntry> successes = new ArrayList<>();
                    for (Message message : batch) {
                        if (handle.test(message)) {
                            successes.add(DeleteMessageBatchRequestEntry.builder()
                                    .id(Integer.toString(successes.size())).receiptHandle(message.receiptHandle()).build());
                        }
                    }
                    if (!successes.isEmpty()) {
                        int ok = sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(successes)).successful().size();
                        long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - receivedAt);
                        for (int i = 0; i < ok; i++) {
                            latency.recordMicros(micros);
                        }
                        if (deleted.addAndGet(ok) >= expected) {
                            lastDeleteAt.compareAndSet(0, System.nanoTime());
                        }
                    }
                }
                return null;
            });
        }
        threads.shutdown();
        threads.awaitTermination(timeoutMillis + 30_000, TimeUnit.MILLISECONDS);
        long end = lastDeleteAt.get();
        return new Drain(deleted.get(), end != 0 ? end : System.nanoTime());
    }

    private static boolean post(CloseableHttpClient http, String target, String body) {
        HttpPost post = new HttpPost(target);
        post.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
        try {
            return http.execute(post, response -> {
                String answer = EntityUtils.toString(response.getEntity());
                if (response.getCode() / 100 != 2) {
                    return false;
                }
                var statusCode = JSON.readTree(answer).get("status_code");
                return statusCode == null || statusCode.asInt() == 200;
            });
        } catch (Exception e) {
            return false;
        }
    }
}
