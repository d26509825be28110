package dev.sqsrouter.provision;

import dev.sqsrouter.config.S3EventsTopology;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import dev.sqsrouter.sandbox.AwsTestClients;
import dev.sqsrouter.sandbox.Emulators;
import dev.sqsrouter.sandbox.SnsEmulator;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * Provisioning against the sandbox's emulators, whose S3 does not take bucket notifications, and the topology as
 * application.properties defines it.
 */
class ProvisionSandboxTest {

    private static final AtomicInteger NUMBER = new AtomicInteger();

    private final Emulators emulators = Emulators.shared();
    private final SqsClient sqs = AwsTestClients.sqs(emulators.sqsEndpoint());
    private final SnsClient sns = AwsTestClients.sns(emulators.snsEndpoint());
    private final S3Client s3 = AwsTestClients.s3(emulators.s3Endpoint());

    @Test
    void theShippedConfigurationIsTheSeedTopology() {
        S3EventsTopology topology = S3EventsTopology.from(properties(new Properties()));
        assertEquals("images", topology.bucket());
        assertEquals("imageAdded", topology.topic());
        assertEquals(List.of("ObjectCreated:Put", "ObjectCreated:CompleteMultipartUpload"), topology.events());
        assertEquals("", topology.prefix());
        assertEquals(List.of("jpeg", "jpg", "png", "gif"), topology.suffixes());
        assertEquals(List.of("image-thumbnails <- image-thumbnails (thumbnail)", "image-audit <- image-audit (audit)"),
                topology.queues().stream().map(q -> q.name() + " <- " + q.queue() + " (" + q.processor() + ")").toList());
        assertEquals("image-thumbnails-dlq", topology.queues().get(0).deadLetterQueue());
        assertEquals(5, topology.maxReceiveCount());
        assertEquals(Set.of(), topology.outputBuckets(), "thumbnails go to the source bucket");
        assertEquals(4, topology.topicConfigurations("arn:aws:sns:us-east-1:000000000000:imageAdded").size());
    }

    @Test
    void aQueueMayHaveAnSqsNameOfItsOwnAVisibilityTimeoutAndTheThumbnailBucketIsProvisionedToo() {
        Properties overrides = new Properties();
        overrides.setProperty("s3events.queues.image-audit.queue", "audit-events");
        overrides.setProperty("s3events.thumbnail.bucket", "thumbnails");
        overrides.setProperty("s3events.visibility-timeout", "90");
        S3EventsTopology topology = S3EventsTopology.from(properties(overrides));
        assertEquals(90, topology.visibilityTimeout());
        // the dead-letter queue is configured on its own (s3events.queues.image-audit.dead-letter-queue)
        assertEquals("audit-events", topology.queues().get(1).queue());
        assertEquals("image-audit-dlq", topology.queues().get(1).deadLetterQueue());
        assertEquals(Set.of("thumbnails"), topology.outputBuckets());
    }

    @Test
    void configurationThatS3OrSnsWouldRefuseFailsFastWithWhatToFix() {
        Properties fifo = new Properties();
        fifo.setProperty("s3events.queues.image-audit.queue", "audit.fifo");
        IllegalArgumentException fifoRefused = assertThrows(IllegalArgumentException.class,
                () -> S3EventsTopology.from(properties(fifo)));
        assertTrue(fifoRefused.getMessage().contains("s3events.queues.image-audit.queue is a FIFO queue"), fifoRefused.getMessage());

        Properties overlapping = new Properties();
        overlapping.setProperty("s3events.suffixes", "png,.png");
        IllegalArgumentException overlapRefused = assertThrows(IllegalArgumentException.class,
                () -> S3EventsTopology.from(properties(overlapping)));
        assertTrue(overlapRefused.getMessage().contains("overlaps"), overlapRefused.getMessage());

        Properties noBucket = new Properties();
        noBucket.setProperty("s3events.bucket", "");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> S3EventsTopology.from(properties(noBucket)));
        assertTrue(missing.getMessage().contains("S3EVENTS_BUCKET"), missing.getMessage());
    }

    @Test
    void onTheSandboxNotificationsAreReportedAsSkippedAndTheRestIsIdempotent() {
        S3EventsTopology topology = topology();
        Provisioner first = provisioner(true);
        Provisioner.S3EventsProvisioned provisioned = first.provision(topology);
        assertEquals(Provisioner.NotificationsOutcome.UNSUPPORTED_BY_SANDBOX, provisioned.notificationsOutcome());
        String skipped = "skipped notifications " + topology.bucket() + " -> " + topology.topic()
                + " (this S3 endpoint does not implement bucket notifications; the sandbox emits the events from the same topology)";
        List<String> queues = topology.queues().stream().map(S3EventsTopology.Queue::queue).toList();
        assertEquals(List.of(
                "created bucket " + topology.bucket(),
                "created topic " + topology.topic(),
                "created queue " + queues.get(0) + "-dlq",
                "created queue " + queues.get(0),
                "created subscription " + topology.topic() + " -> " + queues.get(0),
                "created queue " + queues.get(1) + "-dlq",
                "created queue " + queues.get(1),
                "created subscription " + topology.topic() + " -> " + queues.get(1),
                skipped), first.report());

        Provisioner second = provisioner(true);
        second.provision(topology);
        assertEquals(first.report().stream().map(l -> l.replace("created ", "exists  ")).toList(), second.report());
    }

    @Test
    void elsewhereAnS3WithoutBucketNotificationsIsAnError() {
        S3EventsTopology topology = topology();
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> provisioner(false).provision(topology));
        assertTrue(refused.getMessage().contains("does not implement bucket notifications"), refused.getMessage());
        assertTrue(refused.getMessage().contains("provision.sandbox=true"), refused.getMessage());
    }

    @Test
    void relayQueuesAndTheirDeadLetterQueuesTakeOneMebibyteMessages() {
        int n = NUMBER.incrementAndGet();
        Provisioner provisioner = provisioner(true);
        String queue = "provision-relay-" + n + ".fifo";
        String deadLetterQueue = "provision-relay-" + n + "-dlq.fifo";
        provisioner.queueWithDeadLetterQueue(queue, deadLetterQueue, 5, 60);

        for (String name : List.of(queue, deadLetterQueue)) {
            String url = sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
            assertEquals(1024 * 1024, Provisioner.MAX_MESSAGE_BYTES);
            // ElasticMQ takes the attribute but does not keep it (it lists it among its unsupported attributes) and
            // does not report it; its own limit on a message is SQS's 1 MiB, which is what this checks
            String atTheLimit = "x".repeat(Provisioner.MAX_MESSAGE_BYTES);
            sqs.sendMessage(b -> b.queueUrl(url).messageBody(atTheLimit).messageGroupId("g").messageDeduplicationId("at"));
            assertThrows(SqsException.class, () -> sqs.sendMessage(b -> b.queueUrl(url).messageBody(atTheLimit + "x")
                    .messageGroupId("g").messageDeduplicationId("over")));
            List<Message> received = sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(1)).messages();
            assertEquals(1, received.size());
            assertEquals(Provisioner.MAX_MESSAGE_BYTES, received.get(0).body().length());
        }
    }

    private Provisioner provisioner(boolean sandbox) {
        return new Provisioner(sqs, AwsTestClients.dynamoDb(emulators.dynamoDbEndpoint()), s3, sns, sandbox);
    }

    private static S3EventsTopology topology() {
        int n = NUMBER.incrementAndGet();
        return new S3EventsTopology("provision-images-" + n, "provision-imageAdded-" + n,
                List.of("ObjectCreated:Put"), "", List.of("png"),
                List.of(new S3EventsTopology.Queue("image-thumbnails", "provision-thumbnails-" + n),
                        new S3EventsTopology.Queue("image-audit", "provision-audit-" + n)),
                Set.of());
    }

    /** application.properties as the app loads it, with overrides on top. */
    private static PropertiesComponent properties(Properties overrides) {
        DefaultCamelContext context = new DefaultCamelContext();
        PropertiesComponent properties = context.getPropertiesComponent();
        properties.setLocation("classpath:application.properties");
        properties.setOverrideProperties(overrides);
        return properties;
    }

    @Test
    void theAlertTopicIsCreatedAndOnTheSandboxTheInboxQueueIsSubscribedToIt() {
        String topic = "provision-alerts-" + NUMBER.incrementAndGet();
        Provisioner first = provisioner(true);
        Provisioner.AlertsProvisioned alerts = first.alerts(topic);
        assertEquals(SnsEmulator.topicArn(topic), alerts.topicArn());
        assertEquals(Provisioner.SANDBOX_ALERTS_INBOX, alerts.inbox().name());
        assertEquals("created topic " + topic, first.report().get(0));
        assertEquals("created subscription " + topic + " -> " + Provisioner.SANDBOX_ALERTS_INBOX, first.report().get(2));

        // what the app publishes reaches the inbox, in the envelope an operator reads
        sqs.purgeQueue(b -> b.queueUrl(alerts.inbox().url()));
        sns.publish(b -> b.topicArn(alerts.topicArn()).subject("sqs-router: test").message("an alert"));
        List<Message> received = new java.util.ArrayList<>();
        await().atMost(java.time.Duration.ofSeconds(10)).until(() -> received.addAll(sqs.receiveMessage(b -> b
                .queueUrl(alerts.inbox().url()).waitTimeSeconds(1)).messages()));
        assertTrue(received.get(0).body().contains("\"Message\" : \"an alert\""), received.get(0).body());

        // a second run finds it all; given the ARN, the same
        Provisioner second = provisioner(true);
        second.alerts(alerts.topicArn());
        assertEquals(List.of("exists  topic " + topic, "exists  queue " + Provisioner.SANDBOX_ALERTS_INBOX,
                "exists  subscription " + topic + " -> " + Provisioner.SANDBOX_ALERTS_INBOX), second.report());
    }

    @Test
    void elsewhereTheAlertTopicHasNoInboxAndAnArnOfAnotherAccountIsRefused() {
        String topic = "provision-alerts-" + NUMBER.incrementAndGet();
        Provisioner provisioner = provisioner(false);
        assertEquals(null, provisioner.alerts(topic).inbox());
        assertEquals(List.of("created topic " + topic), provisioner.report());

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> provisioner(false).alerts("arn:aws:sns:us-east-1:111122223333:" + topic));
        assertTrue(refused.getMessage().startsWith("alerts.topic is arn:aws:sns:us-east-1:111122223333:" + topic
                + " but the topic " + topic + " of these credentials is " + SnsEmulator.topicArn(topic)), refused.getMessage());
    }
}
