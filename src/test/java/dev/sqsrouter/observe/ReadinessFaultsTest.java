package dev.sqsrouter.observe;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.Properties;

import dev.sqsrouter.provision.Provisioner;
import dev.sqsrouter.sandbox.Emulators;
import org.junit.jupiter.api.Test;

/**
 * What readiness answers when something fails: DynamoDB down turns it down (and back up), a response server down (an
 * open breaker) does not; liveness stays up throughout.
 */
class ReadinessFaultsTest extends ManagementPortTestSupport {

    @Override
    protected boolean ownDynamoDb() {
        return true;
    }

    @Override
    protected void overrideProperties(Properties properties) {
        super.overrideProperties(properties);
        // queue-2's response server is down: nothing listens there
        properties.setProperty("relay.queues.queue-2.url", "http://127.0.0.1:" + Emulators.freePort() + "/");
        properties.setProperty("relay.queues.queue-2.breaker.threshold", "2");
        properties.setProperty("relay.queues.queue-2.breaker.open-seconds", "60");
        // a poll every 2 s (ready wants one within 6 s), and no AWS call of a poll may hang longer than a few seconds:
        // on a loaded machine a first call to a DynamoDB Local just started otherwise held the poll past the window
        properties.setProperty("observe.queue-poll-seconds", "2");
        properties.setProperty("aws.api-call-attempt-timeout-seconds", "3");
        properties.setProperty("aws.api-call-timeout-seconds", "5");
    }

    @Test
    void readyIsDownWhileDynamoDbDoesNotAnswerAndUpWhenItIsBack() throws Exception {
        await().atMost(45, SECONDS).untilAsserted(() -> assertEquals(200, observe("/observe/health/ready").statusCode()));

        stopDynamoDb();
        await().atMost(45, SECONDS).untilAsserted(() -> {
            HttpResponse<String> ready = observe("/observe/health/ready");
            assertEquals(503, ready.statusCode(), ready.body());
            assertTrue(ready.body().contains("DynamoDB did not answer"), ready.body());
        });
        assertEquals(200, observe("/observe/health/live").statusCode());
        assertEquals(0, scrape().value("sqsrouter_aws_reachable", "service", "dynamodb"));
        assertEquals(1, scrape().value("sqsrouter_aws_reachable", "service", "sqs"));

        startDynamoDbAgain();
        new Provisioner(sqs, dynamoDb).failureTable(failureTable());
        await().atMost(45, SECONDS).untilAsserted(() -> assertEquals(200, observe("/observe/health/ready").statusCode()));
    }

    @Test
    void anOpenBreakerLeavesLiveAndReadyUp() {
        await().atMost(45, SECONDS).untilAsserted(() -> assertEquals(200, observe("/observe/health/ready").statusCode()));
        sendToQueue("queue-2", "b1", loadScriptMessage("b1", 1, 200));

        await().atMost(30, SECONDS).untilAsserted(() ->
                assertEquals(2, scrape().value("sqsrouter_breaker_state", "flow", "relay", "queue", "queue-2")));
        PrometheusText metrics = scrape();
        assertEquals(1, metrics.value("sqsrouter_breaker_openings_total", "flow", "relay", "queue", "queue-2"));
        assertEquals(1, metrics.value("sqsrouter_messages_in_flight", "flow", "relay", "queue", "queue-2"));
        assertEquals(1, metrics.value("sqsrouter_groups_in_flight", "flow", "relay", "queue", "queue-2"), "its group is held for a retry");
        assertTrue(metrics.value("sqsrouter_messages_retried_total", "flow", "relay", "queue", "queue-2") >= 2);
        assertEquals(0, metrics.value("sqsrouter_breaker_state", "flow", "relay", "queue", "queue-1"));

        HttpResponse<String> ready = observe("/observe/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("breakers not closed (what they call fails, the app is up): queue-2 OPEN"),
                "the breaker is reported: " + ready.body());
        assertEquals(200, observe("/observe/health/live").statusCode());
    }
}
