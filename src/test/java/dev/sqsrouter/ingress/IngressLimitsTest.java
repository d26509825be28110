package dev.sqsrouter.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.sqsrouter.sandbox.Emulators;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Limits per ingress key, configured beside the key: a rate and a burst (429 with Retry-After past them, other keys
 * unaffected) and the queues a key may post to (403 elsewhere); the limits' state on /observe/metrics.
 */
class IngressLimitsTest extends IngressTestSupport {

    private final int managementPort = Emulators.freePort();

    @Override
    protected void overrideProperties(Properties properties) {
        super.overrideProperties(properties);
        properties.setProperty("camel.management.port", Integer.toString(managementPort));
        // one request per 100 s after a burst of 3: the fourth within the test is always past the limit
        properties.setProperty("ingress.keys.slow.key", "slow-secret");
        properties.setProperty("ingress.keys.slow.rate", "0.01");
        properties.setProperty("ingress.keys.slow.burst", "3");
        properties.setProperty("ingress.keys.held-only.key", "held-only-secret");
        properties.setProperty("ingress.keys.held-only.queues", HELD);
        properties.setProperty("ingress.keys.each-queue.key", "each-queue-secret");
        properties.setProperty("ingress.keys.each-queue.rate", "0.01");
        properties.setProperty("ingress.keys.each-queue.burst", "1");
        properties.setProperty("ingress.keys.each-queue.per-queue", "true");
    }

    @Test
    void keyPastItsBurstGets429WithRetryAfterAndOtherKeysGoOn() {
        for (int i = 1; i <= 3; i++) {
            HttpResponse<String> accepted = postAs("slow-secret", HELD, i);
            assertEquals(200, accepted.statusCode(), accepted.body());
        }
        HttpResponse<String> limited = postAs("slow-secret", HELD, 4);
        assertRefused(limited, 429, "rate_limited");
        int retryAfter = Integer.parseInt(limited.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 100, "Retry-After " + retryAfter);

        HttpResponse<String> other = postAs(API_KEY, HELD, 5);
        assertEquals(200, other.statusCode(), other.body());

        assertEquals(List.of("1", "2", "3", "5"), drain(queue(HELD)).stream().map(IngressLimitsTest::seq).toList());
    }

    @Test
    void keyLimitedToAQueueIsRefusedElsewhere() {
        assertRefused(postAs("held-only-secret", "queue-1", 1), 403, "queue_not_allowed");
        assertNothingEnqueued();

        HttpResponse<String> allowed = postAs("held-only-secret", HELD, 2);
        assertEquals(200, allowed.statusCode(), allowed.body());
        assertEquals(List.of("2"), drain(queue(HELD)).stream().map(IngressLimitsTest::seq).toList());
    }

    @Test
    void perQueueLimitGivesEachQueueItsOwnBurst() {
        assertEquals(200, postAs("each-queue-secret", HELD, 1).statusCode());
        assertRefused(postAs("each-queue-secret", HELD, 2), 429, "rate_limited");
        assertEquals(200, postAs("each-queue-secret", "queue-2", 3).statusCode());
        assertRefused(postAs("each-queue-secret", "queue-2", 4), 429, "rate_limited");
    }

    @Test
    void limitsStateIsInTheMetrics() {
        assertEquals(200, postAs("slow-secret", HELD, 1).statusCode());
        String before = metrics();
        assertEquals(2.0, sample(before, "sqsrouter_ingress_tokens", "key=\"slow\",queue=\"*\""), 0.01);
        assertEquals(0.0, sample(before, "sqsrouter_ingress_refused_total", "key=\"slow\",queue=\"" + HELD
                + "\",reason=\"rate_limited\""));

        postAs("slow-secret", HELD, 2);
        postAs("slow-secret", HELD, 3);
        assertEquals(429, postAs("slow-secret", HELD, 4).statusCode());
        assertEquals(429, postAs("slow-secret", HELD, 5).statusCode());
        assertEquals(403, postAs("held-only-secret", "queue-1", 6).statusCode());

        String after = metrics();
        assertEquals(0.0, sample(after, "sqsrouter_ingress_tokens", "key=\"slow\",queue=\"*\""), 0.01);
        assertEquals(2.0, sample(after, "sqsrouter_ingress_refused_total", "key=\"slow\",queue=\"" + HELD
                + "\",reason=\"rate_limited\""));
        assertEquals(1.0, sample(after, "sqsrouter_ingress_refused_total", "key=\"held-only\",queue=\"queue-1\""
                + ",reason=\"queue_not_allowed\""));
    }

    private HttpResponse<String> postAs(String apiKey, String alias, int seq) {
        return call("POST", "/" + alias, "{\"MessageGroupID\": \"g\", \"transSeq\": \"" + seq + "\"}", "X-API-Key", apiKey,
                "Content-Type", "application/json");
    }

    private static String seq(Message message) {
        return message.body().replaceAll(".*\"transSeq\": \"(\\d+)\".*", "$1");
    }

    private String metrics() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                    + "/observe/metrics")).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            assertEquals(200, response.statusCode(), response.body());
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The value of the sample with exactly these labels (in Prometheus's order, by name). */
    private static double sample(String metrics, String name, String labels) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name + "{" + labels + "}") + " (\\S+)$").matcher(metrics);
        assertTrue(matcher.find(), name + "{" + labels + "} in\n" + metrics.lines().filter(l -> l.startsWith("sqsrouter_ingress"))
                .reduce("", (a, b) -> a + b + "\n"));
        return Double.parseDouble(matcher.group(1));
    }
}
