package dev.sqsrouter.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import dev.sqsrouter.sandbox.SampleResponseServer;
import dev.sqsrouter.sandbox.SampleResponseServer.Request;
import org.junit.jupiter.api.Test;

/**
 * Fault: one of two instances that consume the same FIFO queue is killed (SIGKILL: no shutdown code runs) in the
 * middle of the run; what it had received stays invisible until its visibility timeout (5 s here) passes.
 * <p>
 * Promise: nothing is lost (every message reaches a response server at least once and the queue ends empty); the
 * first delivery of each message comes in order within its group; a message delivered twice (the killed instance had
 * it in flight) carries the same Idempotency-Key, its SQS message id, both times, so the server can tell.
 */
class KilledInstanceIT extends ProcessTestSupport {

    private static final int GROUPS = 20;
    private static final int PER_GROUP = 20;
    /** Short: the killed instance's messages come back after this. */
    private static final int VISIBILITY_SECONDS = 5;

    @Test
    void killedInstanceLosesNothingAndItsRedeliveriesCarryTheSameIdempotencyKey() throws Exception {
        provision(VISIBILITY_SECONDS);
        String queue = queue("queue-1");
        try (SampleResponseServer serverA = SampleResponseServer.start(0, null);
                SampleResponseServer serverB = SampleResponseServer.start(0, null);
                AppProcess a = AppProcess.start(prefix + "-a", appProperties(serverA.url(), VISIBILITY_SECONDS));
                AppProcess b = AppProcess.start(prefix + "-b", appProperties(serverB.url(), VISIBILITY_SECONDS))) {
            serverA.delayAnswers(50);
            serverB.delayAnswers(50);
            a.awaitReady();
            b.awaitReady();
            Map<String, Sent> sent = sendInterleaved("queue-1", GROUPS, PER_GROUP);

            // both instances at work, then instance A vanishes
            await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> assertTrue(
                    serverA.received().size() >= 30 && serverB.received().size() >= 10,
                    "A received " + serverA.received().size() + ", B " + serverB.received().size()));
            a.kill();
            assertTrue(a.awaitExit(Duration.ofSeconds(10)), "the killed instance is gone");
            int receivedByAWhenKilled = serverA.received().size();

            // B takes over what A held once A's visibility timeout passes: every message delivered, the queue empty
            await("every message delivered and deleted").atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> {
                        Set<String> delivered = new HashSet<>();
                        serverA.requests().forEach(r -> delivered.add(r.idempotencyKey()));
                        serverB.requests().forEach(r -> delivered.add(r.idempotencyKey()));
                        assertEquals(sent.keySet(), delivered, "messages delivered");
                        assertEquals(0, messagesIn(queue), "messages left in the queue");
                    });

            // every delivery, both servers, in arrival order
            List<Delivery> deliveries = new ArrayList<>();
            serverA.requests().forEach(r -> deliveries.add(new Delivery("A", r)));
            serverB.requests().forEach(r -> deliveries.add(new Delivery("B", r)));
            deliveries.sort(Comparator.comparingLong(d -> d.request().arrivedNanos()));

            // each body always carried the one Idempotency-Key: the SQS message id it was sent as
            Map<String, Set<String>> keysByBody = new HashMap<>();
            deliveries.forEach(d -> keysByBody.computeIfAbsent(d.request().body(), k -> new HashSet<>())
                    .add(d.request().idempotencyKey()));
            Map<String, Set<String>> expectedKeys = new HashMap<>();
            sent.values().forEach(s -> expectedKeys.put(
                    "{\"data\":" + loadScriptMessage(s.group(), s.seq()) + "}", Set.of(s.messageId())));
            assertEquals(expectedKeys, keysByBody, "Idempotency-Key per message body");

            // first deliveries in order per group; duplicates only of what A held when it was killed
            Map<String, Delivery> first = new LinkedHashMap<>();
            List<Delivery> duplicates = new ArrayList<>();
            for (Delivery d : deliveries) {
                if (first.putIfAbsent(d.request().idempotencyKey(), d) != null) {
                    duplicates.add(d);
                }
            }
            Map<String, List<Integer>> firstOrder = seqsByGroup(new ArrayList<>(first.keySet()), sent);
            Map<String, List<Integer>> wanted = new TreeMap<>();
            for (int g = 0; g < GROUPS; g++) {
                wanted.put("g" + g, oneTo(PER_GROUP));
            }
            assertEquals(wanted, firstOrder, "first deliveries per group");
            for (Delivery duplicate : duplicates) {
                Delivery original = first.get(duplicate.request().idempotencyKey());
                assertEquals("A", original.server(), "a message delivered twice that the killed instance never had: "
                        + duplicate.request().body());
                assertEquals("B", duplicate.server(), "a redelivery by the killed instance");
            }
            assertEquals(receivedByAWhenKilled, serverA.received().size(), "the killed instance delivered nothing more");
            assertEquals(0, messagesIn(deadLetterQueue("queue-1")), "messages in the dead-letter queue");
            assertEquals(0, failureRecords(), "failure store records");
            System.out.printf("killed instance: %d deliveries for %d messages, %d duplicates (A delivered %d before the kill,"
                    + " B %d in all)%n", deliveries.size(), sent.size(), duplicates.size(), receivedByAWhenKilled,
                    serverB.received().size());
        }
    }

    /** One request a response server received, and which server (A: the killed instance's, B: the survivor's). */
    private record Delivery(String server, Request request) {
    }
}
