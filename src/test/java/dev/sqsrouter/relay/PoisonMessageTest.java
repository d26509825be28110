package dev.sqsrouter.relay;

import dev.sqsrouter.sqs.ConsumerStats;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import dev.sqsrouter.failure.FailureClass;
import dev.sqsrouter.failure.FailureRecord;
import org.junit.jupiter.api.Test;

/**
 * Fault: one message keeps failing with HTTP 503 while the same response server answers the other groups (a poison
 * message, not an outage). Promise: after the configured number of such attempts it is parked in the failure store,
 * like a business failure, and its group goes on in order; the other groups flow all along.
 */
class PoisonMessageTest extends RelayTestSupport {

    private static final int POISON_ATTEMPTS = 3;

    @Override
    protected void overrideProperties(Properties properties) {
        properties.setProperty("relay.retry.poison-attempts", Integer.toString(POISON_ATTEMPTS));
    }

    @Test
    void aMessageThatFailsWhileOthersSucceedIsParkedAndItsGroupGoesOn() throws Exception {
        target.forceHttpStatusFor("p", 1, 503);
        sendToQueue("queue-1", "p", loadScriptMessage("p", 1, 200));
        sendToQueue("queue-1", "p", loadScriptMessage("p", 2, 200));
        // other groups keep the target busy (and answering) while the poison message is retried
        AtomicInteger sent = new AtomicInteger();
        ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
        traffic.scheduleAtFixedRate(() -> {
            int seq = sent.get() + 1;
            sendToQueue("queue-1", "ok" + (seq % 3), loadScriptMessage("ok" + (seq % 3), seq, 200));
            sent.set(seq);
        }, 0, 30, MILLISECONDS);
        try {
            await().atMost(60, SECONDS).until(() -> failures("queue-1", "p").size() == 1
                    && sequencesByGroup(target.received()).getOrDefault("p", List.of()).contains(2));
        } finally {
            // not shutdownNow: an interrupted send could count a message SQS never took
            traffic.shutdown();
            traffic.awaitTermination(10, SECONDS);
        }

        FailureRecord parked = failures("queue-1", "p").get(0);
        assertEquals(FailureClass.POISON, parked.failureClass());
        assertEquals("1", JSON.readTree(parked.body()).path("data").path("transSeq").asText());
        assertEquals(503, parked.httpStatus());
        assertTrue(parked.reason().contains("503"), parked.reason());
        // message 1 was tried at least the configured number of times, and message 2 only after the last of them
        List<Integer> group = sequencesByGroup(target.received()).get("p");
        assertTrue(group.size() >= POISON_ATTEMPTS + 1, group.toString());
        assertEquals(List.of(2), group.subList(group.size() - 1, group.size()));
        assertTrue(group.subList(0, group.size() - 1).stream().allMatch(seq -> seq == 1), group.toString());

        ConsumerStats stats = stats(queue("queue-1"));
        int total = sent.get() + 2;
        await("all " + total + " messages deleted").atMost(30, SECONDS)
                .until(() -> stats.deleted() == total && messagesIn(queue("queue-1")) == 0);
        assertEquals(0, messagesIn(deadLetterQueue("queue-1")));
        for (int g = 0; g < 3; g++) {
            List<Integer> ok = sequencesByGroup(target.received()).getOrDefault("ok" + g, List.of());
            assertEquals(ok.stream().sorted().distinct().toList(), ok, "group ok" + g + " in order, each once");
            assertEquals(List.of(), failures("queue-1", "ok" + g));
        }
    }
}
