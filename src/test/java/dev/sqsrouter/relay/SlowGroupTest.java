package dev.sqsrouter.relay;

import dev.sqsrouter.sqs.ConsumerStats;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Fault: one received batch holds a fast group and a group whose head takes longer than twice the visibility
 * timeout; the app runs two pollers. Promise: the fast group is acknowledged as soon as it is done, not after the
 * slow group, so none of its messages becomes visible again or is delivered twice, and no acknowledgement fails.
 */
class SlowGroupTest extends RelayTestSupport {

    private static final int VISIBILITY_SECONDS = 3;

    @Override
    protected void overrideProperties(Properties properties) {
        properties.setProperty("relay.visibility-timeout", Integer.toString(VISIBILITY_SECONDS));
        properties.setProperty("relay.http.response-timeout-ms", "60000");
        properties.setProperty("relay.pollers", "2");
    }

    @Test
    void aSlowGroupNeitherDelaysNorRedeliversTheFastGroupOfItsBatch() throws Exception {
        target.holdGroup("slow");
        // sent while nothing polls, so that one receive takes the four as one batch
        context.getRouteController().stopRoute("relay-queue-1");
        List<SendMessageBatchRequestEntry> entries = List.of(entry("slow", 1), entry("fast", 1), entry("fast", 2), entry("fast", 3));
        assertEquals(4, sqs.sendMessageBatch(b -> b.queueUrl(url(queue("queue-1"))).entries(entries)).successful().size());
        context.getRouteController().startRoute("relay-queue-1");
        ConsumerStats stats = stats(queue("queue-1"));

        // the fast group is deleted while the slow head is still at the target
        await().atMost(30, SECONDS).until(() -> stats.deleted() == 3);
        assertEquals(1, stats.received() - stats.deleted(), "only the slow head is still in flight");

        // a long poll of more than twice the visibility timeout: nothing of the batch comes back
        List<Message> seen = sqs.receiveMessage(b -> b.queueUrl(url(queue("queue-1"))).maxNumberOfMessages(10)
                .waitTimeSeconds(2 * VISIBILITY_SECONDS + 1)).messages();
        assertEquals(List.of(), seen);

        target.answerGroup("slow");
        await().atMost(30, SECONDS).until(() -> stats.deleted() == 4 && messagesIn(queue("queue-1")) == 0);
        assertEquals(Map.of("fast", List.of(1, 2, 3), "slow", List.of(1)), sequencesByGroup(target.received()),
                "each message delivered exactly once");
        assertEquals(4, stats.received());
        assertEquals(0, stats.acknowledgeErrors());
    }

    private static SendMessageBatchRequestEntry entry(String group, int seq) {
        return SendMessageBatchRequestEntry.builder().id(group + seq).messageGroupId(group)
                .messageDeduplicationId(UUID.randomUUID().toString())
                .messageBody("{\"data\":" + loadScriptMessage(group, seq, 200) + "}").build();
    }
}
