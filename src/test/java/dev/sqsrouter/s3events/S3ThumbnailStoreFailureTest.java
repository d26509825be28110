package dev.sqsrouter.s3events;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * S3 failing on the thumbnail write (here: the thumbnail bucket is missing) is not the object's fault: the message
 * is retried, then kept in SQS, and goes through once S3 works again.
 */
class S3ThumbnailStoreFailureTest extends S3EventsTestSupport {

    private String thumbnailBucket;

    @Override
    protected void overrideS3EventsProperties(Properties properties) {
        thumbnailBucket = prefix + "-thumbnails";
        properties.setProperty("s3events.thumbnail.bucket", thumbnailBucket);
    }

    @Test
    void failedThumbnailWriteKeepsTheMessageUntilS3Works() {
        String key = keyPrefix() + "cat.png";
        byte[] image = TestImages.image(100, 100, "png");
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(image));

        sendEvent(THUMBNAILS, S3EventFixtures.snsNotification(S3EventFixtures.s3Event(BUCKET, key, "ObjectCreated:Put", image.length)));

        // retried in place, the message held in flight
        await().atMost(20, SECONDS).until(() -> s3Stats(THUMBNAILS).retried() >= 1);
        assertEquals(1, messagesIn(s3Queue(THUMBNAILS)));
        assertEquals(1, s3Stats(THUMBNAILS).received());
        assertTrue(s3Failures(THUMBNAILS).isEmpty(), "an S3 error on the write is not a business failure");

        createBucket(thumbnailBucket);
        await().atMost(20, SECONDS).until(() -> messagesIn(s3Queue(THUMBNAILS)) == 0);
        // another bucket than the source's: the thumbnail key is prefix + source key
        assertTrue(s3.headObject(b -> b.bucket(thumbnailBucket).key("thumbnails/" + key)).metadata().containsKey("thumbnail-of"));
        assertTrue(s3Failures(THUMBNAILS).isEmpty());
    }
}
