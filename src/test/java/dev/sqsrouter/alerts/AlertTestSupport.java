package dev.sqsrouter.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqsrouter.config.S3EventsTopology;
import dev.sqsrouter.provision.Provisioner;
import dev.sqsrouter.relay.RelayTestSupport;
import dev.sqsrouter.sandbox.AwsTestClients;
import dev.sqsrouter.sandbox.SnsEmulator;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The app as shipped with the alert flow on: an alert topic of its own on the sandbox SNS and a queue subscribed to it
 * (what an operator reads), a short alert window, a console base URL to find in the links.
 */
abstract class AlertTestSupport extends RelayTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String CONSOLE = "https://router.example:8443";
    static final int WINDOW_SECONDS = 2;

    protected final SnsClient sns = AwsTestClients.sns(emulators.snsEndpoint());
    protected String inboxUrl;

    protected String topicName() {
        return prefix + "-alerts";
    }

    @Override
    protected void overrideProperties(Properties properties) {
        properties.setProperty("aws.endpoint.sns", emulators.snsEndpoint());
        properties.setProperty("alerts.topic", SnsEmulator.topicArn(topicName()));
        properties.setProperty("alerts.window-seconds", Integer.toString(WINDOW_SECONDS));
        properties.setProperty("console.base-url", CONSOLE);
    }

    /** The topic as the provision command creates it, and this test's queue subscribed to it (the sandbox's inbox). */
    @Override
    protected void provision(Properties properties) {
        super.provision(properties);
        Provisioner provisioner = new Provisioner(sqs, dynamoDb, null, sns, false);
        String topicArn = provisioner.alerts(SnsEmulator.topicArn(topicName())).topicArn();
        Provisioner.QueueRef inbox = provisioner.queueWithPolicy(prefix + "-alerts-inbox", Map.of(),
                arn -> S3EventsTopology.queuePolicy(arn, topicArn));
        provisioner.subscription(topicArn, inbox);
        inboxUrl = inbox.url();
    }

    /** One alert as the subscribed queue receives it: the SNS envelope's subject, text and message attributes. */
    record Received(String subject, String text, long failures, String kind) {
    }

    /** What the inbox holds now (received and deleted). */
    protected List<Received> receiveAlerts() {
        List<Received> all = new ArrayList<>();
        while (true) {
            var batch = sqs.receiveMessage(b -> b.queueUrl(inboxUrl).maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
            if (batch.isEmpty()) {
                return all;
            }
            for (var message : batch) {
                try {
                    JsonNode envelope = JSON.readTree(message.body());
                    assertEquals("Notification", envelope.path("Type").asText());
                    JsonNode attributes = envelope.path("MessageAttributes");
                    all.add(new Received(envelope.path("Subject").asText(), envelope.path("Message").asText(),
                            Long.parseLong(attributes.path(FailureAlerts.FAILURES_ATTRIBUTE).path("Value").asText()),
                            attributes.path(FailureAlerts.KIND_ATTRIBUTE).path("Value").asText()));
                } catch (java.io.IOException e) {
                    throw new AssertionError("not an SNS envelope: " + message.body(), e);
                }
                sqs.deleteMessage(b -> b.queueUrl(inboxUrl).receiptHandle(message.receiptHandle()));
            }
        }
    }

    /** Sends n messages to a relay queue, each in a group of its own, that the response server answers status_code. */
    protected void sendFailing(String alias, String groupPrefix, int n, int statusCode) {
        String url = url(queue(alias));
        for (int from = 0; from < n; from += 10) {
            List<SendMessageBatchRequestEntry> entries = IntStream.range(from, Math.min(n, from + 10))
                    .mapToObj(i -> SendMessageBatchRequestEntry.builder().id("m" + i)
                            .messageBody("{\"data\":{\"MessageGroupID\":\"" + groupPrefix + i + "\",\"transSeq\":" + i
                                    + ",\"http_status\":" + statusCode + "}}")
                            .messageGroupId(groupPrefix + i).messageDeduplicationId(groupPrefix + i).build())
                    .toList();
            sqs.sendMessageBatch(b -> b.queueUrl(url).entries(entries));
        }
    }

    /** Records in this test's failure table. */
    protected int recordsInStore() {
        int count = 0;
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> start = null;
        do {
            var startKey = start;
            // failure records only: their keys start with the queue's name (sequence notes have a prefix of their own)
            var page = dynamoDb.scan(b -> b.tableName(failureTable()).select(Select.COUNT).consistentRead(true)
                    .filterExpression("begins_with(pk, :queues)")
                    .expressionAttributeValues(Map.of(":queues",
                            software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(prefix + "-")))
                    .exclusiveStartKey(startKey));
            count += page.count();
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return count;
    }

    protected FailureAlerts alerts() {
        return context.getRegistry().lookupByNameAndType("failureAlerts", FailureAlerts.class);
    }
}
