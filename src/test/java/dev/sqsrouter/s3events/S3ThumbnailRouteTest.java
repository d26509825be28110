package dev.sqsrouter.s3events;

import static dev.sqsrouter.s3events.S3EventFixtures.s3Event;
import static dev.sqsrouter.s3events.S3EventFixtures.snsNotification;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.sqsrouter.failure.FailureClass;
import dev.sqsrouter.failure.FailureRecord;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The thumbnail queue end to end, on real images in the S3 emulator. */
class S3ThumbnailRouteTest extends S3EventsTestSupport {

    private static final int MAX_BYTES = 200_000;

    @Override
    protected void overrideS3EventsProperties(Properties properties) {
        properties.setProperty("s3events.thumbnail.size", "64");
        properties.setProperty("s3events.thumbnail.max-bytes", Integer.toString(MAX_BYTES));
    }

    @Test
    void thumbnailIsWrittenUnderThePrefixWithItsSource() {
        String key = keyPrefix() + "my cat + friend é/日本 1.png";
        byte[] image = TestImages.image(640, 480, "png");
        put(key, image, Map.of());

        sendEvent(THUMBNAILS, snsNotification(s3Event(BUCKET, key, "ObjectCreated:Put", image.length)));

        String thumbnailKey = "thumbnails/" + key;
        await().atMost(20, SECONDS).until(() -> exists(thumbnailKey));
        HeadObjectResponse head = s3.headObject(b -> b.bucket(BUCKET).key(thumbnailKey));
        assertEquals("images/" + URLEncoder.encode(key, StandardCharsets.UTF_8), head.metadata().get("thumbnail-of"));
        assertEquals("image/png", head.contentType());
        BufferedImage thumbnail = TestImages.decode(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(thumbnailKey)).asByteArray());
        assertEquals(64, thumbnail.getWidth());
        assertEquals(48, thumbnail.getHeight());
        await().atMost(10, SECONDS).until(() -> messagesIn(s3Queue(THUMBNAILS)) == 0);
        assertTrue(s3Failures(THUMBNAILS).isEmpty());
    }

    @Test
    void multipartJpegGetsAJpegThumbnail() {
        String key = keyPrefix() + "big photo.JPG";
        byte[] image = TestImages.image(300, 600, "jpeg");
        put(key, image, Map.of());

        sendEvent(THUMBNAILS, snsNotification(s3Event(BUCKET, key, "ObjectCreated:CompleteMultipartUpload", image.length)));

        String thumbnailKey = "thumbnails/" + key;
        await().atMost(20, SECONDS).until(() -> exists(thumbnailKey));
        assertEquals("image/jpeg", s3.headObject(b -> b.bucket(BUCKET).key(thumbnailKey)).contentType());
        BufferedImage thumbnail = TestImages.decode(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(thumbnailKey)).asByteArray());
        assertEquals(32, thumbnail.getWidth());
        assertEquals(64, thumbnail.getHeight());
    }

    @Test
    void thumbnailsNeverGetThumbnails() {
        // an event for a key under the thumbnail prefix, as a notification without a prefix filter would send
        String underPrefix = "thumbnails/" + keyPrefix() + "cat.png";
        byte[] image = TestImages.image(200, 200, "png");
        put(underPrefix, image, Map.of());
        // an object outside the prefix that carries the thumbnail metadata (copied, or written by another instance)
        String marked = keyPrefix() + "copied-thumbnail.png";
        put(marked, image, Map.of("thumbnail-of", "images/" + keyPrefix() + "cat.png"));

        sendEvent(THUMBNAILS, snsNotification(s3Event(BUCKET, underPrefix, "ObjectCreated:Put", image.length)));
        sendEvent(THUMBNAILS, snsNotification(s3Event(BUCKET, marked, "ObjectCreated:Put", image.length)));

        await().atMost(20, SECONDS).until(() -> s3Stats(THUMBNAILS).deleted() == 2);
        assertEquals(List.of(), keysUnder("thumbnails/thumbnails/"));
        assertFalse(exists("thumbnails/" + marked));
        assertTrue(s3Failures(THUMBNAILS).isEmpty());
    }

    @Test
    void missingObjectGoesToTheFailureStore() {
        String key = keyPrefix() + "gone.png";
        String id = sendEvent(THUMBNAILS, snsNotification(s3Event(BUCKET, key, "ObjectCreated:Put", 1234)));

        FailureRecord failure = awaitFailure(id);
        assertEquals(FailureClass.BUSINESS, failure.failureClass());
        assertTrue(failure.reason().contains("object images/" + key + " is gone (NoSuchKey)"), failure.reason());
        assertEquals(404, failure.httpStatus());
        await().atMost(10, SECONDS).until(() -> messagesIn(s3Queue(THUMBNAILS)) == 0);
    }

    @Test
    void oversizeObjectGoesToTheFailureStoreWhateverTheEventSays() {
        byte[] large = TestImages.noisePng(MAX_BYTES + 1000, 1);
        String declared = keyPrefix() + "declared-large.png";
        put(declared, large, Map.of());
        String understated = keyPrefix() + "understated.png";
        put(understated, large, Map.of());

        String byEvent = sendEvent(THUMBNAILS, snsNotification(s3Event(BUCKET, declared, "ObjectCreated:Put", large.length)));
        // the event says 10 bytes: the cap holds on what S3 serves
        String byObject = sendEvent(THUMBNAILS, snsNotification(s3Event(BUCKET, understated, "ObjectCreated:Put", 10)));

        assertTrue(awaitFailure(byEvent).reason().contains("is " + large.length + " bytes, over s3events.thumbnail.max-bytes ("
                + MAX_BYTES + ")"), awaitFailure(byEvent).reason());
        assertTrue(awaitFailure(byObject).reason().contains("over s3events.thumbnail.max-bytes"), awaitFailure(byObject).reason());
        await().atMost(10, SECONDS).until(() -> messagesIn(s3Queue(THUMBNAILS)) == 0);
        assertFalse(exists("thumbnails/" + declared));
        assertFalse(exists("thumbnails/" + understated));
    }

    @Test
    void nonImageGoesToTheFailureStoreAndTheNextMessageIsProcessed() {
        String notImage = keyPrefix() + "actually-text.png";
        put(notImage, "hello, I am not a picture".getBytes(StandardCharsets.UTF_8), Map.of());
        String image = keyPrefix() + "real.gif";
        byte[] gif = TestImages.image(128, 128, "gif");
        put(image, gif, Map.of());

        String id = sendEvent(THUMBNAILS, snsNotification(s3Event(BUCKET, notImage, "ObjectCreated:Put", 25)));
        sendEvent(THUMBNAILS, snsNotification(s3Event(BUCKET, image, "ObjectCreated:Put", gif.length)));

        assertTrue(awaitFailure(id).reason().contains("is not an image ImageIO can decode"), awaitFailure(id).reason());
        await().atMost(20, SECONDS).until(() -> exists("thumbnails/" + image));
        assertEquals("image/gif", s3.headObject(b -> b.bucket(BUCKET).key("thumbnails/" + image)).contentType());
    }

    @Test
    void aMissingObjectAmongThreeRecordsIsParkedAloneAndTheOtherThumbnailsAreWritten() {
        byte[] image = TestImages.image(128, 96, "png");
        List<String> keys = List.of(keyPrefix() + "before.png", keyPrefix() + "gone.png", keyPrefix() + "after.png");
        put(keys.get(0), image, Map.of());
        put(keys.get(2), image, Map.of());

        String id = sendEvent(THUMBNAILS, snsNotification(S3EventFixtures.s3Event(BUCKET, "ObjectCreated:Put", keys)));

        await().atMost(20, SECONDS).until(() -> s3Stats(THUMBNAILS).deleted() == 1);
        assertTrue(exists("thumbnails/" + keys.get(0)));
        assertTrue(exists("thumbnails/" + keys.get(2)), "the record after the missing one is processed too");
        List<FailureRecord> failures = s3Failures(THUMBNAILS);
        assertEquals(1, failures.size(), () -> "one failure record: " + failures);
        FailureRecord gone = failures.get(0);
        assertEquals(id, gone.messageId());
        assertEquals(FailureClass.BUSINESS, gone.failureClass());
        assertTrue(gone.reason().contains("object images/" + keys.get(1) + " is gone (NoSuchKey)"), gone.reason());
        assertEquals(List.of(keys.get(1)), S3AuditRecordOutcomeTest.keysOf(gone.body()), "the body is the missing object's record alone");
        assertEquals(0, messagesIn(s3Queue(THUMBNAILS)));
        assertEquals(0, messagesIn(s3EventDeadLetterQueue(THUMBNAILS)));
    }

    @Test
    void aThumbnailWrittenAgainIsTheSameThumbnail() {
        String key = keyPrefix() + "twice.png";
        byte[] image = TestImages.image(300, 200, "png");
        put(key, image, Map.of());
        String event = snsNotification(s3Event(BUCKET, key, "ObjectCreated:Put", image.length));
        String thumbnailKey = "thumbnails/" + key;

        sendEvent(THUMBNAILS, event);
        await().atMost(20, SECONDS).until(() -> s3Stats(THUMBNAILS).deleted() == 1);
        byte[] first = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(thumbnailKey)).asByteArray();
        // a redelivery (or the same event in another message) does the record again
        sendEvent(THUMBNAILS, event);
        await().atMost(20, SECONDS).until(() -> s3Stats(THUMBNAILS).deleted() == 2);
        byte[] second = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(thumbnailKey)).asByteArray();
        assertTrue(java.util.Arrays.equals(first, second), "the same bytes");
        assertTrue(s3Failures(THUMBNAILS).isEmpty());
    }

    private void put(String key, byte[] bytes, Map<String, String> metadata) {
        s3.putObject(b -> b.bucket(BUCKET).key(key).metadata(metadata), RequestBody.fromBytes(bytes));
    }

    private boolean exists(String key) {
        try {
            s3.headObject(b -> b.bucket(BUCKET).key(key));
            return true;
        } catch (NoSuchKeyException missing) {
            return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private List<String> keysUnder(String prefix) {
        return s3.listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix)).contents().stream().map(S3Object::key).toList();
    }

    private FailureRecord awaitFailure(String messageId) {
        await().atMost(20, SECONDS).until(() -> s3Failures(THUMBNAILS).stream().anyMatch(r -> messageId.equals(r.messageId())));
        return s3Failures(THUMBNAILS).stream().filter(r -> messageId.equals(r.messageId())).findFirst().orElseThrow();
    }
}
