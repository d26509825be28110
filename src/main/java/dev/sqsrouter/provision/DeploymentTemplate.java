package dev.sqsrouter.provision;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqsrouter.config.RelayTopology;
import dev.sqsrouter.config.S3EventsTopology;
import dev.sqsrouter.config.Topology;
import dev.sqsrouter.failure.FailureRecords;
import org.apache.camel.spi.PropertiesComponent;
import software.amazon.awssdk.services.s3.model.FilterRule;
import software.amazon.awssdk.services.s3.model.TopicConfiguration;

/**
 * The CloudFormation template and the standalone IAM policy of a topology, derived from the same configuration the app
 * and the provision command read: what provisioning creates (each relay queue and S3 event queue with its dead-letter
 * queue and redrive policy, the failure table and bodies bucket, the topic, its subscriptions and the bucket's
 * notifications, the alert topic), what only a stack adds (retention, encryption, TLS-only buckets, Retain on whatever
 * holds data, CloudWatch alarms per queue and dead-letter queue that notify the alert topic), and
 * an instance role whose managed policy names each queue, the table and each bucket with exactly the actions the app
 * performs on it. Names are the configured ones, written out; logical ids come from the blocks' names
 * (relay.queues.queue-1 is RelayQueueQueue1), so the same configuration always gives the same text.
 */
public final class DeploymentTemplate {

    /** The jar command that prints the template. */
    public static final String CLOUDFORMATION_COMMAND = "cloudformation";
    /** The jar command that prints the standalone policy. */
    public static final String IAM_POLICY_COMMAND = "iam-policy";

    static final String HEADER = """
            # Generated from the configuration (application.properties, the environment, -D) by
            #   java -jar sqs-router.jar cloudformation
            # Do not edit: declare or change queues in the configuration, then generate it again (deploy/README.md).
            """;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Two spaces, "key": value, one element per line: what people write by hand, and stable across Jackson versions. */
    private static final ObjectWriter POLICY_JSON = JSON.writer(new DefaultPrettyPrinter(
            Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    private static final String POLICY_VERSION = "2012-10-17";
    /** SQS's default retention, written out; a dead-letter queue keeps a message as long as SQS allows (14 days). */
    private static final int RETENTION_SECONDS = 345_600;
    private static final int DEAD_LETTER_RETENTION_SECONDS = 1_209_600;
    private static final int LONG_POLL_SECONDS = 20;
    /** Processor names as s3events.queues.&lt;name&gt;.processor gives them. */
    private static final String THUMBNAIL_PROCESSOR = "thumbnail";
    private static final String AUDIT_PROCESSOR = "audit";
    private static final String KMS_KEY_PARAMETER = "TopicKmsKeyId";
    private static final String HAS_KMS_KEY = "HasTopicKmsKey";
    private static final String TOPIC_ID = "S3EventsTopic";
    private static final String ROLE_ID = "InstanceRole";
    private static final String ALERT_TOPIC_ID = "AlertTopic";
    private static final String ALERT_EMAIL_PARAMETER = "AlertEmail";
    private static final String HAS_ALERT_EMAIL = "HasAlertEmail";
    private static final String OLDEST_MESSAGE_AGE_PARAMETER = "OldestMessageAgeAlarmSeconds";
    private static final int DEFAULT_OLDEST_MESSAGE_AGE_SECONDS = 900;
    private static final int DEAD_LETTER_ALARM_PERIOD_SECONDS = 300;
    private static final String POLICY_ID = "InstancePolicy";

    private static final List<String> SEND = List.of("sqs:SendMessage", "sqs:GetQueueUrl");
    private static final List<String> CONSUME = List.of("sqs:ReceiveMessage", "sqs:DeleteMessage",
            "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl", "sqs:GetQueueAttributes");
    private static final List<String> SEND_AND_CONSUME = List.of("sqs:SendMessage", "sqs:ReceiveMessage",
            "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl", "sqs:GetQueueAttributes");

    /**
     * What the S3 event processors write, from configuration: the thumbnail processor's bucket and key prefix; and the
     * name of the topic alerts go to (null with alerts.enabled=false).
     */
    public record Settings(String thumbnailBucket, String thumbnailPrefix, String alertTopic) {

        /**
         * s3events.thumbnail.bucket (the source bucket when empty), s3events.thumbnail.prefix, alerts.enabled and
         * alerts.topic (a name, or an ARN whose name is used), as the app reads them.
         */
        public static Settings from(PropertiesComponent properties) {
            String source = properties.resolveProperty("s3events.bucket").map(String::trim).orElse("");
            boolean alerts = Boolean.parseBoolean(properties.resolveProperty("alerts.enabled").orElse("true").trim());
            String topic = properties.resolveProperty("alerts.topic").map(String::trim).filter(v -> !v.isEmpty())
                    .orElse("sqs-router-alerts");
            return new Settings(
                    properties.resolveProperty("s3events.thumbnail.bucket").map(String::trim).filter(v -> !v.isEmpty())
                            .orElse(source),
                    properties.resolveProperty("s3events.thumbnail.prefix").map(String::trim).orElse("thumbnails/"),
                    alerts ? topic.substring(topic.lastIndexOf(':') + 1) : null);
        }
    }

    /**
     * A resource the role is granted: the template's logical id, the ARN's tail (S3 keys), the ARN with placeholders;
     * byRef for a resource whose Ref is its ARN (a topic).
     */
    private record Arn(String logicalId, String suffix, String placeholder, boolean byRef) {

        Arn(String logicalId, String suffix, String placeholder) {
            this(logicalId, suffix, placeholder, false);
        }

        JsonNode cloudFormation() {
            if (byRef) {
                return ref(logicalId);
            }
            // in !Sub a literal "${" is written "${!"
            return suffix.isEmpty() ? getAtt(logicalId) : sub("${" + logicalId + ".Arn}" + suffix.replace("${", "${!"));
        }
    }

    /** A queue and its dead-letter queue, each with its logical id, watched by alarms. */
    private record Watched(String id, String queue, String deadLetterId, String deadLetterQueue) {
    }

    /** One policy statement: its Sid, why the app needs it, the actions and the resources. */
    private record Grant(String sid, String why, List<String> actions, List<Arn> resources) {
    }

    private final ObjectNode template = JSON.createObjectNode();
    private final ObjectNode resources;
    private final ObjectNode outputs = JSON.createObjectNode();
    private final TemplateYaml yaml = new TemplateYaml();
    /** Logical id -> the configuration it comes from, so that two names that map to one id are refused. */
    private final Map<String, String> logicalIds = new HashMap<>();
    private final Map<String, String> queueNames = new HashMap<>();
    /** Bucket name -> logical id: one bucket may serve several roles (the thumbnails go to the source bucket). */
    private final Map<String, String> buckets = new LinkedHashMap<>();

    private final List<Arn> relayQueues = new ArrayList<>();
    private final List<Arn> relayDeadLetterQueues = new ArrayList<>();
    private final List<Arn> ingressOnlyQueues = new ArrayList<>();
    private final List<Arn> s3EventQueues = new ArrayList<>();
    private final List<Arn> s3EventDeadLetterQueues = new ArrayList<>();
    private final List<Arn> failureTable = new ArrayList<>();
    private final List<Arn> failureIndex = new ArrayList<>();
    private final List<Arn> failureBodies = new ArrayList<>();
    private final List<Arn> eventObjects = new ArrayList<>();
    private final List<Arn> eventBucket = new ArrayList<>();
    private final List<Arn> thumbnails = new ArrayList<>();
    private final List<Arn> alertTopic = new ArrayList<>();
    private final List<Watched> watched = new ArrayList<>();
    private final List<Grant> grants;

    /** The deployment of the topology that configuration declares. */
    public static DeploymentTemplate from(PropertiesComponent properties) {
        return new DeploymentTemplate(Topology.from(properties), Settings.from(properties));
    }

    public DeploymentTemplate(Topology topology, Settings settings) {
        template.put("AWSTemplateFormatVersion", "2010-09-09");
        template.put("Description", description(topology, settings.alertTopic() != null));
        topology.s3Events().ifPresent(s3 -> topicKeyParameter());
        if (settings.alertTopic() != null) {
            alertParameters();
        }
        resources = template.putObject("Resources");
        relay(topology.relay());
        topology.s3Events().ifPresent(s3 -> s3Events(s3, settings));
        if (settings.alertTopic() != null) {
            alerts(settings.alertTopic());
        }
        grants = grants();
        instanceRole();
        template.set("Outputs", outputs);
    }

    /** The template as a tree (a copy): what {@link #templateYaml()} writes. */
    public ObjectNode template() {
        return template.deepCopy();
    }

    /** The template as the cloudformation command prints it. */
    public String templateYaml() {
        return HEADER + yaml.write(template);
    }

    /** The instance role's managed policy standalone, its ARNs with REGION and ACCOUNT_ID placeholders. */
    public ObjectNode policy() {
        return policyDocument(arn -> JSON.getNodeFactory().textNode(arn.placeholder()), false);
    }

    /** The standalone policy as the iam-policy command prints it. */
    public String policyJson() {
        try {
            return POLICY_JSON.writeValueAsString(policy()) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- FIFO relay -----------------------------------------------------------------------------------------------

    private void relay(RelayTopology relay) {
        boolean first = true;
        for (RelayTopology.Queue queue : relay.queues()) {
            String block = RelayTopology.PREFIX + "." + queue.alias();
            String id = claim("RelayQueue" + pascal(queue.alias()), block);
            String deadLetterId = claim(id + "DeadLetterQueue", block + ".dead-letter-queue");
            ObjectNode deadLetter = queue(deadLetterId, queue.deadLetterQueue(), block + ".dead-letter-queue");
            if (first) {
                yaml.comment(resources, deadLetterId, "--- FIFO relay: a queue and dead-letter queue per "
                        + RelayTopology.PREFIX + ".<alias>; the failure table and bodies bucket ---");
                yaml.comment(((ObjectNode) resources.get(deadLetterId)), "DeletionPolicy",
                        "the only copy of a failed message until the archiver has stored it");
            }
            fifo(deadLetter, queue.deadLetterQueue(), null);
            deadLetter.put("MessageRetentionPeriod", DEAD_LETTER_RETENTION_SECONDS);
            deadLetter.put("MaximumMessageSize", Provisioner.MAX_MESSAGE_BYTES);
            if (first) {
                yaml.comment(deadLetter, "MessageRetentionPeriod",
                        "longer than the source queue, so that a redriven message cannot expire before it is archived");
                yaml.comment(deadLetter, "MaximumMessageSize",
                        "what SQS takes since 2025 (1 MiB); a dead-letter queue takes whatever its source queue took");
            }
            longPollAndEncryption(deadLetter);
            redriveAllowPolicy(deadLetter, queue.queue(), first);

            ObjectNode source = queue(id, queue.queue(), block + ".queue");
            if (!queue.relayed()) {
                yaml.comment(resources, id, "ingress only (" + block + ".ingress-only): the ingress sends to it,"
                        + " something else consumes it");
            }
            fifo(source, queue.queue(), first ? "the ingress sets the deduplication id (Idempotency-Key or a hash of the body)" : null);
            source.put("MessageRetentionPeriod", RETENTION_SECONDS);
            source.put("MaximumMessageSize", Provisioner.MAX_MESSAGE_BYTES);
            if (first) {
                yaml.comment(source, "MaximumMessageSize", "the ingress takes messages up to SQS's 1 MiB (ingress.max-message-bytes)");
            }
            source.put("VisibilityTimeout", queue.visibilityTimeout());
            longPollAndEncryption(source);
            redrivePolicy(source, deadLetterId, queue.maxReceiveCount());

            queueOutputs(id, queue.queue(), block);
            queueOutputs(deadLetterId, queue.deadLetterQueue(), block + ".dead-letter-queue");
            watched.add(new Watched(id, queue.queue(), deadLetterId, queue.deadLetterQueue()));
            if (queue.relayed()) {
                relayQueues.add(queueArn(id, queue.queue()));
                relayDeadLetterQueues.add(queueArn(deadLetterId, queue.deadLetterQueue()));
            } else {
                // its dead-letter queue is nobody's here: nothing of this app archives it
                ingressOnlyQueues.add(queueArn(id, queue.queue()));
            }
            first = false;
        }

        String tableId = claim("FailureTable", "failures.table");
        ObjectNode table = resource(tableId, "AWS::DynamoDB::Table", true);
        yaml.comment(table, "DeletionPolicy", "where an administrator works from: it outlives the stack and is guarded against deletion");
        ObjectNode tableProperties = table.putObject("Properties");
        tableProperties.put("TableName", relay.failureTable());
        tableProperties.put("BillingMode", "PAY_PER_REQUEST");
        ArrayNode attributes = tableProperties.putArray("AttributeDefinitions");
        attributes.addObject().put("AttributeName", Provisioner.FAILURE_TABLE_HASH_KEY).put("AttributeType", "S");
        attributes.addObject().put("AttributeName", Provisioner.FAILURE_TABLE_RANGE_KEY).put("AttributeType", "S");
        attributes.addObject().put("AttributeName", FailureRecords.STATUS).put("AttributeType", "S");
        attributes.addObject().put("AttributeName", FailureRecords.RECORDED_AT).put("AttributeType", "S");
        yaml.comment(tableProperties, "AttributeDefinitions", "pk = queue#group, sk = sequence number: one group's records list in order");
        ArrayNode keys = tableProperties.putArray("KeySchema");
        keys.addObject().put("AttributeName", Provisioner.FAILURE_TABLE_HASH_KEY).put("KeyType", "HASH");
        keys.addObject().put("AttributeName", Provisioner.FAILURE_TABLE_RANGE_KEY).put("KeyType", "RANGE");
        ObjectNode index = tableProperties.putArray("GlobalSecondaryIndexes").addObject();
        index.put("IndexName", FailureRecords.STATUS_INDEX);
        ArrayNode indexKeys = index.putArray("KeySchema");
        indexKeys.addObject().put("AttributeName", FailureRecords.STATUS).put("KeyType", "HASH");
        indexKeys.addObject().put("AttributeName", FailureRecords.RECORDED_AT).put("KeyType", "RANGE");
        ObjectNode projection = index.putObject("Projection").put("ProjectionType", "INCLUDE");
        FailureRecords.INDEX_ATTRIBUTES.forEach(projection.putArray("NonKeyAttributes")::add);
        yaml.comment(tableProperties, "GlobalSecondaryIndexes", "records of a status across queues, newest first (the"
                + " failures console, REST and CLI); sparse: sequence notes have no status. The summary only, no bodies");
        tableProperties.putObject("TimeToLiveSpecification").put("AttributeName", FailureRecords.EXPIRES_AT).put("Enabled", true);
        yaml.comment(tableProperties, "TimeToLiveSpecification", "replayed and discarded records go after"
                + " failures.retention-days; OPEN records never expire");
        tableProperties.putObject("PointInTimeRecoverySpecification").put("PointInTimeRecoveryEnabled", true);
        tableProperties.put("DeletionProtectionEnabled", true);
        yaml.comment(tableProperties, "DeletionProtectionEnabled",
                "no SSESpecification: DynamoDB encrypts at rest with an AWS owned key, which needs no KMS permission");
        output(tableId + "Arn", "ARN of the failure table " + relay.failureTable() + " (failures.table)", getAtt(tableId));
        failureTable.add(new Arn(tableId, "", "arn:aws:dynamodb:REGION:ACCOUNT_ID:table/" + relay.failureTable()));
        String indexSuffix = "/index/" + FailureRecords.STATUS_INDEX;
        failureIndex.add(new Arn(tableId, indexSuffix, "arn:aws:dynamodb:REGION:ACCOUNT_ID:table/" + relay.failureTable() + indexSuffix));

        String bodies = relay.failureBodiesBucket();
        if (bodies != null && !bodies.isBlank()) {
            String bucketId = bucket("FailureBodiesBucket", bodies, "failures.large-body-bucket",
                    "failed messages whose body is too large for a DynamoDB item (SQS takes 1 MiB, an item 400 KB); the"
                            + " failure records point here, so it outlives the stack as the table does", null);
            failureBodies.add(new Arn(bucketId, "/bodies/*", "arn:aws:s3:::" + bodies + "/bodies/*"));
        }
    }

    // --- S3 events ------------------------------------------------------------------------------------------------

    private void topicKeyParameter() {
        ObjectNode parameter = section("Parameters").putObject(KMS_KEY_PARAMETER);
        parameter.put("Type", "String");
        parameter.put("Default", "");
        parameter.put("Description", "Optional customer managed KMS key (id, ARN or alias) to encrypt the topic. Empty ="
                + " unencrypted topic: S3 cannot publish to a topic encrypted with the AWS managed key, and a customer"
                + " managed key must allow s3.amazonaws.com kms:GenerateDataKey* and kms:Decrypt in its key policy.");
        section("Conditions").set(HAS_KMS_KEY,
                intrinsic("Fn::Not", JSON.createArrayNode().add(intrinsic("Fn::Equals",
                        JSON.createArrayNode().add(ref(KMS_KEY_PARAMETER)).add("")))));
    }

    private void s3Events(S3EventsTopology s3, Settings settings) {
        String topicId = claim(TOPIC_ID, "s3events.topic");
        ObjectNode topic = resource(topicId, "AWS::SNS::Topic", false);
        yaml.comment(resources, topicId, "--- S3 events: bucket -> topic -> a queue and dead-letter queue per "
                + S3EventsTopology.PREFIX + ".<name> ---");
        ObjectNode topicProperties = topic.putObject("Properties");
        topicProperties.put("TopicName", s3.topic());
        topicProperties.set("KmsMasterKeyId", intrinsic("Fn::If", JSON.createArrayNode()
                .add(HAS_KMS_KEY).add(ref(KMS_KEY_PARAMETER)).add(ref("AWS::NoValue"))));

        String topicPolicyId = claim(topicId + "Policy", "s3events.topic");
        ObjectNode topicPolicy = resource(topicPolicyId, "AWS::SNS::TopicPolicy", false).putObject("Properties");
        topicPolicy.putArray("Topics").add(ref(topicId));
        ObjectNode publish = statement(topicPolicy.putObject("PolicyDocument"), "AllowBucketToPublish", "Allow");
        publish.putObject("Principal").put("Service", "s3.amazonaws.com");
        publish.put("Action", "sns:Publish");
        publish.set("Resource", ref(topicId));
        ObjectNode condition = publish.putObject("Condition");
        condition.putObject("ArnLike").set("aws:SourceArn", sub("arn:${AWS::Partition}:s3:::" + s3.bucket()));
        condition.putObject("StringEquals").set("aws:SourceAccount", ref("AWS::AccountId"));
        yaml.comment(condition, "ArnLike", "the bucket ARN is built from the name: GetAtt would make the bucket and this"
                + " policy depend on each other");
        yaml.comment(condition, "StringEquals", "bucket names are global: a bucket of that name in another account must not publish here");
        output(topicId + "Arn", "ARN of the topic " + s3.topic() + " the bucket notifies (s3events.topic)", ref(topicId));

        boolean first = true;
        boolean readsObjects = false;
        for (S3EventsTopology.Queue queue : s3.queues()) {
            String block = S3EventsTopology.PREFIX + "." + queue.name();
            readsObjects |= readsObjects(queue, block);
            String id = claim("S3EventQueue" + pascal(queue.name()), block);
            String deadLetterId = claim(id + "DeadLetterQueue", block + ".dead-letter-queue");
            ObjectNode deadLetter = queue(deadLetterId, queue.deadLetterQueue(), block + ".dead-letter-queue");
            if (first) {
                yaml.comment(((ObjectNode) resources.get(deadLetterId)), "DeletionPolicy",
                        "the only copy of an event that kept failing until the archiver has stored it");
                yaml.comment(deadLetter, "MessageRetentionPeriod", "a standard queue keeps a redriven message's first"
                        + " enqueue time: longer than the source queue, so that it cannot expire before it is archived");
            }
            deadLetter.put("MessageRetentionPeriod", DEAD_LETTER_RETENTION_SECONDS);
            longPollAndEncryption(deadLetter);
            redriveAllowPolicy(deadLetter, queue.queue(), false);

            ObjectNode source = queue(id, queue.queue(), block + ".queue");
            source.put("MessageRetentionPeriod", RETENTION_SECONDS);
            int visibilityTimeout = queue.visibilityTimeout() >= 0 ? queue.visibilityTimeout() : s3.visibilityTimeout();
            if (visibilityTimeout >= 0) {
                source.put("VisibilityTimeout", visibilityTimeout);
            }
            longPollAndEncryption(source);
            if (first) {
                yaml.comment(source, "SqsManagedSseEnabled", "SSE-SQS, not KMS: SNS can deliver to it without a key policy");
            }
            redrivePolicy(source, deadLetterId, queue.maxReceiveCount() > 0 ? queue.maxReceiveCount() : s3.maxReceiveCount());

            String policyId = claim(id + "Policy", block);
            ObjectNode queuePolicy = resource(policyId, "AWS::SQS::QueuePolicy", false).putObject("Properties");
            queuePolicy.putArray("Queues").add(ref(id));
            ObjectNode send = statement(queuePolicy.putObject("PolicyDocument"), "AllowTopicToSend", "Allow");
            send.putObject("Principal").put("Service", "sns.amazonaws.com");
            send.put("Action", "sqs:SendMessage");
            send.set("Resource", getAtt(id));
            send.putObject("Condition").putObject("ArnEquals").set("aws:SourceArn", ref(topicId));

            String subscriptionId = claim(id + "Subscription", block);
            ObjectNode subscription = resource(subscriptionId, "AWS::SNS::Subscription", false);
            subscription.put("DependsOn", policyId);
            if (first) {
                yaml.comment(subscription, "DependsOn", "a delivery before the queue policy exists would be refused and lost");
            }
            ObjectNode subscriptionProperties = subscription.putObject("Properties");
            subscriptionProperties.set("TopicArn", ref(topicId));
            subscriptionProperties.put("Protocol", "sqs");
            subscriptionProperties.set("Endpoint", getAtt(id));
            subscriptionProperties.put("RawMessageDelivery", false);
            if (first) {
                yaml.comment(subscriptionProperties, "RawMessageDelivery",
                        "the routes read the SNS envelope (its Message field holds the S3 event)");
            }

            queueOutputs(id, queue.queue(), block);
            queueOutputs(deadLetterId, queue.deadLetterQueue(), block + ".dead-letter-queue");
            watched.add(new Watched(id, queue.queue(), deadLetterId, queue.deadLetterQueue()));
            s3EventQueues.add(queueArn(id, queue.queue()));
            s3EventDeadLetterQueues.add(queueArn(deadLetterId, queue.deadLetterQueue()));
            first = false;
        }

        String bucketId = bucket("S3EventsBucket", s3.bucket(), "s3events.bucket", null, topicPolicyId);
        ObjectNode bucket = (ObjectNode) resources.get(bucketId);
        yaml.comment(bucket, "DependsOn", "S3 checks that it may publish to the topic when the notification configuration is put");
        ObjectNode bucketProperties = (ObjectNode) bucket.get("Properties");
        ObjectNode notifications = bucketProperties.putObject("NotificationConfiguration");
        yaml.comment(bucketProperties, "NotificationConfiguration", "one configuration per event and suffix (s3events.events,"
                + " s3events.prefix, s3events.suffixes): a filter holds one suffix rule, a configuration one event");
        ArrayNode topicConfigurations = notifications.putArray("TopicConfigurations");
        for (TopicConfiguration configuration : s3.topicConfigurations(TOPIC_ID)) {
            for (String event : configuration.eventsAsStrings()) {
                ObjectNode one = topicConfigurations.addObject();
                one.put("Event", event);
                one.set("Topic", ref(topicId));
                List<FilterRule> rules = configuration.filter() == null || configuration.filter().key() == null
                        ? List.of() : configuration.filter().key().filterRules();
                if (!rules.isEmpty()) {
                    ArrayNode cloudFormationRules = one.putObject("Filter").putObject("S3Key").putArray("Rules");
                    rules.forEach(rule -> cloudFormationRules.addObject().put("Name", rule.nameAsString()).put("Value", rule.value()));
                }
            }
        }
        for (String output : s3.outputBuckets()) {
            bucket("OutputBucket" + pascal(output), output, "s3events.thumbnail.bucket", null, null);
        }

        if (readsObjects) {
            // the thumbnail processor reads the object an event names, under the notified prefix, and writes beside it
            eventObjects.add(new Arn(bucketId, "/" + s3.prefix() + "*", "arn:aws:s3:::" + s3.bucket() + "/" + s3.prefix() + "*"));
            eventBucket.add(new Arn(bucketId, "", "arn:aws:s3:::" + s3.bucket()));
            if (settings.thumbnailBucket().equals(s3.bucket()) && settings.thumbnailPrefix().isEmpty()) {
                throw new IllegalArgumentException("s3events.thumbnail.prefix is empty while thumbnails go to the source"
                        + " bucket (" + s3.bucket() + "): every thumbnail would replace its image. Set a prefix such as"
                        + " thumbnails/ or another bucket");
            }
            String thumbnailId = bucket("OutputBucket" + pascal(settings.thumbnailBucket()), settings.thumbnailBucket(),
                    "s3events.thumbnail.bucket", null, null);
            thumbnails.add(new Arn(thumbnailId, "/" + settings.thumbnailPrefix() + "*",
                    "arn:aws:s3:::" + settings.thumbnailBucket() + "/" + settings.thumbnailPrefix() + "*"));
        }
    }

    /**
     * True for a processor that reads the event's object. The processors are routes (routes/s3-record-&lt;name&gt;.yaml);
     * what one does in S3 is known here by name, and a processor this template does not know is refused rather than
     * guessed.
     */
    private static boolean readsObjects(S3EventsTopology.Queue queue, String block) {
        return switch (String.valueOf(queue.processor())) {
            // reads the object (get-object) and writes the thumbnail (put-thumbnail)
            case THUMBNAIL_PROCESSOR -> true;
            // posts the event's metadata; it never touches the object
            case AUDIT_PROCESSOR -> false;
            default -> throw new IllegalArgumentException(block + ".processor=" + queue.processor() + ": the deployment"
                    + " template knows what the processors " + THUMBNAIL_PROCESSOR + " and " + AUDIT_PROCESSOR
                    + " do in S3, not '" + queue.processor() + "'; use one of them, or grant the new one its access in"
                    + " DeploymentTemplate");
        };
    }

    // --- alerts -----------------------------------------------------------------------------------------------------

    private void alertParameters() {
        ObjectNode email = section("Parameters").putObject(ALERT_EMAIL_PARAMETER);
        email.put("Type", "String");
        email.put("Default", "");
        email.put("Description", "Optional e-mail address subscribed to the alert topic (the app's alerts on new failures"
                + " and the queue alarms); SNS asks the address to confirm. Empty = no e-mail subscription.");
        ObjectNode age = section("Parameters").putObject(OLDEST_MESSAGE_AGE_PARAMETER);
        age.put("Type", "Number");
        age.put("Default", DEFAULT_OLDEST_MESSAGE_AGE_SECONDS);
        age.put("MinValue", 60);
        age.put("Description", "Seconds the oldest message of a queue may wait before its alarm goes off (CloudWatch"
                + " ApproximateAgeOfOldestMessage): consumers down, or a group stopped by a message that keeps failing.");
        section("Conditions").set(HAS_ALERT_EMAIL, intrinsic("Fn::Not", JSON.createArrayNode().add(intrinsic("Fn::Equals",
                JSON.createArrayNode().add(ref(ALERT_EMAIL_PARAMETER)).add("")))));
    }

    /**
     * The alert topic the app publishes to (alerts.topic), an optional e-mail subscription, and per queue the alarms
     * that tell what the app cannot: a dead-letter queue that is not drained, a queue whose oldest message waits too
     * long. The alarms notify the same topic.
     */
    private void alerts(String topicName) {
        String topicId = claim(ALERT_TOPIC_ID, "alerts.topic");
        ObjectNode topic = resource(topicId, "AWS::SNS::Topic", false);
        yaml.comment(resources, topicId, "--- Alerts: the topic the app publishes new failures to, and the queues' alarms ---");
        topic.putObject("Properties").put("TopicName", topicName);
        yaml.comment(topic, "Properties", "unencrypted: CloudWatch alarms publish to it without a KMS key policy");

        String policyId = claim(topicId + "Policy", "alerts.topic");
        ObjectNode policy = resource(policyId, "AWS::SNS::TopicPolicy", false).putObject("Properties");
        policy.putArray("Topics").add(ref(topicId));
        ObjectNode alarms = statement(policy.putObject("PolicyDocument"), "AllowAlarmsToPublish", "Allow");
        alarms.putObject("Principal").put("Service", "cloudwatch.amazonaws.com");
        alarms.put("Action", "sns:Publish");
        alarms.set("Resource", ref(topicId));
        alarms.putObject("Condition").putObject("StringEquals").set("aws:SourceAccount", ref("AWS::AccountId"));
        yaml.comment(policy, "PolicyDocument", "the app's role publishes with its own grant (InstancePolicy, Sid Alerts)");

        String emailId = claim(topicId + "EmailSubscription", "alerts.topic");
        ObjectNode email = resource(emailId, "AWS::SNS::Subscription", false);
        email.put("Condition", HAS_ALERT_EMAIL);
        ObjectNode emailProperties = email.putObject("Properties");
        emailProperties.set("TopicArn", ref(topicId));
        emailProperties.put("Protocol", "email");
        emailProperties.set("Endpoint", ref(ALERT_EMAIL_PARAMETER));
        output(topicId + "Arn", "ARN of the alert topic " + topicName + " (alerts.topic; subscribe on-call e-mail, chat or"
                + " a queue to it)", ref(topicId));
        alertTopic.add(new Arn(topicId, "", "arn:aws:sns:REGION:ACCOUNT_ID:" + topicName, true));

        boolean first = true;
        for (Watched queue : watched) {
            ObjectNode deadLetters = alarm(queue.deadLetterId() + "Alarm", queue.deadLetterQueue(), "dead-letters",
                    "ApproximateNumberOfMessagesVisible", "Minimum", DEAD_LETTER_ALARM_PERIOD_SECONDS, 0, topicId,
                    "Messages have stayed in the dead-letter queue " + queue.deadLetterQueue() + " for "
                            + DEAD_LETTER_ALARM_PERIOD_SECONDS / 60 + " minutes: SQS redrove them from " + queue.queue()
                            + " and nothing recorded them in the failure store (archiver not running, or the store"
                            + " refusing).");
            if (first) {
                yaml.comment(deadLetters, "Statistic", "the archiver drains a dead-letter queue within seconds: a message"
                        + " that stays the whole period is one it could not take");
            }
            ObjectNode age = alarm(queue.id() + "OldestMessageAgeAlarm", queue.queue(), "oldest-message-age",
                    "ApproximateAgeOfOldestMessage", "Maximum", 60, -1, topicId,
                    "The oldest message of " + queue.queue() + " has waited longer than the threshold: its consumers are"
                            + " down, slow, or a group is held by a message that keeps failing.");
            age.set("Threshold", ref(OLDEST_MESSAGE_AGE_PARAMETER));
            first = false;
        }
    }

    /** A CloudWatch alarm on one SQS queue's metric, above threshold (or the parameter set by the caller), notifying the topic. */
    private ObjectNode alarm(String id, String queue, String what, String metric, String statistic, int periodSeconds,
                             int threshold, String topicId, String description) {
        ObjectNode alarm = resource(claim(id, queue), "AWS::CloudWatch::Alarm", false).putObject("Properties");
        alarm.put("AlarmName", "sqs-router " + queue + " " + what);
        alarm.put("AlarmDescription", description);
        alarm.put("Namespace", "AWS/SQS");
        alarm.put("MetricName", metric);
        alarm.putArray("Dimensions").addObject().put("Name", "QueueName").put("Value", queue);
        alarm.put("Statistic", statistic);
        alarm.put("Period", periodSeconds);
        alarm.put("EvaluationPeriods", 1);
        alarm.put("ComparisonOperator", "GreaterThanThreshold");
        alarm.put("Threshold", threshold);
        alarm.put("TreatMissingData", "notBreaching");
        alarm.putArray("AlarmActions").add(ref(topicId));
        alarm.putArray("OKActions").add(ref(topicId));
        return alarm;
    }

    /** A top-level section (Parameters, Conditions), created on first use. */
    private ObjectNode section(String name) {
        return template.has(name) ? (ObjectNode) template.get(name) : template.putObject(name);
    }

    // --- the instance role ----------------------------------------------------------------------------------------

    private List<Grant> grants() {
        List<Grant> all = new ArrayList<>();
        all.add(new Grant("RelayQueues", "the ingress and the admin replay send; the relay receives, deletes and hands"
                + " failed ones back", SEND_AND_CONSUME, relayQueues));
        all.add(new Grant("RelayDeadLetterQueues", "SQS redrives here what kept failing; the archivers drain it into the"
                + " failure store (nothing sends)", CONSUME, relayDeadLetterQueues));
        all.add(new Grant("IngressOnlyQueues", "the ingress and the admin replay send; something else consumes",
                SEND, ingressOnlyQueues));
        all.add(new Grant("S3EventQueues", "the S3 event routes consume; SNS delivers, and the admin replay sends a parked"
                + " record back", SEND_AND_CONSUME, s3EventQueues));
        all.add(new Grant("S3EventDeadLetterQueues", "SQS redrives here what kept failing; the archivers drain it into the"
                + " failure store (nothing sends)", CONSUME, s3EventDeadLetterQueues));
        all.add(new Grant("FailureStore", "conditional PutItem (one record per message), Query/GetItem to list and"
                + " inspect, UpdateItem for status", List.of("dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:Query",
                "dynamodb:UpdateItem"), failureTable));
        all.add(new Grant("FailureStatusIndex", "lists records across queues newest first and counts the open ones",
                List.of("dynamodb:Query"), failureIndex));
        all.add(new Grant("FailureBodies", "bodies too large for a failure record: written once when a message is parked,"
                + " read to list and replay", List.of("s3:PutObject", "s3:GetObject"), failureBodies));
        all.add(new Grant("ReadEventObjects", "the thumbnail processor reads the uploaded object (the version the event"
                + " names, when versioned)", List.of("s3:GetObject", "s3:GetObjectVersion"), eventObjects));
        all.add(new Grant("TellMissingEventObjects", "without it S3 answers 403 instead of 404 for a deleted object, which"
                + " would be retried instead of recorded", List.of("s3:ListBucket"), eventBucket));
        all.add(new Grant("WriteThumbnails", "thumbnails, under their prefix only", List.of("s3:PutObject"), thumbnails));
        all.add(new Grant("Alerts", "alerts on new failures, to the alert topic only", List.of("sns:Publish"), alertTopic));
        return all.stream().filter(grant -> !grant.resources().isEmpty()).toList();
    }

    private void instanceRole() {
        String policyId = claim(POLICY_ID, "the instance role");
        ObjectNode policy = resource(policyId, "AWS::IAM::ManagedPolicy", false);
        yaml.comment(resources, policyId, "--- The EC2 instances that run the app: exactly what it does to each queue,"
                + " the table and each bucket ---");
        ObjectNode policyProperties = policy.putObject("Properties");
        policyProperties.put("Description", "sqs-router: what the app does to each queue, table and bucket of its"
                + " configuration (the statements of deploy/iam-policy.json)");
        policyProperties.set("PolicyDocument", policyDocument(Arn::cloudFormation, true));

        String roleId = claim(ROLE_ID, "the instance role");
        ObjectNode role = resource(roleId, "AWS::IAM::Role", false).putObject("Properties");
        role.put("Description", "sqs-router on EC2");
        ObjectNode assume = statement(role.putObject("AssumeRolePolicyDocument"), null, "Allow");
        assume.putObject("Principal").put("Service", "ec2.amazonaws.com");
        assume.put("Action", "sts:AssumeRole");
        role.putArray("ManagedPolicyArns").add(ref(policyId));

        String profileId = claim("InstanceProfile", "the instance role");
        resource(profileId, "AWS::IAM::InstanceProfile", false).putObject("Properties").putArray("Roles").add(ref(roleId));

        output(profileId + "Name", "Instance profile to launch the app's EC2 instances with", ref(profileId));
        output(profileId + "Arn", "ARN of the instance profile", getAtt(profileId));
        output(roleId + "Arn", "ARN of the role the instances run as", getAtt(roleId));
        output(policyId + "Arn", "ARN of the managed policy (to attach to an ECS task role, say)", ref(policyId));
    }

    private ObjectNode policyDocument(Function<Arn, JsonNode> arn, boolean commented) {
        ObjectNode document = JSON.createObjectNode().put("Version", POLICY_VERSION);
        ArrayNode statements = document.putArray("Statement");
        for (Grant grant : grants) {
            ObjectNode statement = statements.addObject().put("Sid", grant.sid()).put("Effect", "Allow");
            if (commented) {
                yaml.comment(statement, "Sid", grant.why());
            }
            ArrayNode actions = statement.putArray("Action");
            grant.actions().forEach(actions::add);
            ArrayNode resourceArns = statement.putArray("Resource");
            grant.resources().forEach(resource -> resourceArns.add(arn.apply(resource)));
        }
        return document;
    }

    // --- building blocks ------------------------------------------------------------------------------------------

    private static String description(Topology topology, boolean alerts) {
        RelayTopology relay = topology.relay();
        boolean bodies = relay.failureBodiesBucket() != null && !relay.failureBodiesBucket().isBlank();
        String text = "sqs-router: the FIFO relay (" + count(relay.queues().size(), "queue") + ", each with its"
                + " dead-letter queue; the failure table" + (bodies ? " and its bodies bucket)" : ")");
        if (topology.s3Events().isPresent()) {
            S3EventsTopology s3 = topology.s3Events().get();
            text += ", the S3 events fan-out (bucket " + s3.bucket() + " -> topic " + s3.topic() + " -> "
                    + count(s3.queues().size(), "queue") + ", each with its dead-letter queue)";
        }
        if (alerts) {
            text += ", the alert topic (alarms on each queue's oldest message and each dead-letter queue)";
        }
        return text + " and an instance role that may do what the app does, no more. Derived from the app's"
                + " configuration by its cloudformation command.";
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    /** A logical id for something of the configuration; refused when two names map to it. */
    private String claim(String id, String origin) {
        String other = logicalIds.putIfAbsent(id, origin);
        if (other != null) {
            throw new IllegalArgumentException(other + " and " + origin + " both become the CloudFormation logical id "
                    + id + " (which keeps letters and digits only): rename one");
        }
        return id;
    }

    /** Kept where it holds data: deleting the stack never deletes messages, failure records or objects. */
    private ObjectNode resource(String id, String type, boolean retain) {
        ObjectNode resource = resources.putObject(id);
        resource.put("Type", type);
        if (retain) {
            resource.put("DeletionPolicy", "Retain");
            resource.put("UpdateReplacePolicy", "Retain");
        }
        return resource;
    }

    /** An SQS queue resource named as configured; returns its Properties. */
    private ObjectNode queue(String id, String name, String origin) {
        String other = queueNames.putIfAbsent(name, origin);
        if (other != null) {
            throw new IllegalArgumentException(other + " and " + origin + " both name the SQS queue " + name
                    + ": every queue and dead-letter queue is a queue of its own");
        }
        ObjectNode properties = resource(id, "AWS::SQS::Queue", true).putObject("Properties");
        properties.put("QueueName", name);
        return properties;
    }

    private void fifo(ObjectNode properties, String name, String comment) {
        // as provisioning does: FIFO when the name says so, deduplication ids set by the sender
        if (name.endsWith(".fifo")) {
            properties.put("FifoQueue", true);
            properties.put("ContentBasedDeduplication", false);
            if (comment != null) {
                yaml.comment(properties, "ContentBasedDeduplication", comment);
            }
        }
    }

    private static void longPollAndEncryption(ObjectNode properties) {
        properties.put("ReceiveMessageWaitTimeSeconds", LONG_POLL_SECONDS);
        properties.put("SqsManagedSseEnabled", true);
    }

    private static void redrivePolicy(ObjectNode properties, String deadLetterId, int maxReceiveCount) {
        ObjectNode redrive = properties.putObject("RedrivePolicy");
        redrive.set("deadLetterTargetArn", getAtt(deadLetterId));
        redrive.put("maxReceiveCount", maxReceiveCount);
    }

    private void redriveAllowPolicy(ObjectNode properties, String sourceQueue, boolean commented) {
        ObjectNode allow = properties.putObject("RedriveAllowPolicy");
        allow.put("redrivePermission", "byQueue");
        allow.putArray("sourceQueueArns").add(sub("arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:" + sourceQueue));
        if (commented) {
            yaml.comment(properties, "RedriveAllowPolicy", "built from the name, not GetAtt: the source queue already depends on this queue");
        }
    }

    private void queueOutputs(String id, String name, String origin) {
        output(id + "Url", "URL of " + name + " (" + origin + ")", ref(id));
        output(id + "Arn", "ARN of " + name + " (" + origin + ")", getAtt(id));
    }

    /**
     * A private, encrypted, TLS-only bucket, kept when the stack goes; the logical id of the bucket of that name when
     * another role created it already.
     */
    private String bucket(String preferredId, String name, String origin, String why, String dependsOn) {
        String existing = buckets.get(name);
        if (existing != null) {
            if (dependsOn != null) {
                ((ObjectNode) resources.get(existing)).put("DependsOn", dependsOn);
            }
            return existing;
        }
        String id = claim(preferredId, origin);
        buckets.put(name, id);
        ObjectNode bucket = resources.putObject(id);
        bucket.put("Type", "AWS::S3::Bucket");
        if (dependsOn != null) {
            bucket.put("DependsOn", dependsOn);
        }
        bucket.put("DeletionPolicy", "Retain");
        bucket.put("UpdateReplacePolicy", "Retain");
        if (why != null) {
            yaml.comment(bucket, "DeletionPolicy", why);
        }
        ObjectNode properties = bucket.putObject("Properties");
        properties.put("BucketName", name);
        properties.putObject("BucketEncryption").putArray("ServerSideEncryptionConfiguration").addObject()
                .putObject("ServerSideEncryptionByDefault").put("SSEAlgorithm", "AES256");
        yaml.comment(properties, "BucketEncryption", "SSE-S3: the instance role and S3's own publishing need no KMS permission");
        properties.putObject("PublicAccessBlockConfiguration").put("BlockPublicAcls", true).put("BlockPublicPolicy", true)
                .put("IgnorePublicAcls", true).put("RestrictPublicBuckets", true);
        properties.putObject("OwnershipControls").putArray("Rules").addObject().put("ObjectOwnership", "BucketOwnerEnforced");

        String policyId = claim(id + "Policy", origin);
        ObjectNode policy = resource(policyId, "AWS::S3::BucketPolicy", false).putObject("Properties");
        policy.set("Bucket", ref(id));
        ObjectNode deny = statement(policy.putObject("PolicyDocument"), "DenyInsecureTransport", "Deny");
        deny.put("Principal", "*");
        deny.put("Action", "s3:*");
        deny.putArray("Resource").add(getAtt(id)).add(sub("${" + id + ".Arn}/*"));
        deny.putObject("Condition").putObject("Bool").put("aws:SecureTransport", "false");
        output(id + "Arn", "ARN of the bucket " + name + " (" + origin + ")", getAtt(id));
        return id;
    }

    /** A policy document with one statement; returns the statement. */
    private static ObjectNode statement(ObjectNode document, String sid, String effect) {
        document.put("Version", POLICY_VERSION);
        ObjectNode statement = document.putArray("Statement").addObject();
        if (sid != null) {
            statement.put("Sid", sid);
        }
        return statement.put("Effect", effect);
    }

    private void output(String name, String description, JsonNode value) {
        ObjectNode output = outputs.putObject(name);
        output.put("Description", description);
        output.set("Value", value);
    }

    private static Arn queueArn(String id, String name) {
        return new Arn(id, "", "arn:aws:sqs:REGION:ACCOUNT_ID:" + name);
    }

    /** queue-1 is Queue1, image-thumbnails is ImageThumbnails: what a logical id may hold. */
    static String pascal(String name) {
        StringBuilder out = new StringBuilder();
        for (String part : name.split("[^A-Za-z0-9]+")) {
            if (!part.isEmpty()) {
                out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return out.toString();
    }

    private static ObjectNode ref(String name) {
        return JSON.createObjectNode().put("Ref", name);
    }

    private static ObjectNode getAtt(String id) {
        ObjectNode getAtt = JSON.createObjectNode();
        getAtt.putArray("Fn::GetAtt").add(id).add("Arn");
        return getAtt;
    }

    private static ObjectNode sub(String text) {
        return JSON.createObjectNode().put("Fn::Sub", text);
    }

    private static ObjectNode intrinsic(String function, ArrayNode arguments) {
        ObjectNode node = JSON.createObjectNode();
        node.set(function, arguments);
        return node;
    }
}
