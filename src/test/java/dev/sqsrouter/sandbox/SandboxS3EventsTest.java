package dev.sqsrouter.sandbox;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqsrouter.provision.Provisioner;
import dev.sqsrouter.config.S3EventsTopology;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NotificationConfiguration;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The sandbox S3 (S3Proxy) emits the events S3 would, through the sandbox SNS, into every queue subscribed to the
 * bucket's topic: the topology provisioned as the provision command does, the notifications taken from it.
 */
class SandboxS3EventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger NUMBER = new AtomicInteger();
    private static final int FIVE_MIB = 5 * 1024 * 1024;

    private static final SqsClient sqs = AwsTestClients.sqs(Emulators.shared().sqsEndpoint());

    private final Emulators emulators = Emulators.shared();
    private final SnsClient sns = AwsTestClients.sns(emulators.snsEndpoint());
    private final S3Client s3 = AwsTestClients.s3(emulators.s3Endpoint());

    @Test
    void configuringNotificationsSendsTheTestEventToEveryQueue() throws Exception {
        Fixture fixture = fanOut("");
        for (String queue : fixture.queueUrls()) {
            JsonNode envelope = envelope(receiveOne(queue));
            JsonNode test = JSON.readTree(envelope.path("Message").asText());
            assertEquals("Amazon S3", test.path("Service").asText());
            assertEquals("s3:TestEvent", test.path("Event").asText());
            assertEquals(fixture.bucket(), test.path("Bucket").asText());
            assertTrue(test.path("Records").isMissingNode());
        }
    }

    @Test
    void singlePartUploadReachesEverySubscribedQueueWrappedAsSnsWrapsIt() throws Exception {
        Fixture fixture = fanOut("");
        fixture.skipTestEvents();
        byte[] image = "not really a png, S3 does not look".getBytes(StandardCharsets.UTF_8);
        String eTag = s3.putObject(b -> b.bucket(fixture.bucket()).key("cat.png"), RequestBody.fromBytes(image)).eTag();

        for (String queue : fixture.queueUrls()) {
            JsonNode envelope = envelope(receiveOne(queue));
            assertEquals("Notification", envelope.path("Type").asText());
            assertEquals(fixture.topicArn(), envelope.path("TopicArn").asText());
            assertEquals(NotifyingBlobStore.SUBJECT, envelope.path("Subject").asText());
            JsonNode records = JSON.readTree(envelope.path("Message").asText()).path("Records");
            assertEquals(1, records.size());
            JsonNode record = records.get(0);
            assertEquals("2.1", record.path("eventVersion").asText());
            assertEquals("aws:s3", record.path("eventSource").asText());
            assertEquals("us-east-1", record.path("awsRegion").asText());
            Instant.parse(record.path("eventTime").asText());
            assertEquals("ObjectCreated:Put", record.path("eventName").asText());
            assertEquals("1.0", record.path("s3").path("s3SchemaVersion").asText());
            assertEquals("sqs-router-" + fixture.topic() + "-png", record.path("s3").path("configurationId").asText());
            assertEquals(fixture.bucket(), record.path("s3").path("bucket").path("name").asText());
            assertEquals("arn:aws:s3:::" + fixture.bucket(), record.path("s3").path("bucket").path("arn").asText());
            JsonNode object = record.path("s3").path("object");
            assertEquals("cat.png", object.path("key").asText());
            assertEquals(image.length, object.path("size").asLong());
            assertEquals(eTag.replace("\"", ""), object.path("eTag").asText());
            assertTrue(object.path("sequencer").asText().matches("[0-9A-F]{16}"), object.toString());
        }
    }

    @Test
    void multipartUploadGivesOneCompleteMultipartUploadEventAndNoneForBookkeeping() throws Exception {
        Fixture fixture = fanOut("");
        fixture.skipTestEvents();
        String key = "big/panorama.jpg";
        String uploadId = s3.createMultipartUpload(b -> b.bucket(fixture.bucket()).key(key)).uploadId();
        byte[] first = new byte[FIVE_MIB];
        Arrays.fill(first, (byte) 'a');
        byte[] second = "the last part may be small".getBytes(StandardCharsets.UTF_8);
        List<CompletedPart> parts = new ArrayList<>();
        for (byte[] part : List.of(first, second)) {
            int number = parts.size() + 1;
            String partTag = s3.uploadPart(b -> b.bucket(fixture.bucket()).key(key).uploadId(uploadId).partNumber(number),
                    RequestBody.fromBytes(part)).eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(partTag).build());
        }
        String eTag = s3.completeMultipartUpload(b -> b.bucket(fixture.bucket()).key(key).uploadId(uploadId)
                .multipartUpload(m -> m.parts(parts))).eTag();

        for (String queue : fixture.queueUrls()) {
            JsonNode record = firstRecord(receiveOne(queue));
            assertEquals("ObjectCreated:CompleteMultipartUpload", record.path("eventName").asText());
            assertEquals(key, record.path("s3").path("object").path("key").asText());
            assertEquals(first.length + second.length, record.path("s3").path("object").path("size").asLong());
            assertEquals(eTag.replace("\"", ""), record.path("s3").path("object").path("eTag").asText());
            assertTrue(eTag.replace("\"", "").endsWith("-2"), "a multipart eTag counts its parts: " + eTag);
            // S3Proxy's own .s3proxy-mpu-stub-* objects came and went: nothing else arrived
            assertEquals(List.of(), receiveAll(queue));
        }
    }

    @Test
    void keysAreFormEncodedAsS3EncodesThem() throws Exception {
        Fixture fixture = fanOut("");
        fixture.skipTestEvents();
        String key = "holiday photos/a+b é 猫.png";
        s3.putObject(b -> b.bucket(fixture.bucket()).key(key), RequestBody.fromString("x"));

        String encoded = firstRecord(receiveOne(fixture.queueUrls().get(0))).path("s3").path("object").path("key").asText();
        assertEquals("holiday+photos/a%2Bb+%C3%A9+%E7%8C%AB.png", encoded);
        assertEquals(key, URLDecoder.decode(encoded, StandardCharsets.UTF_8));
    }

    @Test
    void onlyConfiguredEventTypesAndKeysProduceEvents() throws Exception {
        Fixture fixture = fanOut("");
        fixture.skipTestEvents();
        s3.putObject(b -> b.bucket(fixture.bucket()).key("notes.txt"), RequestBody.fromString("no image"));
        s3.putObject(b -> b.bucket(fixture.bucket()).key("CAT.PNG"), RequestBody.fromString("S3 suffixes are case-sensitive"));
        s3.putObject(b -> b.bucket(fixture.bucket()).key("cat.gif"), RequestBody.fromString("gif"));
        s3.copyObject(b -> b.sourceBucket(fixture.bucket()).sourceKey("cat.gif")
                .destinationBucket(fixture.bucket()).destinationKey("copy.gif"));
        s3.deleteObject(b -> b.bucket(fixture.bucket()).key("copy.gif"));
        // the last upload marks the end: whatever came before it arrived before it
        s3.putObject(b -> b.bucket(fixture.bucket()).key("marker.jpeg"), RequestBody.fromString("jpeg"));

        for (String queue : fixture.queueUrls()) {
            List<String> events = new ArrayList<>();
            await().atMost(10, SECONDS).until(() -> {
                for (Message message : receiveAll(queue)) {
                    JsonNode record = firstRecord(message);
                    events.add(record.path("eventName").asText() + " " + record.path("s3").path("object").path("key").asText());
                }
                return events.contains("ObjectCreated:Put marker.jpeg");
            });
            assertEquals(Set.of("ObjectCreated:Put cat.gif", "ObjectCreated:Put marker.jpeg"), Set.copyOf(events),
                    "no .txt, no upper-case suffix, no copy, no delete: none of them is configured");
            assertEquals(2, events.size());
        }
    }

    @Test
    void thePrefixFilterKeepsOtherKeysOut() throws Exception {
        Fixture fixture = fanOut("uploads/");
        fixture.skipTestEvents();
        s3.putObject(b -> b.bucket(fixture.bucket()).key("elsewhere/cat.png"), RequestBody.fromString("x"));
        s3.putObject(b -> b.bucket(fixture.bucket()).key("uploads/cat.png"), RequestBody.fromString("x"));

        String queue = fixture.queueUrls().get(0);
        assertEquals("uploads/cat.png", firstRecord(receiveOne(queue)).path("s3").path("object").path("key").asText());
        assertEquals(List.of(), receiveAll(queue));
    }

    @Test
    void sequencersGrowForLaterEventsOfTheSameKey() throws Exception {
        Fixture fixture = fanOut("");
        fixture.skipTestEvents();
        String queue = fixture.queueUrls().get(0);
        s3.putObject(b -> b.bucket(fixture.bucket()).key("again.png"), RequestBody.fromString("1"));
        String first = firstRecord(receiveOne(queue)).path("s3").path("object").path("sequencer").asText();
        s3.putObject(b -> b.bucket(fixture.bucket()).key("again.png"), RequestBody.fromString("2"));
        String second = firstRecord(receiveOne(queue)).path("s3").path("object").path("sequencer").asText();
        assertTrue(second.compareTo(first) > 0, first + " then " + second);
    }

    @Test
    void aTopicThatDoesNotLetTheBucketPublishIsRefusedAsS3RefusesIt() {
        String bucket = name("refused");
        s3.createBucket(b -> b.bucket(bucket));
        // a topic with SNS's default policy: only the owner account may publish, S3 may not
        String topicArn = sns.createTopic(b -> b.name(name("default-policy"))).topicArn();
        S3EventsTopology topology = topology(bucket, "", name("topic"));
        NotificationConfiguration configuration = NotificationConfiguration.builder()
                .topicConfigurations(topology.topicConfigurations(topicArn)).build();
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> emulators.s3Notifications().configure(bucket, configuration));
        assertTrue(refused.getMessage().contains("Unable to validate the following destination configurations"));
        assertTrue(emulators.s3Notifications().configuration(bucket).topicConfigurations().isEmpty());
    }

    /** A bucket -> topic -> two queues fan-out under names of its own, provisioned and its notifications in force. */
    private Fixture fanOut(String prefix) {
        String bucket = name("images");
        S3EventsTopology topology = topology(bucket, prefix, name("imageAdded"));
        Provisioner provisioner = new Provisioner(sqs, AwsTestClients.dynamoDb(emulators.dynamoDbEndpoint()), s3, sns, true);
        Provisioner.S3EventsProvisioned provisioned = provisioner.provision(topology);
        assertEquals(Provisioner.NotificationsOutcome.UNSUPPORTED_BY_SANDBOX, provisioned.notificationsOutcome());
        emulators.s3Notifications().configure(bucket, provisioned.notifications());
        return new Fixture(bucket, topology.topic(), provisioned.topicArn(),
                provisioned.queues().stream().map(Provisioner.QueueRef::url).toList());
    }

    private static S3EventsTopology topology(String bucket, String prefix, String topic) {
        return new S3EventsTopology(bucket, topic, List.of("ObjectCreated:Put", "ObjectCreated:CompleteMultipartUpload"),
                prefix, List.of("jpeg", "jpg", "png", "gif"),
                List.of(new S3EventsTopology.Queue("image-thumbnails", name("image-thumbnails")),
                        new S3EventsTopology.Queue("image-audit", name("image-audit"))),
                Set.of());
    }

    private record Fixture(String bucket, String topic, String topicArn, List<String> queueUrls) {
        /** The s3:TestEvent that configuring sends comes first in every queue. */
        void skipTestEvents() {
            for (String queue : queueUrls) {
                String body = receiveOne(queue).body();
                assertTrue(body.contains("s3:TestEvent"), body);
            }
        }
    }

    private static String name(String role) {
        return "sandbox-s3-" + role.toLowerCase() + "-" + NUMBER.incrementAndGet();
    }

    /** Waits for one message, deletes it and returns it. */
    private static Message receiveOne(String queueUrl) {
        List<Message> received = new ArrayList<>();
        await().atMost(10, SECONDS).until(() -> {
            received.addAll(sqs.receiveMessage(b -> b.queueUrl(queueUrl).waitTimeSeconds(1)).messages());
            return !received.isEmpty();
        });
        Message message = received.get(0);
        sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
        return message;
    }

    /** What is in the queue now (waiting up to a second for the first), deleted. */
    private static List<Message> receiveAll(String queueUrl) {
        List<Message> all = new ArrayList<>();
        while (true) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .messages();
            if (batch.isEmpty()) {
                return all;
            }
            all.addAll(batch);
            batch.forEach(m -> sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle())));
        }
    }

    private static JsonNode envelope(Message message) throws Exception {
        return JSON.readTree(message.body());
    }

    private static JsonNode firstRecord(Message message) throws Exception {
        return JSON.readTree(envelope(message).path("Message").asText()).path("Records").get(0);
    }
}
