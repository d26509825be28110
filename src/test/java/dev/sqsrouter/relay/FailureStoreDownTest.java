package dev.sqsrouter.relay;

import dev.sqsrouter.sqs.ConsumerStats;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.sqsrouter.failure.FailureClass;
import dev.sqsrouter.provision.Provisioner;
import org.junit.jupiter.api.Test;

/** DynamoDB fails while a business failure is parked: the message stays in SQS and is parked once the store is back. */
class FailureStoreDownTest extends RelayTestSupport {

    @Override
    protected boolean ownDynamoDb() {
        return true;
    }

    @Override
    protected void overrideProperties(Properties properties) {
        properties.setProperty("relay.breaker.threshold", "0");
        properties.setProperty("relay.max-receive-count", "100");
    }

    @Test
    void businessFailureIsNotLostWhileTheFailureStoreIsDown() throws Exception {
        stopDynamoDb();
        sendToQueue("queue-1", "d", loadScriptMessage("d", 1, 500));
        sendToQueue("queue-1", "d", loadScriptMessage("d", 2, 200));

        ConsumerStats stats = stats(queue("queue-1"));
        // the parking fails, so the message is retried in place: the target sees message 1 again, never message 2
        await().atMost(30, SECONDS).until(() -> stats.retried() >= 2 && target.received().size() >= 2);
        // the failed message and the rest of its group are still in SQS; nothing went to the dead-letter queue
        assertEquals(0, stats.deleted());
        assertTrue(stats.received() <= 2, "no message received twice: held in flight, not given back");
        assertEquals(2, messagesIn(queue("queue-1")));
        assertEquals(0, messagesIn(deadLetterQueue("queue-1")));
        assertEquals(Map.of("d", List.of(1, 1)), sequencesByGroup(target.received().subList(0, 2)));

        startDynamoDbAgain();
        new Provisioner(sqs, dynamoDb).failureTable(failureTable());

        await().atMost(60, SECONDS).until(() -> messagesIn(queue("queue-1")) == 0 && failures("queue-1", "d").size() == 1);
        assertEquals(FailureClass.BUSINESS, failures("queue-1", "d").get(0).failureClass());
        // message 2 of the group went through only after message 1 was parked
        List<Integer> seen = sequencesByGroup(target.received()).get("d");
        assertEquals(2, seen.get(seen.size() - 1));
        assertEquals(1, seen.stream().filter(s -> s == 2).count());
    }
}
