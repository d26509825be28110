package dev.sqsrouter.deploy;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqsrouter.failure.FailureRecords;
import dev.sqsrouter.provision.DeploymentTemplate;
import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment derived from configuration: deploy/ holds exactly what the commands print for the shipped
 * configuration, a queue added as one block of configuration adds its resources and its grants and changes nothing
 * else, and every queue is granted exactly what the app does to it.
 */
class DeploymentTemplateTest {

    private static final Path SHIPPED = Path.of("application.properties");
    private static final Path TEMPLATE = Path.of("deploy", "cloudformation.yaml");
    private static final Path IAM_POLICY = Path.of("deploy", "iam-policy.json");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> SEND = Set.of("sqs:SendMessage", "sqs:GetQueueUrl");
    private static final Set<String> CONSUME = Set.of("sqs:ReceiveMessage", "sqs:DeleteMessage",
            "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl", "sqs:GetQueueAttributes");
    private static final Set<String> SEND_AND_CONSUME = union(SEND, CONSUME);

    /** The configuration file with test overrides, and nothing of this JVM's environment or system properties. */
    static PropertiesComponent configuration(Path file, String... keyValues) {
        PropertiesComponent properties = (PropertiesComponent) new DefaultCamelContext().getPropertiesComponent();
        properties.setLocation("file:" + file.toAbsolutePath());
        properties.setEnvironmentVariableMode(PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_NEVER);
        properties.setSystemPropertiesMode(PropertiesComponent.SYSTEM_PROPERTIES_MODE_NEVER);
        Properties overrides = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            overrides.setProperty(keyValues[i], keyValues[i + 1]);
        }
        properties.setOverrideProperties(overrides);
        return properties;
    }

    static DeploymentTemplate shipped(String... keyValues) {
        return DeploymentTemplate.from(configuration(SHIPPED, keyValues));
    }

    @Test
    void deployFilesAreWhatTheCommandsPrintForTheShippedConfiguration() throws IOException {
        DeploymentTemplate deployment = shipped();
        assertAll(() -> assertSameText(deployment.templateYaml(), TEMPLATE, "cloudformation"),
                () -> assertSameText(deployment.policyJson(), IAM_POLICY, "iam-policy"));
    }

    @Test
    void aThirdRelayQueueAndAThirdS3EventQueueAreOneBlockEachAndAddOnlyTheirResourcesAndGrants(@TempDir Path temp)
            throws Exception {
        DeploymentTemplate before = shipped();
        DeploymentTemplate after = shipped(
                "relay.queues.orders.queue", "orders.fifo",
                "relay.queues.orders.url", "http://orders.internal/",
                "s3events.queues.image-archive.processor", "audit");

        JsonNode resources = after.template().path("Resources");
        JsonNode orders = resources.path("RelayQueueOrders").path("Properties");
        assertEquals("orders.fifo", orders.path("QueueName").asText());
        assertTrue(orders.path("FifoQueue").asBoolean(), "a .fifo name is a FIFO queue");
        assertEquals(1048576, orders.path("MaximumMessageSize").asInt());
        assertEquals(60, orders.path("VisibilityTimeout").asInt(), "relay.visibility-timeout");
        assertEquals(getAtt("RelayQueueOrdersDeadLetterQueue"), orders.path("RedrivePolicy").path("deadLetterTargetArn"));
        assertEquals(5, orders.path("RedrivePolicy").path("maxReceiveCount").asInt(), "relay.max-receive-count");
        assertEquals("orders-dlq.fifo", resources.path("RelayQueueOrdersDeadLetterQueue").path("Properties")
                .path("QueueName").asText(), "the default dead-letter queue of a FIFO queue");

        assertEquals("image-archive", resources.path("S3EventQueueImageArchive").path("Properties").path("QueueName").asText());
        assertEquals("image-archive-dlq", resources.path("S3EventQueueImageArchiveDeadLetterQueue").path("Properties")
                .path("QueueName").asText());
        JsonNode subscription = resources.path("S3EventQueueImageArchiveSubscription");
        assertEquals("S3EventQueueImageArchivePolicy", subscription.path("DependsOn").asText());
        assertEquals(getAtt("S3EventQueueImageArchive"), subscription.path("Properties").path("Endpoint"));
        assertFalse(subscription.path("Properties").path("RawMessageDelivery").asBoolean(true), "the routes read the envelope");
        JsonNode send = resources.path("S3EventQueueImageArchivePolicy").path("Properties").path("PolicyDocument")
                .path("Statement").path(0);
        assertEquals("sns.amazonaws.com", send.path("Principal").path("Service").asText());
        assertEquals(ref("S3EventsTopic"), send.path("Condition").path("ArnEquals").path("aws:SourceArn"),
                "only the topic may send");

        Set<String> added = new TreeSet<>(fieldNames(resources));
        added.removeAll(fieldNames(before.template().path("Resources")));
        assertEquals(new TreeSet<>(List.of("RelayQueueOrders", "RelayQueueOrdersDeadLetterQueue",
                "RelayQueueOrdersOldestMessageAgeAlarm", "RelayQueueOrdersDeadLetterQueueAlarm",
                "S3EventQueueImageArchive", "S3EventQueueImageArchiveDeadLetterQueue", "S3EventQueueImageArchivePolicy",
                "S3EventQueueImageArchiveSubscription", "S3EventQueueImageArchiveOldestMessageAgeAlarm",
                "S3EventQueueImageArchiveDeadLetterQueueAlarm")), added);
        before.template().path("Resources").properties().forEach(resource -> {
            if (!resource.getKey().equals("InstancePolicy")) {
                assertEquals(resource.getValue(), resources.path(resource.getKey()), resource.getKey() + " changed");
            }
        });

        Map<String, Set<String>> grants = actionsByResource(after.policy());
        Map<String, Set<String>> expected = actionsByResource(before.policy());
        expected.put(queueArn("orders.fifo"), SEND_AND_CONSUME);
        expected.put(queueArn("orders-dlq.fifo"), CONSUME);
        expected.put(queueArn("image-archive"), SEND_AND_CONSUME);
        expected.put(queueArn("image-archive-dlq"), CONSUME);
        assertEquals(expected, grants, "the new queues' grants, and the others' unchanged");

        Path file = temp.resolve("cloudformation.yaml");
        Files.writeString(file, after.templateYaml());
        CfnLint.assertClean(file, temp);
    }

    @Test
    void theFailureTableHasTheStatusIndexAndTheTtlThatProvisioningGivesIt() {
        JsonNode table = shipped().template().path("Resources").path("FailureTable").path("Properties");
        JsonNode index = table.path("GlobalSecondaryIndexes").get(0);
        assertEquals(FailureRecords.STATUS_INDEX, index.path("IndexName").asText());
        assertEquals("status", index.path("KeySchema").get(0).path("AttributeName").asText());
        assertEquals("HASH", index.path("KeySchema").get(0).path("KeyType").asText());
        assertEquals("recordedAt", index.path("KeySchema").get(1).path("AttributeName").asText());
        assertEquals("RANGE", index.path("KeySchema").get(1).path("KeyType").asText());
        assertEquals("INCLUDE", index.path("Projection").path("ProjectionType").asText());
        List<String> projected = new java.util.ArrayList<>();
        index.path("Projection").path("NonKeyAttributes").forEach(a -> projected.add(a.asText()));
        assertEquals(FailureRecords.INDEX_ATTRIBUTES, projected, "the summary only: no body, no answer");
        assertEquals("expiresAt", table.path("TimeToLiveSpecification").path("AttributeName").asText());
        assertTrue(table.path("TimeToLiveSpecification").path("Enabled").asBoolean());
    }

    @Test
    void eachQueueIsGrantedExactlyWhatTheAppDoesToIt() {
        DeploymentTemplate deployment = shipped(
                "relay.queues.inbox.queue", "inbox.fifo",
                "relay.queues.inbox.ingress-only", "true");
        Map<String, Set<String>> grants = actionsByResource(deployment.policy());

        for (String queue : List.of("queue-1", "queue-2")) {
            // the ingress and replay send; the relay consumes
            assertEquals(SEND_AND_CONSUME, grants.get(queueArn(queue + ".fifo")), queue);
            // only SQS redrives there; the archiver consumes
            assertEquals(CONSUME, grants.get(queueArn(queue + "-dlq.fifo")), queue + "'s dead-letter queue");
        }
        assertEquals(SEND, grants.get(queueArn("inbox.fifo")), "an ingress-only queue is sent to, never consumed here");
        assertFalse(grants.containsKey(queueArn("inbox-dlq.fifo")), "nothing here reads an ingress-only queue's dead-letter queue");
        for (String queue : List.of("image-thumbnails", "image-audit")) {
            // SNS delivers; the route consumes; the admin replay sends a parked record back
            assertEquals(SEND_AND_CONSUME, grants.get(queueArn(queue)), queue);
            assertEquals(CONSUME, grants.get(queueArn(queue + "-dlq")), queue + "'s dead-letter queue: only SQS redrives there");
        }
        assertEquals(Set.of("dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem"),
                grants.get("arn:aws:dynamodb:REGION:ACCOUNT_ID:table/sqs-router-failures"));
        assertEquals(Set.of("dynamodb:Query"),
                grants.get("arn:aws:dynamodb:REGION:ACCOUNT_ID:table/sqs-router-failures/index/status-recordedAt"));
        assertEquals(Set.of("s3:PutObject", "s3:GetObject"), grants.get("arn:aws:s3:::sqs-router-failures-bodies/bodies/*"));
        assertEquals(Set.of("s3:GetObject", "s3:GetObjectVersion"), grants.get("arn:aws:s3:::images/*"));
        assertEquals(Set.of("s3:ListBucket"), grants.get("arn:aws:s3:::images"));
        assertEquals(Set.of("s3:PutObject"), grants.get("arn:aws:s3:::images/thumbnails/*"));
        assertEquals(Set.of("sns:Publish"), grants.get("arn:aws:sns:REGION:ACCOUNT_ID:sqs-router-alerts"));
        assertEquals(16, grants.size(), "nothing else is granted: " + grants.keySet());

        // the ingress-only queue is still created as provisioning creates it, with its dead-letter queue
        JsonNode resources = deployment.template().path("Resources");
        assertEquals("inbox-dlq.fifo", resources.path("RelayQueueInboxDeadLetterQueue").path("Properties").path("QueueName").asText());
        assertEquals(getAtt("RelayQueueInboxDeadLetterQueue"),
                resources.path("RelayQueueInbox").path("Properties").path("RedrivePolicy").path("deadLetterTargetArn"));
    }

    @Test
    void aTopologyWithoutS3EventQueuesHasNoFanOutAndPassesCfnLint(@TempDir Path temp) throws Exception {
        Path relayOnly = temp.resolve("application.properties");
        Files.writeString(relayOnly, String.join("\n",
                "failures.table=acme-failures",
                "failures.large-body-bucket=",
                "relay.queues.orders.queue=orders.fifo",
                "relay.queues.orders.url=http://orders.internal/",
                "relay.queues.orders.max-receive-count=8",
                "relay.queues.orders.visibility-timeout=90",
                ""));
        DeploymentTemplate deployment = DeploymentTemplate.from(configuration(relayOnly));
        ObjectNode template = deployment.template();
        assertEquals(Set.of("AlertEmail", "OldestMessageAgeAlarmSeconds"), fieldNames(template.path("Parameters")),
                "the S3 events topic's key parameter goes with that topic");
        assertEquals(Set.of("HasAlertEmail"), fieldNames(template.path("Conditions")));
        Set<String> types = new TreeSet<>();
        template.path("Resources").forEach(resource -> types.add(resource.path("Type").asText()));
        assertEquals(Set.of("AWS::SQS::Queue", "AWS::DynamoDB::Table", "AWS::IAM::ManagedPolicy", "AWS::IAM::Role",
                "AWS::IAM::InstanceProfile", "AWS::SNS::Topic", "AWS::SNS::TopicPolicy", "AWS::SNS::Subscription",
                "AWS::CloudWatch::Alarm"), types, "no S3 events topic, no bucket (failures.large-body-bucket is empty);"
                + " the alert topic and alarms");
        JsonNode orders = template.path("Resources").path("RelayQueueOrders").path("Properties");
        assertEquals(8, orders.path("RedrivePolicy").path("maxReceiveCount").asInt(), "the block's own max-receive-count");
        assertEquals(90, orders.path("VisibilityTimeout").asInt(), "the block's own visibility-timeout");
        assertEquals(Set.of(queueArn("orders.fifo"), queueArn("orders-dlq.fifo"),
                "arn:aws:dynamodb:REGION:ACCOUNT_ID:table/acme-failures", "arn:aws:sns:REGION:ACCOUNT_ID:sqs-router-alerts",
                "arn:aws:dynamodb:REGION:ACCOUNT_ID:table/acme-failures/index/status-recordedAt"),
                actionsByResource(deployment.policy()).keySet());

        Path file = temp.resolve("cloudformation.yaml");
        Files.writeString(file, deployment.templateYaml());
        CfnLint.assertClean(file, temp);
    }

    @Test
    void theAlertTopicIsPublishedToByTheRoleAloneAndEveryQueueAndDeadLetterQueueHasItsAlarm() {
        DeploymentTemplate deployment = shipped("alerts.topic", "arn:aws:sns:eu-west-1:111122223333:acme-alerts");
        JsonNode resources = deployment.template().path("Resources");
        assertEquals("acme-alerts", resources.path("AlertTopic").path("Properties").path("TopicName").asText(),
                "the name of an ARN");
        JsonNode email = resources.path("AlertTopicEmailSubscription");
        assertEquals("HasAlertEmail", email.path("Condition").asText(), "an e-mail subscription only when one is given");
        assertEquals(ref("AlertEmail"), email.path("Properties").path("Endpoint"));
        assertEquals("email", email.path("Properties").path("Protocol").asText());
        JsonNode alarmsMayPublish = resources.path("AlertTopicPolicy").path("Properties").path("PolicyDocument")
                .path("Statement").path(0);
        assertEquals("cloudwatch.amazonaws.com", alarmsMayPublish.path("Principal").path("Service").asText());
        assertEquals(ref("AWS::AccountId"), alarmsMayPublish.path("Condition").path("StringEquals").path("aws:SourceAccount"));

        // sns:Publish on exactly that topic, and nothing else of SNS
        Map<String, Set<String>> grants = actionsByResource(deployment.policy());
        assertEquals(Set.of("sns:Publish"), grants.get("arn:aws:sns:REGION:ACCOUNT_ID:acme-alerts"));
        grants.forEach((resource, actions) -> actions.stream().filter(a -> a.startsWith("sns:"))
                .forEach(a -> assertEquals("arn:aws:sns:REGION:ACCOUNT_ID:acme-alerts", resource, a)));
        JsonNode statement = null;
        for (JsonNode s : deployment.template().path("Resources").path("InstancePolicy").path("Properties")
                .path("PolicyDocument").path("Statement")) {
            statement = s.path("Sid").asText().equals("Alerts") ? s : statement;
        }
        assertEquals(ref("AlertTopic"), statement.path("Resource").path(0), "a topic's Ref is its ARN");

        Map<String, String> alarms = new TreeMap<>();
        resources.properties().forEach(resource -> {
            if (resource.getValue().path("Type").asText().equals("AWS::CloudWatch::Alarm")) {
                JsonNode alarm = resource.getValue().path("Properties");
                assertEquals(ref("AlertTopic"), alarm.path("AlarmActions").path(0), resource.getKey());
                assertEquals("AWS/SQS", alarm.path("Namespace").asText());
                alarms.put(alarm.path("Dimensions").path(0).path("Value").asText(), alarm.path("MetricName").asText()
                        + " " + alarm.path("ComparisonOperator").asText() + " " + alarm.path("Threshold"));
            }
        });
        String age = "ApproximateAgeOfOldestMessage GreaterThanThreshold {\"Ref\":\"OldestMessageAgeAlarmSeconds\"}";
        String deadLetters = "ApproximateNumberOfMessagesVisible GreaterThanThreshold 0";
        assertEquals(new TreeMap<>(Map.of(
                "queue-1.fifo", age, "queue-2.fifo", age, "image-thumbnails", age, "image-audit", age,
                "queue-1-dlq.fifo", deadLetters, "queue-2-dlq.fifo", deadLetters, "image-thumbnails-dlq", deadLetters,
                "image-audit-dlq", deadLetters)), alarms);
    }

    @Test
    void withAlertsOffThereIsNoAlertTopicNoAlarmAndNoSnsGrant() {
        DeploymentTemplate deployment = shipped("alerts.enabled", "false");
        JsonNode resources = deployment.template().path("Resources");
        assertTrue(resources.path("AlertTopic").isMissingNode());
        resources.forEach(resource -> assertFalse(resource.path("Type").asText().equals("AWS::CloudWatch::Alarm")));
        assertFalse(actionsByResource(deployment.policy()).keySet().stream().anyMatch(arn -> arn.startsWith("arn:aws:sns:")));
        assertFalse(deployment.template().path("Parameters").has("AlertEmail"));
    }

    @Test
    void thumbnailsInABucketOfTheirOwnAreGrantedThatBucketUnderTheirPrefixOnly() {
        DeploymentTemplate deployment = shipped(
                "s3events.prefix", "uploads/",
                "s3events.thumbnail.bucket", "acme-thumbnails",
                "s3events.thumbnail.prefix", "small/");
        Map<String, Set<String>> grants = actionsByResource(deployment.policy());
        assertEquals(Set.of("s3:PutObject"), grants.get("arn:aws:s3:::acme-thumbnails/small/*"));
        assertEquals(Set.of("s3:GetObject", "s3:GetObjectVersion"), grants.get("arn:aws:s3:::images/uploads/*"),
                "only the notified prefix is read");
        assertFalse(grants.containsKey("arn:aws:s3:::images/thumbnails/*"));

        JsonNode resources = deployment.template().path("Resources");
        assertEquals("acme-thumbnails", resources.path("OutputBucketAcmeThumbnails").path("Properties").path("BucketName").asText(),
                "the thumbnail bucket is created as provisioning creates it");
        assertEquals("DenyInsecureTransport", resources.path("OutputBucketAcmeThumbnailsPolicy").path("Properties")
                .path("PolicyDocument").path("Statement").path(0).path("Sid").asText());
        JsonNode notifications = resources.path("S3EventsBucket").path("Properties").path("NotificationConfiguration")
                .path("TopicConfigurations");
        // 2 events x 4 suffixes, each with the prefix rule
        assertEquals(8, notifications.size());
        notifications.forEach(notification -> assertEquals("prefix=uploads/",
                notification.path("Filter").path("S3Key").path("Rules").path(0).path("Name").asText() + "="
                        + notification.path("Filter").path("S3Key").path("Rules").path(0).path("Value").asText()));
    }

    @Test
    void aProcessorTheTemplateDoesNotKnowIsRefusedWithWhatToDo() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> shipped("s3events.queues.image-ocr.processor", "ocr"));
        assertEquals("s3events.queues.image-ocr.processor=ocr: the deployment template knows what the processors thumbnail"
                + " and audit do in S3, not 'ocr'; use one of them, or grant the new one its access in DeploymentTemplate",
                refused.getMessage());
    }

    @Test
    void twoBlocksWhoseNamesMakeOneLogicalIdAreRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> shipped(
                "relay.queues.orders-eu.queue", "orders-eu.fifo", "relay.queues.orders-eu.url", "http://a/",
                "relay.queues.ordersEu.queue", "orders-eu-2.fifo", "relay.queues.ordersEu.url", "http://b/"));
        assertEquals("relay.queues.orders-eu and relay.queues.ordersEu both become the CloudFormation logical id"
                + " RelayQueueOrdersEu (which keeps letters and digits only): rename one", refused.getMessage());
    }

    @Test
    void aQueueNamedTwiceIsRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> shipped(
                "relay.queues.queue-2.dead-letter-queue", "queue-1-dlq.fifo"));
        assertEquals("relay.queues.queue-1.dead-letter-queue and relay.queues.queue-2.dead-letter-queue both name the SQS"
                + " queue queue-1-dlq.fifo: every queue and dead-letter queue is a queue of its own", refused.getMessage());
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    /** Equal text, or a failure that names the first differing line and the command that regenerates the file. */
    private static void assertSameText(String generated, Path file, String command) throws IOException {
        String onDisk = Files.readString(file);
        if (generated.equals(onDisk)) {
            return;
        }
        List<String> expected = generated.lines().toList();
        List<String> actual = onDisk.lines().toList();
        int line = 0;
        while (line < expected.size() && line < actual.size() && expected.get(line).equals(actual.get(line))) {
            line++;
        }
        throw new AssertionError(file + " is not what the " + command + " command prints for the shipped"
                + " application.properties; regenerate it: mvn -B package -DskipTests && java -jar target/sqs-router.jar "
                + command + " > " + file + "\nfirst difference at line " + (line + 1) + ":\n  generated: "
                + (line < expected.size() ? expected.get(line) : "(end of text)") + "\n  in file:   "
                + (line < actual.size() ? actual.get(line) : "(end of file)"));
    }

    /** Every resource ARN of a standalone policy with the union of the actions granted on it. */
    static Map<String, Set<String>> actionsByResource(JsonNode policy) {
        Map<String, Set<String>> grants = new TreeMap<>();
        for (JsonNode statement : policy.path("Statement")) {
            assertEquals("Allow", statement.path("Effect").asText());
            for (JsonNode resource : statement.path("Resource")) {
                Set<String> actions = grants.computeIfAbsent(resource.asText(), r -> new TreeSet<>());
                statement.path("Action").forEach(action -> actions.add(action.asText()));
            }
        }
        return grants;
    }

    private static String queueArn(String queue) {
        return "arn:aws:sqs:REGION:ACCOUNT_ID:" + queue;
    }

    private static JsonNode getAtt(String id) {
        ObjectNode getAtt = JSON.createObjectNode();
        getAtt.putArray("Fn::GetAtt").add(id).add("Arn");
        return getAtt;
    }

    private static JsonNode ref(String id) {
        return JSON.createObjectNode().put("Ref", id);
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
