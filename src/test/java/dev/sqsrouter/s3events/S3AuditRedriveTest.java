package dev.sqsrouter.s3events;

import static dev.sqsrouter.s3events.S3EventFixtures.fixture;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Properties;

import dev.sqsrouter.failure.FailureClass;
import dev.sqsrouter.failure.FailureRecord;
import org.junit.jupiter.api.Test;

/**
 * An S3 event that never stops failing transiently is not lost: after maxReceiveCount deliveries SQS moves it to the
 * queue's dead-letter queue, and the archiver records it in the failure store as REDRIVEN under the S3 event queue.
 */
class S3AuditRedriveTest extends S3EventsTestSupport {

    private static final int MAX_RECEIVE_COUNT = 2;

    @Override
    protected void overrideS3EventsProperties(Properties properties) {
        properties.setProperty("s3events.max-receive-count", Integer.toString(MAX_RECEIVE_COUNT));
        // a failing message goes back to SQS after a second of retries in place (11 hours as shipped)
        properties.setProperty("s3events.retry.max-hold-seconds", "1");
    }

    @Test
    void anEventWhoseAuditAlwaysAnswers503EndsRedrivenInTheFailureStoreAndBothQueuesEndEmpty() {
        target.forceHttpStatus(503);
        String body = fixture("sns-put.json");
        String messageId = sendEvent(AUDIT, body);

        FailureRecord record = await("REDRIVEN record of " + messageId).atMost(40, SECONDS)
                .until(() -> s3Failures(AUDIT).stream().filter(r -> messageId.equals(r.messageId())).findFirst().orElse(null),
                        r -> r != null);
        assertEquals(FailureClass.REDRIVEN, record.failureClass());
        assertEquals(s3Queue(AUDIT), record.queue(), "recorded under the S3 event queue, not its dead-letter queue");
        assertNull(record.group(), "a standard queue has no group");
        assertEquals(body, record.body(), "the SNS envelope as it was delivered");
        assertTrue(record.reason().contains(s3EventDeadLetterQueue(AUDIT)), record.reason());

        await().atMost(20, SECONDS).until(() -> messagesIn(s3Queue(AUDIT)) == 0
                && messagesIn(s3EventDeadLetterQueue(AUDIT)) == 0);
        // every delivery was retried in place for the maximum hold, and failed
        assertTrue(target.received().size() >= MAX_RECEIVE_COUNT * 2, () -> "calls: " + target.received().size());
        assertEquals(MAX_RECEIVE_COUNT, s3Stats(AUDIT).received(), "received once per delivery");
        assertEquals(0, s3Stats(AUDIT).deleted(), "the consumer of the S3 event queue never deleted it");
        List<FailureRecord> all = s3Failures(AUDIT);
        assertEquals(1, all.size(), () -> "one record: " + all);
    }
}
