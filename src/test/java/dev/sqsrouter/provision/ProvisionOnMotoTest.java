package dev.sqsrouter.provision;

import dev.sqsrouter.alerts.AlertTopic;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

import dev.sqsrouter.config.S3EventsTopology;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqsrouter.sandbox.AwsTestClients;
import dev.sqsrouter.sandbox.MotoServer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.GetBucketNotificationConfigurationResponse;
import software.amazon.awssdk.services.s3.model.TopicConfiguration;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.Subscription;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * Provisioning of the S3 events fan-out on moto, an implementation of S3, SNS and SQS that does take bucket
 * notification configurations: what it creates, that a second run finds it all, and that it repairs drift.
 */
class ProvisionOnMotoTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger NUMBER = new AtomicInteger();

    private final MotoServer moto = MotoServer.shared();
    private final SqsClient sqs = AwsTestClients.sqs(moto.endpoint());
    private final SnsClient sns = AwsTestClients.sns(moto.endpoint());
    private final S3Client s3 = AwsTestClients.s3(moto.endpoint());
    private final DynamoDbClient dynamoDb = AwsTestClients.dynamoDb(moto.endpoint());

    @Test
    void secondRunFindsEverythingTheFirstCreated() {
        S3EventsTopology topology = seedTopology("");
        Provisioner first = provisioner();
        Provisioner.S3EventsProvisioned provisioned = first.provision(topology);
        String bucket = topology.bucket();
        String topic = topology.topic();
        List<String> queues = topology.queues().stream().map(S3EventsTopology.Queue::queue).toList();
        assertEquals(List.of(
                "created bucket " + bucket,
                "created topic " + topic,
                "created queue " + queues.get(0) + "-dlq",
                "created queue " + queues.get(0),
                "created subscription " + topic + " -> " + queues.get(0),
                "created queue " + queues.get(1) + "-dlq",
                "created queue " + queues.get(1),
                "created subscription " + topic + " -> " + queues.get(1),
                "created notifications " + bucket + " -> " + topic), first.report());
        assertEquals(Provisioner.NotificationsOutcome.CREATED, provisioned.notificationsOutcome());

        Provisioner second = provisioner();
        second.provision(topology);
        assertEquals(first.report().stream().map(line -> line.replace("created ", "exists  ")).toList(), second.report());
        assertEquals(1, sns.listTopicsPaginator(b -> { }).topics().stream()
                .filter(t -> t.topicArn().endsWith(":" + topic)).count(), "no second topic");
        assertEquals(2, sns.listSubscriptionsByTopic(b -> b.topicArn(provisioned.topicArn())).subscriptions().size(),
                "no second subscriptions");
    }

    @Test
    void onlyTheBucketMayPublishAndOnlyTheTopicMaySend() throws Exception {
        S3EventsTopology topology = seedTopology("");
        Provisioner.S3EventsProvisioned provisioned = provisioner().provision(topology);
        String topicArn = provisioned.topicArn();
        assertTrue(topicArn.startsWith("arn:aws:sns:us-east-1:" + MotoServer.ACCOUNT + ":"));

        JsonNode topicPolicy = JSON.readTree(sns.getTopicAttributes(b -> b.topicArn(topicArn)).attributes().get("Policy"));
        assertEquals(1, topicPolicy.path("Statement").size());
        JsonNode publish = topicPolicy.path("Statement").get(0);
        assertEquals("Allow", publish.path("Effect").asText());
        assertEquals("s3.amazonaws.com", publish.path("Principal").path("Service").asText());
        assertEquals("SNS:Publish", publish.path("Action").asText());
        assertEquals(topicArn, publish.path("Resource").asText());
        assertEquals("arn:aws:s3:*:*:" + topology.bucket(), publish.path("Condition").path("ArnLike").path("aws:SourceArn").asText());
        assertEquals(MotoServer.ACCOUNT, publish.path("Condition").path("StringEquals").path("aws:SourceAccount").asText());

        for (Provisioner.QueueRef queue : provisioned.queues()) {
            Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(queue.url())
                    .attributeNames(QueueAttributeName.POLICY, QueueAttributeName.QUEUE_ARN)).attributes();
            assertEquals(queue.arn(), attributes.get(QueueAttributeName.QUEUE_ARN));
            JsonNode send = JSON.readTree(attributes.get(QueueAttributeName.POLICY)).path("Statement").get(0);
            assertEquals("Allow", send.path("Effect").asText());
            assertEquals("sns.amazonaws.com", send.path("Principal").path("Service").asText());
            assertEquals("sqs:SendMessage", send.path("Action").asText());
            assertEquals(queue.arn(), send.path("Resource").asText());
            assertEquals(topicArn, send.path("Condition").path("ArnEquals").path("aws:SourceArn").asText());
        }

        List<Subscription> subscriptions = sns.listSubscriptionsByTopic(b -> b.topicArn(topicArn)).subscriptions();
        assertEquals(provisioned.queues().stream().map(Provisioner.QueueRef::arn).collect(Collectors.toSet()),
                subscriptions.stream().map(Subscription::endpoint).collect(Collectors.toSet()));
        for (Subscription subscription : subscriptions) {
            assertEquals("sqs", subscription.protocol());
            Map<String, String> attributes = sns.getSubscriptionAttributes(b -> b.subscriptionArn(subscription.subscriptionArn()))
                    .attributes();
            assertEquals("false", attributes.getOrDefault("RawMessageDelivery", "false"), "the routes read the SNS envelope");
        }
    }

    @Test
    void notificationsHaveOneConfigurationPerSuffixWithThePrefix() {
        S3EventsTopology topology = seedTopology("uploads/");
        Provisioner.S3EventsProvisioned provisioned = provisioner().provision(topology);

        GetBucketNotificationConfigurationResponse notifications =
                s3.getBucketNotificationConfiguration(b -> b.bucket(topology.bucket()));
        assertEquals(4, notifications.topicConfigurations().size());
        Set<String> suffixes = notifications.topicConfigurations().stream().map(c -> rule(c, "suffix")).collect(Collectors.toSet());
        assertEquals(Set.of("jpeg", "jpg", "png", "gif"), suffixes);
        for (TopicConfiguration configuration : notifications.topicConfigurations()) {
            assertEquals(provisioned.topicArn(), configuration.topicArn());
            assertEquals(Set.of(Event.S3_OBJECT_CREATED_PUT, Event.S3_OBJECT_CREATED_COMPLETE_MULTIPART_UPLOAD),
                    Set.copyOf(configuration.events()));
            assertEquals("uploads/", rule(configuration, "prefix"));
        }
    }

    @Test
    void otherNotificationsOfTheBucketStayAndDriftIsRepaired() {
        S3EventsTopology topology = seedTopology("");
        Provisioner provisioner = provisioner();
        provisioner.bucket(topology.bucket());
        // someone else's notification on the same bucket, to another topic
        String otherTopic = sns.createTopic(b -> b.name(topology.topic() + "-deletions")).topicArn();
        s3.putBucketNotificationConfiguration(b -> b.bucket(topology.bucket()).notificationConfiguration(n -> n
                .topicConfigurations(TopicConfiguration.builder().id("deletions").topicArn(otherTopic)
                        .events(Event.S3_OBJECT_REMOVED).build())));

        Provisioner.S3EventsProvisioned provisioned = provisioner().provision(topology);
        List<TopicConfiguration> all = s3.getBucketNotificationConfiguration(b -> b.bucket(topology.bucket())).topicConfigurations();
        assertEquals(5, all.size());
        assertTrue(all.stream().anyMatch(c -> c.topicArn().equals(otherTopic)), "the other topic's configuration stays");

        // drift: raw delivery switched on by hand, a suffix dropped from configuration
        Subscription subscription = sns.listSubscriptionsByTopic(b -> b.topicArn(provisioned.topicArn())).subscriptions().get(0);
        sns.setSubscriptionAttributes(b -> b.subscriptionArn(subscription.subscriptionArn())
                .attributeName("RawMessageDelivery").attributeValue("true"));
        S3EventsTopology fewerSuffixes = new S3EventsTopology(topology.bucket(), topology.topic(), topology.events(),
                topology.prefix(), List.of("png"), topology.queues(), topology.outputBuckets());
        Provisioner repair = provisioner();
        Provisioner.S3EventsProvisioned repaired = repair.provision(fewerSuffixes);

        assertEquals(Provisioner.NotificationsOutcome.UPDATED, repaired.notificationsOutcome());
        assertTrue(repair.report().stream().anyMatch(line -> line.startsWith("updated subscription") && line.contains("raw delivery off")),
                repair.report().toString());
        assertEquals("false", sns.getSubscriptionAttributes(b -> b.subscriptionArn(subscription.subscriptionArn()))
                .attributes().get("RawMessageDelivery"));
        List<TopicConfiguration> after = s3.getBucketNotificationConfiguration(b -> b.bucket(topology.bucket())).topicConfigurations();
        assertEquals(2, after.size());
        assertTrue(after.stream().anyMatch(c -> c.topicArn().equals(otherTopic)));
    }

    @Test
    void outputBucketOfTheThumbnailProcessorIsCreatedToo() {
        S3EventsTopology seed = seedTopology("");
        String thumbnails = seed.bucket() + "-thumbnails";
        S3EventsTopology topology = new S3EventsTopology(seed.bucket(), seed.topic(), seed.events(), seed.prefix(),
                seed.suffixes(), seed.queues(), Set.of(thumbnails));
        Provisioner provisioner = provisioner();
        provisioner.provision(topology);
        assertEquals(List.of("created bucket " + seed.bucket(), "created bucket " + thumbnails), provisioner.report().subList(0, 2));
        s3.headBucket(b -> b.bucket(thumbnails));
    }

    @Test
    void queuesTakeTheConfiguredVisibilityTimeoutAndKeepItInLine() {
        S3EventsTopology seed = seedTopology("");
        S3EventsTopology topology = new S3EventsTopology(seed.bucket(), seed.topic(), seed.events(), seed.prefix(),
                seed.suffixes(), seed.queues(), seed.outputBuckets(), 120);
        Provisioner.QueueRef queue = provisioner().provision(topology).queues().get(0);
        assertEquals("120", visibilityTimeout(queue));

        sqs.setQueueAttributes(b -> b.queueUrl(queue.url()).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "5")));
        provisioner().provision(topology);
        assertEquals("120", visibilityTimeout(queue));
    }

    @Test
    void eachQueueRedrivesToItsDeadLetterQueueAfterTheConfiguredDeliveries() throws Exception {
        S3EventsTopology seed = seedTopology("");
        S3EventsTopology topology = new S3EventsTopology(seed.bucket(), seed.topic(), seed.events(), seed.prefix(),
                seed.suffixes(), seed.queues(), seed.outputBuckets(), -1, 3);
        List<Provisioner.QueueRef> queues = provisioner().provision(topology).queues();
        for (int i = 0; i < queues.size(); i++) {
            String deadLetterQueue = topology.queues().get(i).deadLetterQueue();
            String deadLetterUrl = sqs.getQueueUrl(b -> b.queueName(deadLetterQueue)).queueUrl();
            Map<QueueAttributeName, String> deadLetter = sqs.getQueueAttributes(b -> b.queueUrl(deadLetterUrl)
                    .attributeNames(QueueAttributeName.QUEUE_ARN, QueueAttributeName.REDRIVE_POLICY)).attributes();
            assertTrue(deadLetter.get(QueueAttributeName.QUEUE_ARN).endsWith(":" + queues.get(i).name() + "-dlq"),
                    deadLetter.toString());
            assertFalse(deadLetter.containsKey(QueueAttributeName.REDRIVE_POLICY), "a dead-letter queue redrives nowhere");
            Provisioner.QueueRef queue = queues.get(i);
            JsonNode redrive = JSON.readTree(sqs.getQueueAttributes(b -> b.queueUrl(queue.url())
                    .attributeNames(QueueAttributeName.REDRIVE_POLICY)).attributes().get(QueueAttributeName.REDRIVE_POLICY));
            assertEquals(deadLetter.get(QueueAttributeName.QUEUE_ARN), redrive.path("deadLetterTargetArn").asText());
            assertEquals(3, redrive.path("maxReceiveCount").asInt());
        }
    }

    @Test
    void relayQueuesAndTheirDeadLetterQueuesTakeOneMebibyteMessagesAndKeepThatInLine() {
        int n = NUMBER.incrementAndGet();
        String queue = "moto-relay-" + n + ".fifo";
        String deadLetterQueue = "moto-relay-" + n + "-dlq.fifo";
        provisioner().queueWithDeadLetterQueue(queue, deadLetterQueue, 5, 60);
        String url = sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
        String deadLetterUrl = sqs.getQueueUrl(b -> b.queueName(deadLetterQueue)).queueUrl();
        assertEquals("1048576", maximumMessageSize(url));
        assertEquals("1048576", maximumMessageSize(deadLetterUrl));

        // an existing queue with a smaller limit is brought in line
        sqs.setQueueAttributes(b -> b.queueUrl(url).attributes(Map.of(QueueAttributeName.MAXIMUM_MESSAGE_SIZE, "262144")));
        sqs.setQueueAttributes(b -> b.queueUrl(deadLetterUrl).attributes(Map.of(QueueAttributeName.MAXIMUM_MESSAGE_SIZE, "262144")));
        provisioner().queueWithDeadLetterQueue(queue, deadLetterQueue, 5, 60);
        assertEquals("1048576", maximumMessageSize(url));
        assertEquals("1048576", maximumMessageSize(deadLetterUrl));

        String atTheLimit = "x".repeat(Provisioner.MAX_MESSAGE_BYTES);
        sqs.sendMessage(b -> b.queueUrl(url).messageBody(atTheLimit).messageGroupId("g").messageDeduplicationId("at"));
        assertThrows(SqsException.class, () -> sqs.sendMessage(b -> b.queueUrl(url).messageBody(atTheLimit + "x")
                .messageGroupId("g").messageDeduplicationId("over")));
        List<Message> received = sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(1)).messages();
        assertEquals(1, received.size());
        assertEquals(Provisioner.MAX_MESSAGE_BYTES, received.get(0).body().length());
        // SQS's own upper bound: no queue takes more than 1 MiB (moto checks it when a queue is created)
        assertThrows(SqsException.class, () -> sqs.createQueue(b -> b.queueName("moto-relay-" + n + "-over.fifo")
                .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true", QueueAttributeName.MAXIMUM_MESSAGE_SIZE, "1048577"))));
    }

    private String maximumMessageSize(String url) {
        return sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.MAXIMUM_MESSAGE_SIZE))
                .attributes().get(QueueAttributeName.MAXIMUM_MESSAGE_SIZE);
    }

    private String visibilityTimeout(Provisioner.QueueRef queue) {
        return sqs.getQueueAttributes(b -> b.queueUrl(queue.url()).attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT))
                .attributes().get(QueueAttributeName.VISIBILITY_TIMEOUT);
    }

    /** The seed's topology (bucket -> topic -> two queues, four image suffixes) under names of its own. */
    private static S3EventsTopology seedTopology(String prefix) {
        int n = NUMBER.incrementAndGet();
        return new S3EventsTopology("moto-images-" + n, "moto-imageAdded-" + n,
                List.of("ObjectCreated:Put", "ObjectCreated:CompleteMultipartUpload"), prefix,
                List.of("jpeg", "jpg", "png", "gif"),
                List.of(new S3EventsTopology.Queue("image-thumbnails", "moto-image-thumbnails-" + n),
                        new S3EventsTopology.Queue("image-audit", "moto-image-audit-" + n)),
                Set.of());
    }

    private Provisioner provisioner() {
        return new Provisioner(sqs, dynamoDb, s3, sns, false);
    }

    private static String rule(TopicConfiguration configuration, String name) {
        return configuration.filter().key().filterRules().stream()
                .filter(r -> r.nameAsString().equalsIgnoreCase(name)).map(r -> r.value()).findFirst().orElse(null);
    }

    @Test
    void anAlertTopicGivenByNameIsPublishedToByTheArnBuiltFromTheCallersAccount() {
        String topic = "moto-alerts-" + NUMBER.incrementAndGet();
        String created = new Provisioner(sqs, dynamoDb, s3, sns, false).alerts(topic).topicArn();
        // what the app does with alerts.topic=<name>: the account from STS, the region from its SNS client
        try (StsClient sts = StsClient.builder().endpointOverride(java.net.URI.create(moto.endpoint()))
                .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("sandbox", "sandbox"))).build()) {
            AlertTopic alertTopic = new AlertTopic(topic, Region.US_EAST_1, () -> sts.getCallerIdentity().account());
            assertEquals(created, alertTopic.arn());
            assertEquals("arn:aws:sns:us-east-1:" + MotoServer.ACCOUNT + ":" + topic, alertTopic.arn());
            sns.publish(b -> b.topicArn(alertTopic.arn()).message("reaches the topic"));
        }
    }
}
