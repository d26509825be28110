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

/** The response server is down: nothing is deleted or stored, the breaker stops receiving, all arrive once it is back. */
class TargetDownTest extends RelayTestSupport {

    private final int downPort = Emulators.freePort();

    @Override
    protected void overrideProperties(Properties properties) {
        properties.setProperty("relay.queues.queue-1.url", "http://127.0.0.1:" + downPort + "/");
        properties.setProperty("relay.breaker.threshold", "2");
        properties.setProperty("relay.breaker.open-seconds", "2");
        // far from the dead-letter queue: this test is about not losing and not reordering
        properties.setProperty("relay.max-receive-count", "100");
    }

    @Test
    void nothingIsDeletedOrStoredWhileTheTargetIsDownAndAllArriveInOrderOnceItIsBack() throws Exception {
        Map<String, List<Integer>> expected = new TreeMap<>();
        for (int seq = 1; seq <= 5; seq++) {
            for (String group : List.of("a", "b", "c")) {
                sendToQueue("queue-1", group, loadScriptMessage(group, seq, 200));
                expected.computeIfAbsent(group, g -> new ArrayList<>()).add(seq);
            }
        }
        ConsumerStats stats = stats(queue("queue-1"));
        // the breaker opens after two failed batches in a row: receiving stops instead of burning receive counts
        await().atMost(30, SECONDS).until(() -> stats.breakerOpenings() >= 1);
        await().atMost(30, SECONDS).until(() -> stats.breakerState().equals("OPEN"));
        assertEquals(0, stats.deleted());
        assertEquals(15, messagesIn(queue("queue-1")));
        assertEquals(0, messagesIn(deadLetterQueue("queue-1")));
        for (String group : expected.keySet()) {
            assertEquals(List.of(), failures("queue-1", group));
        }

        try (SampleResponseServer back = SampleResponseServer.start(downPort, null)) {
            await().atMost(60, SECONDS).until(() -> back.received().size() >= 15 && messagesIn(queue("queue-1")) == 0);
            assertEquals(expected, sequencesByGroup(back.received()));
            // a successful batch closes the breaker
            await().atMost(30, SECONDS).until(() -> stats.breakerState().equals("CLOSED"));
        }
        for (String group : expected.keySet()) {
            assertEquals(List.of(), failures("queue-1", group));
        }
    }
}
