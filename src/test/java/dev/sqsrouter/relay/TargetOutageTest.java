package dev.sqsrouter.relay;

import dev.sqsrouter.sqs.ConsumerStats;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import dev.sqsrouter.sandbox.Emulators;
import dev.sqsrouter.sandbox.SampleResponseServer;
import org.junit.jupiter.api.Test;

/**
 * Fault: the response server is down (connections refused) for many more breaker periods than the queue's redrive
 * count (the shipped maxReceiveCount, 5). Promise: an outage of any length costs no receive count and breaks no
 * order: the group's messages stay in flight while the head is retried in place, nothing is parked or redriven, and
 * once the server is back every message arrives exactly once, in order.
 */
class TargetOutageTest extends RelayTestSupport {

    private static final int OUTAGE_BREAKER_PERIODS = 12;
    private final int downPort = Emulators.freePort();

    @Override
    protected void overrideProperties(Properties properties) {
        properties.setProperty("relay.queues.queue-1.url", "http://127.0.0.1:" + downPort + "/");
        // one breaker period is a second here (30 s as shipped); the redrive count stays the shipped 5
        properties.setProperty("relay.breaker.threshold", "2");
        properties.setProperty("relay.breaker.open-seconds", "1");
        properties.remove("relay.max-receive-count");
    }

    @Test
    void anOutageLongerThanTheRedriveCountOfBreakerPeriodsCostsNoReceiveCountAndKeepsOrder() throws Exception {
        assertEquals("5", context.getPropertiesComponent().resolveProperty("relay.max-receive-count").orElseThrow(),
                "the shipped redrive count");
        Map<String, List<Integer>> expected = new TreeMap<>();
        for (int seq = 1; seq <= 12; seq++) {
            for (String group : seq <= 3 ? List.of("a", "b") : List.of("a")) {
                sendToQueue("queue-1", group, loadScriptMessage(group, seq, 200));
                expected.computeIfAbsent(group, g -> new ArrayList<>()).add(seq);
            }
        }
        ConsumerStats stats = stats(queue("queue-1"));
        // the breaker opens once per period while the outage lasts: wait for many more periods than the redrive count
        await().atMost(90, SECONDS).until(() -> stats.breakerOpenings() >= OUTAGE_BREAKER_PERIODS);
        assertEquals(0, stats.deleted());
        assertEquals(15, messagesIn(queue("queue-1")));
        assertEquals(0, messagesIn(deadLetterQueue("queue-1")));
        assertEquals(List.of(), failures("queue-1", "a"));
        assertEquals(List.of(), failures("queue-1", "b"));

        try (SampleResponseServer back = SampleResponseServer.start(downPort, null)) {
            await().atMost(60, SECONDS).until(() -> stats.deleted() == 15 && messagesIn(queue("queue-1")) == 0);
            assertEquals(expected, sequencesByGroup(back.received()), "every message once, in order per group");
        }
        // each message was received from SQS once: the outage raised no receive count
        assertEquals(15, stats.received());
        assertEquals(0, messagesIn(deadLetterQueue("queue-1")));
        assertEquals(List.of(), failures("queue-1", "a"));
        assertEquals(List.of(), failures("queue-1", "b"));
        await().atMost(30, SECONDS).until(() -> stats.breakerState().equals("CLOSED"));
    }
}
