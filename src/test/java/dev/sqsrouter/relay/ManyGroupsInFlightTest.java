package dev.sqsrouter.relay;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import dev.sqsrouter.sqs.ConsumerStats;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Hundreds of groups in flight behind a slow response server, with the shipped cap (relay.max-groups-in-flight, 500)
 * and receive settings.
 * <p>
 * The fault: a response server that holds every call ({@value #LATENCY_MS} ms per call once it answers), with
 * {@value #GROUPS} groups waiting. The promise: the groups in flight follow the work, not a thread pool (the former
 * design held 20 at most): hundreds are received and held at once, each a call the server holds; each group then
 * arrives in its order, nothing twice; and a stop while they are in flight ends within its timeout, deletes what was
 * answered and gives back exactly the rest.
 */
class ManyGroupsInFlightTest extends RelayTestSupport {

    private static final int GROUPS = 300;
    private static final int PER_GROUP = 3;
    /** Groups that must be in flight at once: hundreds, far above the former 20 (2 pollers x 10 workers). */
    private static final int HUNDREDS = 250;
    private static final long LATENCY_MS = 300;

    @Override
    protected void overrideProperties(Properties properties) {
        // the held calls wait for the test, not for the client's timeout
        properties.setProperty("relay.http.response-timeout-ms", "60000");
    }

    @Test
    void hundredsOfGroupsAreHeldAtOnceBehindASlowServerThenEachArrivesInItsOrderWithoutDuplicates() throws Exception {
        target.delayAnswers(LATENCY_MS);
        target.holdAnswers();
        Map<String, List<Integer>> expected = sendInterleaved(GROUPS, PER_GROUP);
        ConsumerStats stats = stats(queue("queue-1"));

        // nothing is answered yet, so every group received stays in flight: the receives go on until hundreds are
        await().atMost(60, SECONDS).until(() -> stats.groupsInFlight() >= HUNDREDS && target.mostHandledAtOnce() >= HUNDREDS);
        target.answer();
        await().atMost(60, SECONDS).until(() -> target.answered().size() >= GROUPS * PER_GROUP && messagesIn(queue("queue-1")) == 0);

        assertEquals(expected, sequencesByGroup(target.received()), "each group in its order, every message once");
        assertEquals(GROUPS * PER_GROUP, target.received().size(), "no call twice");
        assertEquals(GROUPS * PER_GROUP, stats.received(), "SQS handed out every message once");
        assertEquals(GROUPS * PER_GROUP, stats.deleted());
        assertEquals(0, stats.retried() + stats.kept() + stats.released(), "none retried, kept or released: " + stats.toMap());
        await().atMost(10, SECONDS).until(() -> stats.groupsInFlight() == 0);
        assertEquals(0, messagesIn(deadLetterQueue("queue-1")));
        assertEquals(Map.of(), failureStore().openCounts(), "nothing parked");
    }

    @Test
    void aStopWithHundredsOfGroupsInFlightEndsInTimeAndGivesBackExactlyWhatWasNotAnswered() throws Exception {
        target.delayAnswers(LATENCY_MS);
        target.holdAnswers();
        Map<String, List<Integer>> sent = sendInterleaved(GROUPS, PER_GROUP);
        ConsumerStats stats = stats(queue("queue-1"));
        await().atMost(60, SECONDS).until(() -> stats.groupsInFlight() >= HUNDREDS && target.mostHandledAtOnce() >= HUNDREDS);

        // the held calls are answered (each after the server's latency) while the stop begins
        target.answer();
        boolean graceful = context.getRouteController().stopRoute("relay-queue-1", 20, SECONDS, true);

        assertTrue(graceful, "the route stopped within its timeout, not forced");
        assertEquals(0, stats.groupsInFlight(), "no group left running");
        // what the server answered was deleted; what it did not answer is back in SQS, each group's tail in order
        Map<String, List<Integer>> answered = sequencesByGroup(target.answered().stream().map(r -> r.body()).toList());
        List<Message> remaining = drain(queue("queue-1"));
        Map<String, List<Integer>> left = sequencesByGroup(remaining.stream().map(Message::body).toList());
        for (Map.Entry<String, List<Integer>> group : sent.entrySet()) {
            List<Integer> whole = new ArrayList<>(answered.getOrDefault(group.getKey(), List.of()));
            List<Integer> back = new ArrayList<>(left.getOrDefault(group.getKey(), List.of()));
            back.sort(null);
            whole.addAll(back);
            assertEquals(group.getValue(), whole, group.getKey() + ": answered, then given back, nothing lost or twice");
        }
        assertTrue(target.answered().size() >= HUNDREDS && !remaining.isEmpty(), "the stop came while groups were in"
                + " flight: " + target.answered().size() + " answered, " + remaining.size() + " given back");
        assertEquals(GROUPS * PER_GROUP, target.answered().size() + remaining.size());
        assertEquals(target.answered().size(), stats.deleted(), "what was answered was deleted");
        assertEquals(0, messagesIn(deadLetterQueue("queue-1")));
        assertEquals(Map.of(), failureStore().openCounts(), "nothing parked");
    }

    /** Sends g0..g(groups-1), perGroup messages each, interleaved, in batches of ten; returns each group's order. */
    private Map<String, List<Integer>> sendInterleaved(int groups, int perGroup) {
        Map<String, List<Integer>> expected = new TreeMap<>();
        List<SendMessageBatchRequestEntry> batch = new ArrayList<>();
        String url = url(queue("queue-1"));
        for (int seq = 1; seq <= perGroup; seq++) {
            for (int g = 0; g < groups; g++) {
                String group = "g" + g;
                batch.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(batch.size()))
                        .messageBody("{\"data\":" + loadScriptMessage(group, seq, 200) + "}").messageGroupId(group)
                        .messageDeduplicationId(group + "-" + seq + "-" + System.nanoTime()).build());
                expected.computeIfAbsent(group, k -> new ArrayList<>()).add(seq);
                if (batch.size() == 10) {
                    send(url, batch);
                }
            }
        }
        if (!batch.isEmpty()) {
            send(url, batch);
        }
        return expected;
    }

    private void send(String url, List<SendMessageBatchRequestEntry> batch) {
        assertEquals(List.of(), sqs.sendMessageBatch(b -> b.queueUrl(url).entries(List.copyOf(batch))).failed());
        batch.clear();
    }
}
