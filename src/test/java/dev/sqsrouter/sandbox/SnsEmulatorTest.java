package dev.sqsrouter.sandbox;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;
import software.amazon.awssdk.services.sns.model.PublishResponse;
import software.amazon.awssdk.services.sns.model.Subscription;
import software.amazon.awssdk.services.sns.model.Topic;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The sandbox SNS, driven by the SDK's own SnsClient: if the SDK accepts its answers, so will the app. */
class SnsEmulatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger NUMBER = new AtomicInteger();

    private static SnsEmulator emulator;
    private static SnsClient sns;
    private static SqsClient sqs;

    @BeforeAll
    static void start() throws Exception {
        Emulators emulators = Emulators.shared();
        // an emulator of its own on a free port: what the sandbox starts on 9911
        emulator = SnsEmulator.start(0, emulators.sqsEndpoint());
        sns = AwsTestClients.sns(emulator.endpoint());
        sqs = AwsTestClients.sqs(emulators.sqsEndpoint());
    }

    @AfterAll
    static void stop() {
        sns.close();
        emulator.close();
    }

    @Test
    void publishReachesEverySubscribedQueueInTheSnsEnvelope() throws Exception {
        String topicArn = sns.createTopic(b -> b.name(name("fan-out"))).topicArn();
        String first = queue("fan-out-a");
        String second = queue("fan-out-b");
        String firstSubscription = subscribe(topicArn, first, false);
        subscribe(topicArn, second, false);

        String message = "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\"}]}";
        PublishResponse published = sns.publish(b -> b.topicArn(topicArn).subject("Amazon S3 Notification").message(message)
                .messageAttributes(Map.of("origin", MessageAttributeValue.builder().dataType("String").stringValue("test").build())));

        for (String queue : List.of(first, second)) {
            JsonNode envelope = JSON.readTree(receiveOne(queue).body());
            assertEquals(List.of("Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp", "SignatureVersion",
                    "Signature", "SigningCertURL", "UnsubscribeURL", "MessageAttributes"), fieldNames(envelope));
            assertEquals("Notification", envelope.path("Type").asText());
            assertEquals(published.messageId(), envelope.path("MessageId").asText());
            assertEquals(topicArn, envelope.path("TopicArn").asText());
            assertEquals("Amazon S3 Notification", envelope.path("Subject").asText());
            assertEquals(message, envelope.path("Message").asText(), "the message travels as a string, not as JSON");
            Instant.parse(envelope.path("Timestamp").asText());
            assertEquals("1", envelope.path("SignatureVersion").asText());
            assertEquals(256, Base64.getDecoder().decode(envelope.path("Signature").asText()).length);
            assertEquals("String", envelope.path("MessageAttributes").path("origin").path("Type").asText());
            assertEquals("test", envelope.path("MessageAttributes").path("origin").path("Value").asText());
            if (queue.equals(first)) {
                // each queue's envelope names its own subscription
                assertTrue(envelope.path("UnsubscribeURL").asText().endsWith(
                        "?Action=Unsubscribe&SubscriptionArn=" + URLEncoder.encode(firstSubscription, StandardCharsets.UTF_8)));
            }
        }
    }

    @Test
    void rawDeliveryPutsTheMessageItselfWithItsAttributesInTheQueue() {
        String topicArn = sns.createTopic(b -> b.name(name("raw"))).topicArn();
        String raw = queue("raw");
        String wrapped = queue("wrapped");
        String rawSubscription = subscribe(topicArn, raw, true);
        subscribe(topicArn, wrapped, false);
        assertEquals("true", sns.getSubscriptionAttributes(b -> b.subscriptionArn(rawSubscription))
                .attributes().get("RawMessageDelivery"));

        sns.publish(b -> b.topicArn(topicArn).message("plain body").messageAttributes(Map.of(
                "kind", MessageAttributeValue.builder().dataType("String").stringValue("image").build(),
                "bytes", MessageAttributeValue.builder().dataType("Binary").binaryValue(SdkBytes.fromUtf8String("AB")).build())));

        Message received = receiveOne(raw);
        assertEquals("plain body", received.body());
        assertEquals("image", received.messageAttributes().get("kind").stringValue());
        assertEquals("AB", received.messageAttributes().get("bytes").binaryValue().asUtf8String());
        assertTrue(receiveOne(wrapped).body().contains("\"Message\" : \"plain body\""));

        // switching raw delivery off takes effect for the next publication
        sns.setSubscriptionAttributes(b -> b.subscriptionArn(rawSubscription).attributeName("RawMessageDelivery").attributeValue("false"));
        sns.publish(b -> b.topicArn(topicArn).message("second"));
        assertTrue(receiveOne(raw).body().contains("\"Type\" : \"Notification\""));
    }

    @Test
    void topicsAreIdempotentAndKeepTheirAttributes() {
        String name = name("attributes");
        String arn = sns.createTopic(b -> b.name(name)).topicArn();
        assertEquals(SnsEmulator.topicArn(name), arn);
        assertEquals(arn, sns.createTopic(b -> b.name(name)).topicArn());

        Map<String, String> defaults = sns.getTopicAttributes(b -> b.topicArn(arn)).attributes();
        assertEquals(arn, defaults.get("TopicArn"));
        assertEquals(SnsEmulator.ACCOUNT, defaults.get("Owner"));
        assertTrue(defaults.get("Policy").contains("__default_policy_ID"));

        String policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
                + "\"s3.amazonaws.com\"},\"Action\":\"SNS:Publish\",\"Resource\":\"" + arn + "\"}]}";
        sns.setTopicAttributes(b -> b.topicArn(arn).attributeName("Policy").attributeValue(policy));
        assertEquals(policy, sns.getTopicAttributes(b -> b.topicArn(arn)).attributes().get("Policy"));
        assertThrows(InvalidParameterException.class,
                () -> sns.setTopicAttributes(b -> b.topicArn(arn).attributeName("Policy").attributeValue("not json")));

        sns.deleteTopic(b -> b.topicArn(arn));
        assertThrows(NotFoundException.class, () -> sns.getTopicAttributes(b -> b.topicArn(arn)));
    }

    @Test
    void listingPagesThroughMoreThanOnePage() {
        String prefix = name("page");
        List<String> created = IntStream.range(0, 105)
                .mapToObj(i -> sns.createTopic(b -> b.name(prefix + "-" + i)).topicArn()).toList();
        Set<String> listed = sns.listTopicsPaginator(b -> { }).topics().stream().map(Topic::topicArn).collect(Collectors.toSet());
        assertTrue(listed.containsAll(created));

        String topicArn = created.get(0);
        List<String> subscribed = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            subscribed.add(subscribe(topicArn, queue("page-sub"), false));
        }
        assertEquals(subscribed, sns.listSubscriptionsByTopicPaginator(b -> b.topicArn(topicArn)).subscriptions().stream()
                .map(Subscription::subscriptionArn).toList());
    }

    @Test
    void subscribingTwiceGivesTheSameSubscriptionAndUnsubscribingStopsDelivery() throws Exception {
        String topicArn = sns.createTopic(b -> b.name(name("unsubscribe"))).topicArn();
        String queue = queue("unsubscribe");
        String subscription = subscribe(topicArn, queue, false);
        assertEquals(subscription, subscribe(topicArn, queue, false));
        assertThrows(InvalidParameterException.class, () -> subscribe(topicArn, queue, true),
                "same endpoint, different attributes: SNS refuses");

        sns.publish(b -> b.topicArn(topicArn).message("before"));
        String unsubscribeUrl = JSON.readTree(receiveOne(queue).body()).path("UnsubscribeURL").asText();
        // the link in the envelope works as SNS's does
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(unsubscribeUrl)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode());
        assertTrue(sns.listSubscriptionsByTopic(b -> b.topicArn(topicArn)).subscriptions().isEmpty());

        sns.publish(b -> b.topicArn(topicArn).message("after"));
        assertTrue(sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(1)).messages().isEmpty());
    }

    @Test
    void publishBatchAndMessageStructureJsonDeliverLikeSns() {
        String topicArn = sns.createTopic(b -> b.name(name("batch"))).topicArn();
        String queue = queue("batch");
        subscribe(topicArn, queue, true);

        PublishBatchResponse batch = sns.publishBatch(b -> b.topicArn(topicArn).publishBatchRequestEntries(
                e -> e.id("one").message("first"), e -> e.id("two").message("second")));
        assertEquals(List.of("one", "two"), batch.successful().stream().map(s -> s.id()).toList());
        sns.publish(b -> b.topicArn(topicArn).messageStructure("json")
                .message("{\"default\":\"for everyone\",\"sqs\":\"for queues\"}"));

        List<String> bodies = new ArrayList<>();
        await().atMost(10, SECONDS).until(() -> {
            sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()
                    .forEach(m -> bodies.add(m.body()));
            return bodies.size() >= 3;
        });
        assertEquals(Set.of("first", "second", "for queues"), Set.copyOf(bodies));
    }

    @Test
    void errorsArriveAsTheSdkExceptionsSnsWouldCause() {
        String missing = SnsEmulator.topicArn(name("missing"));
        assertThrows(NotFoundException.class, () -> sns.publish(b -> b.topicArn(missing).message("x")));
        String topicArn = sns.createTopic(b -> b.name(name("errors"))).topicArn();
        assertThrows(InvalidParameterException.class, () -> sns.publish(b -> b.topicArn(topicArn).message("")));
        assertThrows(InvalidParameterException.class, () -> sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs")
                .endpoint("http://not-an-arn")));
        // a filter policy the sandbox would ignore must fail loudly rather than deliver what it should drop
        String queueArn = queueArn(queue("errors"));
        InvalidParameterException filter = assertThrows(InvalidParameterException.class, () -> sns.subscribe(b -> b
                .topicArn(topicArn).protocol("sqs").endpoint(queueArn).attributes(Map.of("FilterPolicy", "{}"))));
        assertTrue(filter.getMessage().contains("FilterPolicy"));
        assertFalse(sns.listTopics().topics().isEmpty());
    }

    private static String name(String role) {
        return "sns-emulator-" + role + "-" + NUMBER.incrementAndGet();
    }

    private static String queue(String role) {
        String name = name(role);
        return sqs.createQueue(b -> b.queueName(name)).queueUrl();
    }

    private static String queueArn(String queueUrl) {
        return sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    private static String subscribe(String topicArn, String queueUrl, boolean raw) {
        return sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn(queueUrl))
                .attributes(Map.of("RawMessageDelivery", Boolean.toString(raw))).returnSubscriptionArn(true)).subscriptionArn();
    }

    private static Message receiveOne(String queueUrl) {
        List<Message> received = new ArrayList<>();
        await().atMost(10, SECONDS).until(() -> {
            received.addAll(sqs.receiveMessage(b -> b.queueUrl(queueUrl).waitTimeSeconds(1).messageAttributeNames("All"))
                    .messages());
            return !received.isEmpty();
        });
        Message message = received.get(0);
        sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
        return message;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
