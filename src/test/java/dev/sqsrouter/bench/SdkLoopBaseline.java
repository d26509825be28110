package dev.sqsrouter.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqsrouter.relay.LatencyHistogram;
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
 * successes with one DeleteMessageBatch. Same HTTP client library as the app (Apache HttpClient 5).
 */
final class SdkLoopBaseline {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SdkLoopBaseline() {
    }

    /** Runs until {@code expected} messages are deleted or the time runs out; returns the number deleted. */
    static long run(SqsClient sqs, String queueUrl, String target, int pollers, int waitSeconds, long expected,
            long timeoutMillis, LatencyHistogram latency) throws Exception {
        AtomicLong deleted = new AtomicLong();
        long deadline = System.currentTimeMillis() + timeoutMillis;
        try (CloseableHttpClient http = HttpClients.custom().setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create().setMaxConnTotal(200).setMaxConnPerRoute(200).build()).build()) {
            ExecutorService threads = Executors.newFixedThreadPool(pollers);
            for (int p = 0; p < pollers; p++) {
                threads.submit(() -> {
                    while (deleted.get() < expected && System.currentTimeMillis() < deadline) {
                        List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                                .waitTimeSeconds(waitSeconds)).messages();
                        long receivedAt = System.nanoTime();
                        List<DeleteMessageBatchRequestEntry> successes = new ArrayList<>();
                        for (Message message : batch) {
                            if (post(http, target, message.body())) {
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
                            deleted.addAndGet(ok);
                        }
                    }
                    return null;
                });
            }
            threads.shutdown();
            threads.awaitTermination(timeoutMillis + 30_000, TimeUnit.MILLISECONDS);
        }
        return deleted.get();
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
