package dev.sqsrouter.observe;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.util.Collections;

import dev.sqsrouter.failure.FailureClass;
import org.junit.jupiter.api.Test;

/** The management port: live and ready without a key, Prometheus metrics scraped and parsed, bound to the loopback. */
class ObservabilityTest extends ManagementPortTestSupport {

    @Test
    void liveAndReadyAnswerWithoutAKeyOnTheLoopbackOnly() throws Exception {
        await().atMost(20, SECONDS).untilAsserted(() -> assertEquals(200, observe("/observe/health/ready").statusCode()));
        HttpResponse<String> live = observe("/observe/health/live");
        assertEquals(200, live.statusCode(), live.body());
        assertTrue(live.body().contains("UP"), live.body());
        HttpResponse<String> ready = observe("/observe/health/ready");
        assertTrue(ready.body().contains("sqs-router-consumers-and-aws"), ready.body());

        // as shipped, the management server listens on 127.0.0.1 only: another address of this machine is refused
        InetAddress other = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .filter(n -> !n.getName().startsWith("lo"))
                .flatMap(n -> Collections.list(n.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst()
                .orElseThrow(() -> new AssertionError("this machine has no IPv4 address besides the loopback to try"));
        assertEquals("127.0.0.1", context.getPropertiesComponent().resolveProperty("camel.management.host").orElseThrow());
        try (Socket loopback = new Socket()) {
            loopback.connect(new InetSocketAddress("127.0.0.1", managementPort), 2000);
        }
        assertThrows(ConnectException.class, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(other, managementPort), 2000);
            }
        }, "the management port answered on " + other);
    }

    @Test
    void readyIsDownWhileAConsumerRouteIsStoppedAndLiveStaysUp() throws Exception {
        await().atMost(20, SECONDS).untilAsserted(() -> assertEquals(200, observe("/observe/health/ready").statusCode()));

        context.getRouteController().stopRoute("relay-queue-2");
        HttpResponse<String> ready = observe("/observe/health/ready");
        assertEquals(503, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("route relay-queue-2 is Stopped"), ready.body());
        HttpResponse<String> live = observe("/observe/health/live");
        assertEquals(200, live.statusCode(), live.body());

        context.getRouteController().startRoute("relay-queue-2");
        assertEquals(200, observe("/observe/health/ready").statusCode());
    }

    @Test
    void metricsCountWhatTheRelayDidPerQueue() {
        int relayed = 5;
        for (int seq = 1; seq <= relayed; seq++) {
            assertEquals(200, post("queue-1", loadScriptMessage("m1", seq, 200)).statusCode());
        }
        // status_code 400 from the response server: a business failure, parked once
        assertEquals(200, post("queue-1", loadScriptMessage("m2", 1, 400)).statusCode());
        await().atMost(30, SECONDS).until(() -> failures("queue-1", "m2").size() == 1);

        await().atMost(20, SECONDS).untilAsserted(() -> {
            PrometheusText metrics = scrape();
            String[] queue1 = {"flow", "relay", "queue", "queue-1"};
            assertEquals(relayed + 1, metrics.value("sqsrouter_messages_received_total", queue1), metrics.toString());
            assertEquals(relayed + 1, metrics.value("sqsrouter_messages_deleted_total", queue1));
            assertEquals(0, metrics.value("sqsrouter_messages_retried_total", queue1));
            assertEquals(1, metrics.value("sqsrouter_messages_parked_total", with(queue1, "class", "BUSINESS")));
            assertEquals(0, metrics.value("sqsrouter_messages_parked_total", with(queue1, "class", "POISON")));
            assertEquals(0, metrics.value("sqsrouter_messages_redriven_total", queue1));
            // one latency per deleted message
            assertEquals(relayed + 1, metrics.value("sqsrouter_relay_latency_seconds_count", queue1));
            assertEquals(relayed + 1, metrics.value("sqsrouter_relay_latency_seconds_bucket", with(queue1, "le", "+Inf")));
            assertTrue(metrics.value("sqsrouter_relay_latency_seconds_sum", queue1) > 0);
            assertEquals(0, metrics.value("sqsrouter_messages_in_flight", queue1));
            assertEquals(0, metrics.value("sqsrouter_breaker_state", queue1));
            // each message came with a receive that brought messages: at least one such receive, at most one per message
            double receivesWithMessages = metrics.value("sqsrouter_receives_total", with(queue1, "result", "messages"));
            assertTrue(receivesWithMessages >= 1 && receivesWithMessages <= relayed + 1, "receives with messages: " + receivesWithMessages);
            // the other queue saw nothing: its long poll was answered empty (each long poll lasts the test's wait)
            String[] queue2 = {"flow", "relay", "queue", "queue-2"};
            assertEquals(0, metrics.value("sqsrouter_messages_received_total", queue2));
            assertEquals(0, metrics.value("sqsrouter_receives_total", with(queue2, "result", "messages")));
            assertEquals(0, metrics.value("sqsrouter_relay_latency_seconds_count", queue2));
            // the open failures, as the queue watch counted them in the failure store
            assertEquals(1, metrics.value("sqsrouter_failures_open", with(queue1, "class", "BUSINESS")));
            assertEquals(0, metrics.value("sqsrouter_failures_open", with(queue1, "class", "POISON")));
            assertEquals(0, metrics.value("sqsrouter_failures_open", with(queue2, "class", "BUSINESS")));
            assertEquals(1, metrics.value("sqsrouter_aws_reachable", "service", "sqs"));
            assertEquals(1, metrics.value("sqsrouter_aws_reachable", "service", "dynamodb"));
        });
    }

    @Test
    void aMessageRedrivenToTheDeadLetterQueueCountsUnderItsSourceQueue() {
        // as SQS redrives it: the message itself, in the dead-letter queue, with its group
        sqs.sendMessage(b -> b.queueUrl(url(deadLetterQueue("queue-1"))).messageBody("{\"data\":" + loadScriptMessage("r1", 1, 200) + "}")
                .messageGroupId("r1").messageDeduplicationId("r1-1"));
        await().atMost(30, SECONDS).until(() -> failures("queue-1", "r1").size() == 1);
        await().atMost(20, SECONDS).untilAsserted(() -> {
            PrometheusText metrics = scrape();
            String[] queue1 = {"flow", "relay", "queue", "queue-1"};
            assertEquals(1, metrics.value("sqsrouter_messages_redriven_total", queue1), metrics.toString());
            assertEquals(1, metrics.value("sqsrouter_failures_open", with(queue1, "class", "REDRIVEN")));
            assertEquals(0, metrics.value("sqsrouter_messages_parked_total", with(queue1, "class", "BUSINESS")));
            // the relay's own consumer received nothing
            assertEquals(0, metrics.value("sqsrouter_messages_received_total", queue1));
        });
    }

    @Test
    void depthGaugeShowsWhatIsLeftInAQueueAfterThePoll() throws Exception {
        context.getRouteController().stopRoute("relay-queue-2");
        for (int seq = 1; seq <= 3; seq++) {
            sendToQueue("queue-2", "d1", loadScriptMessage("d1", seq, 200));
        }
        await().atMost(20, SECONDS).untilAsserted(() -> {
            PrometheusText metrics = scrape();
            String[] queue2 = {"flow", "relay", "queue", "queue-2", "sqs_queue", queue("queue-2"), "dead_letter", "false"};
            assertEquals(3, metrics.value("sqsrouter_queue_messages", with(queue2, "kind", "visible")), metrics.toString());
            assertEquals(0, metrics.value("sqsrouter_queue_messages", with(queue2, "kind", "in_flight")));
            String[] dlq2 = {"flow", "relay", "queue", "queue-2", "sqs_queue", deadLetterQueue("queue-2"), "dead_letter", "true"};
            assertEquals(0, metrics.value("sqsrouter_queue_messages", with(dlq2, "kind", "visible")));
            assertEquals(0, metrics.value("sqsrouter_queue_oldest_message_age_seconds", dlq2));
        });
        context.getRouteController().startRoute("relay-queue-2");
        await().atMost(20, SECONDS).until(() -> target.received().size() == 3);
        await().atMost(20, SECONDS).untilAsserted(() -> assertEquals(0, scrape().value("sqsrouter_queue_messages",
                "flow", "relay", "queue", "queue-2", "sqs_queue", queue("queue-2"), "dead_letter", "false", "kind", "visible")));
    }

    @Test
    void everyFailureClassHasItsSeriesFromTheStart() {
        PrometheusText metrics = scrape();
        for (FailureClass failureClass : FailureClass.values()) {
            String[] labels = {"flow", "s3events", "queue", "image-audit"};
            if (failureClass == FailureClass.REDRIVEN) {
                assertEquals(0, metrics.value("sqsrouter_messages_redriven_total", labels), metrics.toString());
            } else {
                assertEquals(0, metrics.value("sqsrouter_messages_parked_total", with(labels, "class", failureClass.name())));
            }
        }
    }
}
