package dev.sqsrouter.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqsrouter.config.Topology;
import dev.sqsrouter.sandbox.AwsTestClients;
import dev.sqsrouter.sandbox.MotoServer;
import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.TopicConfiguration;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.Subscription;
import software.amazon.awssdk.services.sns.model.Topic;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What the provision command creates is what the CloudFormation template declares, for the same configuration:
 * provisioned on moto, read back attribute by attribute, and compared with the template's properties for every queue,
 * the failure table, every bucket and topic and each subscription. An attribute the template leaves out is compared
 * as what AWS gives a new resource. moto does not report a queue's RedriveAllowPolicy, nor anything of CloudWatch
 * alarms or IAM (which only a stack creates); those are not compared here.
 */
class ProvisionMatchesTemplateTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger NUMBER = new AtomicInteger();

    /** What SQS gives a new queue for an attribute left out (moto gives the same). */
    private static final Map<String, String> SQS_DEFAULTS = Map.of(
            "FifoQueue", "false",
            "ContentBasedDeduplication", "false",
            "VisibilityTimeout", "30",
            "MessageRetentionPeriod", "345600",
            "MaximumMessageSize", "1048576",
            "DelaySeconds", "0",
            "ReceiveMessageWaitTimeSeconds", "0",
            "SqsManagedSseEnabled", "true");

    private final MotoServer moto = MotoServer.shared();
    private final SqsClient sqs = AwsTestClients.sqs(moto.endpoint());
    private final SnsClient sns = AwsTestClients.sns(moto.endpoint());
    private final S3Client s3 = AwsTestClients.s3(moto.endpoint());
    private final DynamoDbClient dynamoDb = AwsTestClients.dynamoDb(moto.endpoint());

    private final List<String> differences = new ArrayList<>();

    @Test
    void everyQueueTheTableBucketsAndTopicsAreCreatedAsTheTemplateDeclaresThem() throws Exception {
        String run = "pmt" + NUMBER.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        PropertiesComponent properties = configuration(
                "relay.queues.queue-1.queue", run + "-queue-1.fifo",
                "relay.queues.queue-1.dead-letter-queue", run + "-queue-1-dlq.fifo",
                "relay.queues.queue-2.queue", run + "-queue-2.fifo",
                "relay.queues.queue-2.dead-letter-queue", run + "-queue-2-dlq.fifo",
                "relay.queues.queue-2.visibility-timeout", "90",
                "relay.queues.queue-2.max-receive-count", "7",
                "failures.table", run + "-failures",
                "failures.large-body-bucket", run + "-failure-bodies",
                "s3events.bucket", run + "-images",
                "s3events.topic", run + "-imageAdded",
                "s3events.prefix", "uploads/",
                "s3events.thumbnail.bucket", run + "-thumbnails",
                "s3events.queues.image-thumbnails.queue", run + "-image-thumbnails",
                "s3events.queues.image-thumbnails.dead-letter-queue", run + "-image-thumbnails-dlq",
                "s3events.queues.image-audit.queue", run + "-image-audit",
                "s3events.queues.image-audit.dead-letter-queue", run + "-image-audit-dlq",
                "s3events.queues.image-audit.visibility-timeout", "45",
                "alerts.topic", run + "-alerts");
        Topology topology = Topology.from(properties);
        JsonNode resources = DeploymentTemplate.from(properties).template().path("Resources");

        Provisioner provisioner = new Provisioner(sqs, dynamoDb, s3, sns, false);
        provisioner.provision(topology.relay());
        provisioner.provision(topology.s3Events().orElseThrow());
        provisioner.alerts(run + "-alerts");

        Map<String, Set<String>> declared = new TreeMap<>();
        resources.properties().forEach(entry -> {
            JsonNode resource = entry.getValue();
            JsonNode declaredProperties = resource.path("Properties");
            switch (resource.path("Type").asText()) {
                case "AWS::SQS::Queue" -> {
                    declared.computeIfAbsent("queue", k -> new TreeSet<>()).add(declaredProperties.path("QueueName").asText());
                    queue(declaredProperties, resources);
                }
                case "AWS::DynamoDB::Table" -> {
                    declared.computeIfAbsent("table", k -> new TreeSet<>()).add(declaredProperties.path("TableName").asText());
                    table(declaredProperties);
                }
                case "AWS::S3::Bucket" -> {
                    declared.computeIfAbsent("bucket", k -> new TreeSet<>()).add(declaredProperties.path("BucketName").asText());
                    bucket(entry.getKey(), declaredProperties, resources);
                }
                case "AWS::SNS::Topic" -> {
                    declared.computeIfAbsent("topic", k -> new TreeSet<>()).add(declaredProperties.path("TopicName").asText());
                    topic(entry.getKey(), declaredProperties, resources);
                }
                default -> { }
            }
        });
        Map<String, Set<String>> provisioned = new TreeMap<>();
        for (String line : provisioner.report()) {
            String[] words = line.split(" +");
            if (words[0].equals("created") && Set.of("queue", "table", "bucket", "topic").contains(words[1])) {
                provisioned.computeIfAbsent(words[1], k -> new TreeSet<>()).add(words[2]);
            }
        }
        assertEquals(declared, provisioned, "provision creates exactly the template's queues, table, buckets and topics");
        assertEquals("", String.join("\n", differences), "what provision created differs from the template");
    }

    // --- queues ---------------------------------------------------------------------------------------------------

    private void queue(JsonNode declared, JsonNode resources) {
        String name = declared.path("QueueName").asText();
        String url = sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
        Map<String, String> actual = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL))
                .attributesAsStrings();
        for (Map.Entry<String, String> attribute : SQS_DEFAULTS.entrySet()) {
            String key = attribute.getKey();
            String expected = declared.has(key) ? declared.get(key).asText() : attribute.getValue();
            same("queue " + name, key, expected, actual.getOrDefault(key, attribute.getValue()));
        }
        String expectedRedrive = declared.has("RedrivePolicy")
                ? logicalName(resources, declared.path("RedrivePolicy").path("deadLetterTargetArn"), "QueueName")
                + " after " + declared.path("RedrivePolicy").path("maxReceiveCount").asText()
                : "none";
        String actualRedrive = "none";
        if (actual.containsKey("RedrivePolicy")) {
            JsonNode redrive = read(actual.get("RedrivePolicy"));
            actualRedrive = tail(redrive.path("deadLetterTargetArn").asText()) + " after " + redrive.path("maxReceiveCount").asText();
        }
        same("queue " + name, "RedrivePolicy", expectedRedrive, actualRedrive);
        String expectedPolicy = "none";
        for (JsonNode resource : resources) {
            if (resource.path("Type").asText().equals("AWS::SQS::QueuePolicy")
                    && logicalName(resources, resource.path("Properties").path("Queues").path(0), "QueueName").equals(name)) {
                expectedPolicy = statements(resource.path("Properties").path("PolicyDocument"));
            }
        }
        same("queue " + name, "Policy", expectedPolicy,
                actual.containsKey("Policy") ? statements(read(actual.get("Policy"))) : "none");
    }

    // --- the failure table ----------------------------------------------------------------------------------------

    private void table(JsonNode declared) {
        String name = declared.path("TableName").asText();
        TableDescription actual = dynamoDb.describeTable(b -> b.tableName(name)).table();
        String label = "table " + name;
        same(label, "KeySchema", keys(declared.path("KeySchema")),
                actual.keySchema().stream().map(k -> k.attributeName() + ":" + k.keyTypeAsString()).collect(Collectors.joining(",")));
        same(label, "AttributeDefinitions", sorted(declared.path("AttributeDefinitions"), d -> d.path("AttributeName").asText()
                        + ":" + d.path("AttributeType").asText()),
                actual.attributeDefinitions().stream().map(d -> d.attributeName() + ":" + d.attributeTypeAsString()).sorted()
                        .collect(Collectors.joining(",")));
        same(label, "BillingMode", declared.path("BillingMode").asText("PROVISIONED"),
                actual.billingModeSummary() == null ? "PROVISIONED" : actual.billingModeSummary().billingModeAsString());
        List<String> indexes = new ArrayList<>();
        declared.path("GlobalSecondaryIndexes").forEach(index -> indexes.add(index.path("IndexName").asText() + " "
                + keys(index.path("KeySchema")) + " " + index.path("Projection").path("ProjectionType").asText() + " "
                + sorted(index.path("Projection").path("NonKeyAttributes"), JsonNode::asText)));
        same(label, "GlobalSecondaryIndexes", String.join("; ", indexes), actual.globalSecondaryIndexes().stream()
                .map(index -> index.indexName() + " " + index.keySchema().stream()
                        .map(k -> k.attributeName() + ":" + k.keyTypeAsString()).collect(Collectors.joining(",")) + " "
                        + index.projection().projectionTypeAsString() + " "
                        + index.projection().nonKeyAttributes().stream().sorted().collect(Collectors.joining(",")))
                .collect(Collectors.joining("; ")));
        JsonNode ttl = declared.path("TimeToLiveSpecification");
        var actualTtl = dynamoDb.describeTimeToLive(b -> b.tableName(name)).timeToLiveDescription();
        same(label, "TimeToLiveSpecification", ttl.path("Enabled").asBoolean() ? ttl.path("AttributeName").asText() + " ENABLED" : "DISABLED",
                "ENABLED".equals(actualTtl.timeToLiveStatusAsString()) ? actualTtl.attributeName() + " ENABLED" : "DISABLED");
        same(label, "PointInTimeRecoveryEnabled",
                Boolean.toString(declared.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean(false)),
                Boolean.toString("ENABLED".equals(dynamoDb.describeContinuousBackups(b -> b.tableName(name))
                        .continuousBackupsDescription().pointInTimeRecoveryDescription().pointInTimeRecoveryStatusAsString())));
        same(label, "DeletionProtectionEnabled", Boolean.toString(declared.path("DeletionProtectionEnabled").asBoolean(false)),
                Boolean.toString(Boolean.TRUE.equals(actual.deletionProtectionEnabled())));
    }

    // --- buckets --------------------------------------------------------------------------------------------------

    private void bucket(String id, JsonNode declared, JsonNode resources) {
        String name = declared.path("BucketName").asText();
        String label = "bucket " + name;
        same(label, "BucketEncryption", declared.path("BucketEncryption").path("ServerSideEncryptionConfiguration").path(0)
                        .path("ServerSideEncryptionByDefault").path("SSEAlgorithm").asText("none"),
                absentAs("none", () -> s3.getBucketEncryption(b -> b.bucket(name)).serverSideEncryptionConfiguration().rules()
                        .get(0).applyServerSideEncryptionByDefault().sseAlgorithmAsString()));
        JsonNode block = declared.path("PublicAccessBlockConfiguration");
        same(label, "PublicAccessBlockConfiguration", block.isMissingNode() ? "none"
                        : block.path("BlockPublicAcls").asBoolean() + "," + block.path("BlockPublicPolicy").asBoolean() + ","
                        + block.path("IgnorePublicAcls").asBoolean() + "," + block.path("RestrictPublicBuckets").asBoolean(),
                absentAs("none", () -> {
                    var actual = s3.getPublicAccessBlock(b -> b.bucket(name)).publicAccessBlockConfiguration();
                    return actual.blockPublicAcls() + "," + actual.blockPublicPolicy() + "," + actual.ignorePublicAcls() + ","
                            + actual.restrictPublicBuckets();
                }));
        same(label, "OwnershipControls", declared.path("OwnershipControls").path("Rules").path(0).path("ObjectOwnership").asText("none"),
                absentAs("none", () -> s3.getBucketOwnershipControls(b -> b.bucket(name)).ownershipControls().rules().get(0)
                        .objectOwnershipAsString()));
        same(label, "VersioningConfiguration", declared.path("VersioningConfiguration").path("Status").asText("none"),
                String.valueOf(s3.getBucketVersioning(b -> b.bucket(name)).statusAsString()).replace("null", "none"));
        same(label, "LifecycleConfiguration", declared.has("LifecycleConfiguration") ? "set" : "none",
                absentAs("none", () -> s3.getBucketLifecycleConfiguration(b -> b.bucket(name)).hasRules() ? "set" : "none"));
        String expectedPolicy = "none";
        for (JsonNode resource : resources) {
            if (resource.path("Type").asText().equals("AWS::S3::BucketPolicy")
                    && resource.path("Properties").path("Bucket").path("Ref").asText().equals(id)) {
                expectedPolicy = statements(resource.path("Properties").path("PolicyDocument"));
            }
        }
        same(label, "BucketPolicy", expectedPolicy,
                absentAs("none", () -> statements(read(s3.getBucketPolicy(b -> b.bucket(name)).policy()))));
        List<String> expectedNotifications = new ArrayList<>();
        declared.path("NotificationConfiguration").path("TopicConfigurations").forEach(c -> expectedNotifications.add(
                c.path("Event").asText() + " -> " + logicalName(resources, c.path("Topic"), "TopicName") + " "
                        + sorted(c.path("Filter").path("S3Key").path("Rules"),
                        r -> r.path("Name").asText().toLowerCase() + "=" + r.path("Value").asText())));
        List<String> actualNotifications = new ArrayList<>();
        for (TopicConfiguration c : s3.getBucketNotificationConfiguration(b -> b.bucket(name)).topicConfigurations()) {
            for (String event : c.eventsAsStrings()) {
                actualNotifications.add(event + " -> " + tail(c.topicArn()) + " " + (c.filter() == null ? "" : c.filter().key()
                        .filterRules().stream().map(r -> r.nameAsString().toLowerCase() + "=" + r.value()).sorted()
                        .collect(Collectors.joining(","))));
            }
        }
        same(label, "NotificationConfiguration", expectedNotifications.stream().sorted().collect(Collectors.joining("; ")),
                actualNotifications.stream().sorted().collect(Collectors.joining("; ")));
    }

    // --- topics and subscriptions ---------------------------------------------------------------------------------

    private void topic(String id, JsonNode declared, JsonNode resources) {
        String name = declared.path("TopicName").asText();
        String arn = sns.listTopicsPaginator(b -> { }).topics().stream().map(Topic::topicArn)
                .filter(a -> a.endsWith(":" + name)).findFirst().orElseThrow();
        String label = "topic " + name;
        same(label, "FifoTopic", Boolean.toString(declared.path("FifoTopic").asBoolean(false)),
                sns.getTopicAttributes(b -> b.topicArn(arn)).attributes().getOrDefault("FifoTopic", "false"));
        List<String> expected = new ArrayList<>();
        for (JsonNode resource : resources) {
            JsonNode subscription = resource.path("Properties");
            // an e-mail subscription exists only when its stack parameter is given: not provision's
            if (resource.path("Type").asText().equals("AWS::SNS::Subscription") && subscription.path("TopicArn").path("Ref").asText().equals(id)
                    && !resource.has("Condition")) {
                expected.add(subscription.path("Protocol").asText() + " " + logicalName(resources, subscription.path("Endpoint"), "QueueName")
                        + " raw=" + subscription.path("RawMessageDelivery").asBoolean(false));
            }
        }
        List<String> actual = new ArrayList<>();
        for (Subscription subscription : sns.listSubscriptionsByTopicPaginator(b -> b.topicArn(arn)).subscriptions()) {
            String raw = sns.getSubscriptionAttributes(b -> b.subscriptionArn(subscription.subscriptionArn())).attributes()
                    .getOrDefault("RawMessageDelivery", "false");
            actual.add(subscription.protocol() + " " + tail(subscription.endpoint()) + " raw=" + raw);
        }
        same(label, "Subscriptions", expected.stream().sorted().collect(Collectors.joining("; ")),
                actual.stream().sorted().collect(Collectors.joining("; ")));
    }

    // --- comparing ------------------------------------------------------------------------------------------------

    private void same(String resource, String attribute, String declared, String actual) {
        if (!declared.equals(actual)) {
            differences.add(resource + " " + attribute + ": template " + declared + ", provisioned " + actual);
        }
    }

    /** Sid, effect, principal and actions of each statement: what a policy allows or denies, not how ARNs are spelled. */
    private static String statements(JsonNode document) {
        List<String> all = new ArrayList<>();
        for (JsonNode statement : document.path("Statement")) {
            JsonNode actions = statement.path("Action");
            String action = actions.isArray() ? sorted(actions, a -> a.asText().toLowerCase()) : actions.asText().toLowerCase();
            all.add(statement.path("Sid").asText() + " " + statement.path("Effect").asText() + " "
                    + statement.path("Principal").toString().replace("{\"Service\":", "").replace("}", "") + " " + action);
        }
        return all.stream().sorted().collect(Collectors.joining("; "));
    }

    /** The name of the resource a Ref or GetAtt points to. */
    private static String logicalName(JsonNode resources, JsonNode reference, String nameProperty) {
        String id = reference.has("Ref") ? reference.path("Ref").asText() : reference.path("Fn::GetAtt").path(0).asText();
        return resources.path(id).path("Properties").path(nameProperty).asText("?" + reference);
    }

    private static String keys(JsonNode schema) {
        List<String> all = new ArrayList<>();
        schema.forEach(k -> all.add(k.path("AttributeName").asText() + ":" + k.path("KeyType").asText()));
        return String.join(",", all);
    }

    private static String sorted(JsonNode array, java.util.function.Function<JsonNode, String> each) {
        List<String> all = new ArrayList<>();
        array.forEach(item -> all.add(each.apply(item)));
        return all.stream().sorted().collect(Collectors.joining(","));
    }

    /** What S3 answers, or the given word where it answers that the bucket has no such configuration. */
    private static String absentAs(String none, java.util.function.Supplier<String> read) {
        try {
            return read.get();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return none;
            }
            throw e;
        }
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(json, e);
        }
    }

    private static String tail(String arn) {
        return arn.substring(arn.lastIndexOf(':') + 1);
    }

    /** The shipped configuration with the given overrides, and nothing of this JVM's environment. */
    private static PropertiesComponent configuration(String... keyValues) {
        PropertiesComponent properties = (PropertiesComponent) new DefaultCamelContext().getPropertiesComponent();
        properties.setLocation("file:" + Path.of("application.properties").toAbsolutePath());
        properties.setEnvironmentVariableMode(PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_NEVER);
        properties.setSystemPropertiesMode(PropertiesComponent.SYSTEM_PROPERTIES_MODE_NEVER);
        Properties overrides = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            overrides.setProperty(keyValues[i], keyValues[i + 1]);
        }
        properties.setOverrideProperties(overrides);
        return properties;
    }
}
