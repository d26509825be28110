package dev.sqsrouter.s3events;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Properties;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqsrouter.provision.Provisioner;
import dev.sqsrouter.config.S3EventsTopology;
import dev.sqsrouter.sandbox.AwsTestClients;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Uploads with an S3 client on the sandbox, whose S3 notifies SNS as S3 does: the events reach both queues in the
 * SNS envelope and the routes as shipped make the thumbnail and the audit call (the moto_server test does the same
 * on another implementation).
 */
class S3SandboxUploadTest extends S3EventsTestSupport {

    private String bucket;

    @Override
    protected void overrideS3EventsProperties(Properties properties) {
        bucket = prefix + "-images";
        properties.setProperty("s3events.bucket", bucket);
        properties.setProperty("s3events.thumbnail.bucket", bucket);
        properties.setProperty("s3events.topic", prefix + "-imageAdded");
    }

    @Override
    protected void provision(Properties properties) {
        super.provision(properties);
        S3EventsTopology topology = new S3EventsTopology(bucket, properties.getProperty("s3events.topic"),
                List.of("ObjectCreated:Put", "ObjectCreated:CompleteMultipartUpload"), "", List.of("jpeg", "jpg", "png", "gif"),
                List.of(new S3EventsTopology.Queue(THUMBNAILS, s3Queue(THUMBNAILS)), new S3EventsTopology.Queue(AUDIT, s3Queue(AUDIT))),
                Set.of());
        Provisioner provisioner = new Provisioner(sqs, dynamoDb, s3, AwsTestClients.sns(emulators.snsEndpoint()), true);
        emulators.s3Notifications().configure(bucket, provisioner.provision(topology).notifications());
    }

    @Test
    void uploadedImagesGetThumbnailsAndAuditCalls() {
        String single = "uploads/my cat + friend é.png";
        byte[] png = TestImages.image(640, 480, "png");
        s3.putObject(b -> b.bucket(bucket).key(single).contentType("image/png"), RequestBody.fromBytes(png));
        String multipart = "photos/日本 1.jpg";
        byte[] jpeg = TestImages.image(400, 800, "jpeg");
        String upload = s3.createMultipartUpload(b -> b.bucket(bucket).key(multipart)).uploadId();
        String part = s3.uploadPart(b -> b.bucket(bucket).key(multipart).uploadId(upload).partNumber(1), RequestBody.fromBytes(jpeg)).eTag();
        s3.completeMultipartUpload(b -> b.bucket(bucket).key(multipart).uploadId(upload)
                .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(part).build())));
        s3.putObject(b -> b.bucket(bucket).key("uploads/notes.txt"), RequestBody.fromString("not an image"));

        // the thumbnails are objects of the bucket too: their events reach both queues
        await().atMost(30, SECONDS).until(() -> target.received().size() == 4 && exists("thumbnails/" + single)
                && exists("thumbnails/" + multipart));
        await().atMost(10, SECONDS).until(() -> messagesIn(s3Queue(THUMBNAILS)) == 0 && messagesIn(s3Queue(AUDIT)) == 0);
        List<JsonNode> audited = target.received().stream().map(S3EventFixtures::read).map(r -> r.get("data"))
                .sorted((a, b) -> a.get("key").asText().compareTo(b.get("key").asText())).toList();
        assertEquals(List.of(multipart, "thumbnails/" + multipart, "thumbnails/" + single, single),
                audited.stream().map(a -> a.get("key").asText()).toList());
        assertEquals("ObjectCreated:CompleteMultipartUpload", audited.get(0).get("eventName").asText());
        assertEquals("ObjectCreated:Put", audited.get(3).get("eventName").asText());
        assertEquals(png.length, audited.get(3).get("size").asLong());
        // ... but the loop guard keeps them from getting thumbnails of their own; the s3:TestEvent was acknowledged
        assertEquals(List.of("thumbnails/photos/日本 1.jpg", "thumbnails/uploads/my cat + friend é.png"),
                s3.listObjectsV2(b -> b.bucket(bucket).prefix("thumbnails/")).contents().stream().map(o -> o.key()).sorted().toList());
        assertTrue(s3Failures(THUMBNAILS).isEmpty(), () -> "failures: " + s3Failures(THUMBNAILS));
        assertTrue(s3Failures(AUDIT).isEmpty(), () -> "failures: " + s3Failures(AUDIT));
    }

    private boolean exists(String key) {
        return !s3.listObjectsV2(b -> b.bucket(bucket).prefix(key)).contents().isEmpty();
    }
}
