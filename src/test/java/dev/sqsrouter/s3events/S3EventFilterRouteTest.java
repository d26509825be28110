package dev.sqsrouter.s3events;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;

import org.junit.jupiter.api.Test;

/** The queue filter in the route: records the configuration does not ask for are skipped, and their message deleted. */
class S3EventFilterRouteTest extends S3EventsTestSupport {

    @Override
    protected void overrideS3EventsProperties(Properties properties) {
        properties.setProperty("s3events.prefix", "Uploads/");
    }

    @Test
    void recordsOutsideTheFiltersAreSkippedAndDeleted() {
        sendEvent(AUDIT, S3EventFixtures.snsNotification(S3EventFixtures.s3Event(BUCKET, "uploads/notes.txt", "ObjectCreated:Put", 10)));
        sendEvent(AUDIT, S3EventFixtures.snsNotification(S3EventFixtures.s3Event(BUCKET, "uploads/cat.png", "ObjectRemoved:Delete", 10)));
        sendEvent(AUDIT, S3EventFixtures.snsNotification(S3EventFixtures.s3Event(BUCKET, "elsewhere/cat.png", "ObjectCreated:Put", 10)));
        sendEvent(AUDIT, S3EventFixtures.snsNotification(S3EventFixtures.s3Event("other-bucket", "uploads/cat.png", "ObjectCreated:Put", 10)));
        // upper case prefix and suffix in the key: the filters are case-insensitive
        sendEvent(AUDIT, S3EventFixtures.snsNotification(S3EventFixtures.s3Event(BUCKET, "UPLOADS/Cat.PNG", "ObjectCreated:Put", 10)));

        await().atMost(20, SECONDS).until(() -> s3Stats(AUDIT).deleted() == 5);
        assertEquals(0, messagesIn(s3Queue(AUDIT)));
        assertEquals(1, target.received().size(), () -> "posted: " + target.received());
        assertTrue(target.received().get(0).contains("\"key\":\"UPLOADS/Cat.PNG\""), target.received().get(0));
        assertTrue(s3Failures(AUDIT).isEmpty());
    }
}
