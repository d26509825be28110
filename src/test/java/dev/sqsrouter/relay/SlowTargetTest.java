package dev.sqsrouter.relay;

import dev.sqsrouter.sqs.ConsumerStats;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A response server slower than the visibility timeout: the consumer's heartbeat keeps the running batch invisible,
 * so neither the app's other poller nor anyone else gets its messages, and the group ends in order with no duplicate.
 */
class SlowTargetTest extends RelayTestSupport {

    private static final int VISIBILITY_SECONDS = 5;

    @Override
    protected void overrideProperties(Properties properties) {
        properties.setProperty("relay.visibility-timeout", Integer.toString(VISIBILITY_SECONDS));
        // the call waits for the held answer instead of timing out
        properties.setProperty("relay.http.response-timeout-ms", "60000");
        properties.setProperty("relay.pollers", "2");
    }

    @Test
    void aMessageThatOutlivesTheVisibilityTimeoutIsNotHandedOutAgainWhileItRuns() {
        target.holdAnswers();
        for (int seq = 1; seq <= 3; seq++) {
            sendToQueue("queue-1", "slow", loadScriptMessage("slow", seq, 200));
        }
        await().atMost(30, SECONDS).until(() -> target.received().size() == 1);

        // a long poll of more than twice the visibility timeout while the first message is held at the target:
        // without the heartbeat it becomes visible again within this poll (to this receive or to the app's other poller)
        List<Message> seen = sqs.receiveMessage(b -> b.queueUrl(url(queue("queue-1"))).maxNumberOfMessages(10)
                .waitTimeSeconds(2 * VISIBILITY_SECONDS + 1)).messages();
        assertEquals(List.of(), seen);
        assertEquals(1, target.received().size());
        ConsumerStats stats = stats(queue("queue-1"));
        assertTrue(stats.visibilityExtensions() > 0, "the running batch's visibility was extended");

        target.answer();
        // the consumer counts a delete once SQS has answered it: wait for the count, not only for the empty queue
        await().atMost(30, SECONDS).until(() -> stats.deleted() == 3 && messagesIn(queue("queue-1")) == 0);
        assertEquals(Map.of("slow", List.of(1, 2, 3)), sequencesByGroup(target.received()));
        assertEquals(0, stats.kept());
        assertEquals(0, stats.retried(), "a slow answer is no failure: nothing retried");
    }
}
