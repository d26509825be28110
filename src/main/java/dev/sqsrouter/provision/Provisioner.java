package dev.sqsrouter.provision;

import dev.sqsrouter.config.RelayTopology;
import dev.sqsrouter.config.S3EventsTopology;
import dev.sqsrouter.failure.FailureRecords;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;
import software.amazon.awssdk.services.s3.model.FilterRule;
import software.amazon.awssdk.services.s3.model.GetBucketNotificationConfigurationResponse;
import software.amazon.awssdk.services.s3.model.NotificationConfiguration;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.TopicConfiguration;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.Subscription;
import software.amazon.awssdk.services.sns.model.Topic;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Creates, idempotently, the infrastructure the routes consume: queues with their dead-letter queues and redrive
 * policies, the failure table, the S3 events fan-out (bucket, topic, subscribed queues, bucket notifications) and the
 * alert topic.
 * Never called when the app starts; only by the provision command and the sandbox. Every call says what it created
 * and what already existed. The SDK clients, not Camel components: these are one-off administrative calls (create
 * table, queue attributes and policies, subscriptions, bucket notifications) for which no component operation exists.
 */
public class Provisioner {

    /** What happened to one bucket notification configuration. */
    public enum NotificationsOutcome {
        CREATED, UPDATED, EXISTS,
        /** The endpoint does not implement bucket notifications and this provisioner was told it is the sandbox. */
        UNSUPPORTED_BY_SANDBOX
    }

    /** What the provisioning left: the topic, the subscribed queues, the bucket's notifications and their fate. */
    public record S3EventsProvisioned(String topicArn, List<QueueRef> queues, NotificationConfiguration notifications,
                                      NotificationsOutcome notificationsOutcome) {
    }

    /** The relay's queues, each with its dead-letter queue, the failure table and the bucket for large failure bodies. */
    public void provision(RelayTopology topology) {
        for (RelayTopology.Queue queue : topology.queues()) {
            queueWithDeadLetterQueue(queue.queue(), queue.deadLetterQueue(), queue.maxReceiveCount(), queue.visibilityTimeout());
        }
        failureTable(topology.failureTable());
        if (topology.failureBodiesBucket() != null && !topology.failureBodiesBucket().isBlank()) {
            // where the failure store keeps bodies too large for a DynamoDB item
            bucket(topology.failureBodiesBucket());
        }
    }

    /**
     * Bucket (and the processors' output buckets), topic with its policy, each queue's dead-letter queue, the queues
     * with their redrive policy and access policy, subscriptions, and last the bucket's notifications: S3 checks the topic policy when they are put, and sends an s3:TestEvent
     * through the topic that the subscribed queues should receive.
     */
    public S3EventsProvisioned provision(S3EventsTopology topology) {
        Provisioner provisioner = this;
        String bucket = topology.bucket();
        provisioner.bucket(bucket);
        topology.outputBuckets().forEach(provisioner::bucket);
        String topicArn = provisioner.topic(topology.topic(), topology::topicPolicy);
        List<QueueRef> subscribed = new ArrayList<>();
        for (S3EventsTopology.Queue queue : topology.queues()) {
            int visibilityTimeout = queue.visibilityTimeout() >= 0 ? queue.visibilityTimeout() : topology.visibilityTimeout();
            Map<QueueAttributeName, String> attributes = visibilityTimeout < 0 ? Map.of()
                    : Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilityTimeout));
            QueueRef ref = provisioner.queueWithPolicy(queue.queue(),
                    provisioner.withDeadLetterQueue(attributes, queue.deadLetterQueue(),
                            queue.maxReceiveCount() > 0 ? queue.maxReceiveCount() : topology.maxReceiveCount()),
                    queueArn -> S3EventsTopology.queuePolicy(queueArn, topicArn));
            provisioner.subscription(topicArn, ref);
            subscribed.add(ref);
        }
        List<TopicConfiguration> configurations = topology.topicConfigurations(topicArn);
        Provisioner.NotificationsOutcome outcome = provisioner.bucketNotifications(bucket, topicArn, configurations);
        return new S3EventsProvisioned(topicArn, List.copyOf(subscribed),
                NotificationConfiguration.builder().topicConfigurations(configurations).build(), outcome);
    }

    /** A queue as the provisioner left it. */
    public record QueueRef(String name, String url, String arn) {
    }

    /** The queue the sandbox subscribes to the alert topic, for an operator to read the alerts from. */
    public static final String SANDBOX_ALERTS_INBOX = "sqs-router-alerts-inbox";

    /** The alert topic as the provisioner left it, and in the sandbox the queue subscribed to it (else null). */
    public record AlertsProvisioned(String topicArn, QueueRef inbox) {
    }

    /**
     * The topic the app publishes its alerts to (alerts.topic, a name or an ARN), with SNS's default access policy: the
     * app's role publishes with its own grant (sns:Publish on this topic). In the sandbox, the queue
     * {@value #SANDBOX_ALERTS_INBOX} is subscribed to it, so that alerts can be read where no e-mail goes.
     */
    public AlertsProvisioned alerts(String topicOrArn) {
        String trimmed = topicOrArn.trim();
        String name = trimmed.startsWith("arn:") ? topicName(trimmed) : trimmed;
        String topicArn = topic(name, null);
        if (trimmed.startsWith("arn:") && !trimmed.equals(topicArn)) {
            throw new IllegalArgumentException("alerts.topic is " + trimmed + " but the topic " + name + " of these"
                    + " credentials is " + topicArn + ": give its ARN, or its name alone");
        }
        if (!sandbox) {
            return new AlertsProvisioned(topicArn, null);
        }
        QueueRef inbox = queueWithPolicy(SANDBOX_ALERTS_INBOX, Map.of(),
                queueArn -> S3EventsTopology.queuePolicy(queueArn, topicArn));
        subscription(topicArn, inbox);
        return new AlertsProvisioned(topicArn, inbox);
    }

    /** S3 refuses notifications to a topic whose fresh policy it cannot see yet; it sees it within seconds. */
    private static final int DESTINATION_CHECK_ATTEMPTS = 4;

    private final SqsClient sqs;
    private final DynamoDbClient dynamoDb;
    private final S3Client s3;
    private final SnsClient sns;
    private final boolean sandbox;
    private final List<String> report = new ArrayList<>();

    /** For queues and tables only. */
    public Provisioner(SqsClient sqs, DynamoDbClient dynamoDb) {
        this(sqs, dynamoDb, null, null, false);
    }

    /**
     * For everything. sandbox = the endpoints are the local sandbox, whose S3 does not implement bucket notifications
     * (its event emitter is configured from the same topology instead): only then is that tolerated, and reported.
     */
    public Provisioner(SqsClient sqs, DynamoDbClient dynamoDb, S3Client s3, SnsClient sns, boolean sandbox) {
        this.sqs = sqs;
        this.dynamoDb = dynamoDb;
        this.s3 = s3;
        this.sns = sns;
        this.sandbox = sandbox;
    }

    /** Lines like "created queue queue-1.fifo" / "exists  table sqs-router-failures", in the order done. */
    public List<String> report() {
        return List.copyOf(report);
    }

    /** The largest message SQS takes (1 MiB since 2025); the relay queues and their dead-letter queues take it. */
    public static final int MAX_MESSAGE_BYTES = 1_048_576;

    /**
     * A relay queue: a dead-letter queue of the same kind (FIFO when the name ends in .fifo) and a redrive policy, both
     * taking messages up to {@link #MAX_MESSAGE_BYTES} (an existing queue is brought in line).
     */
    public String queueWithDeadLetterQueue(String queue, String deadLetterQueue, int maxReceiveCount, int visibilityTimeout) {
        Map<QueueAttributeName, String> size = Map.of(QueueAttributeName.MAXIMUM_MESSAGE_SIZE, Integer.toString(MAX_MESSAGE_BYTES));
        Map<QueueAttributeName, String> attributes = new HashMap<>(size);
        attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilityTimeout));
        return queue(queue, withDeadLetterQueue(attributes, deadLetterQueue, maxReceiveCount, size));
    }

    /**
     * Creates the dead-letter queue (of the kind its name says) when it is missing, and returns the given queue
     * attributes plus a redrive policy to it: after maxReceiveCount deliveries SQS moves a message there.
     */
    public Map<QueueAttributeName, String> withDeadLetterQueue(Map<QueueAttributeName, String> attributes,
                                                               String deadLetterQueue, int maxReceiveCount) {
        return withDeadLetterQueue(attributes, deadLetterQueue, maxReceiveCount, Map.of());
    }

    /** As {@link #withDeadLetterQueue(Map, String, int)}, the dead-letter queue with attributes of its own. */
    public Map<QueueAttributeName, String> withDeadLetterQueue(Map<QueueAttributeName, String> attributes,
                                                               String deadLetterQueue, int maxReceiveCount,
                                                               Map<QueueAttributeName, String> deadLetterAttributes) {
        String deadLetterArn = queueArn(queue(deadLetterQueue, deadLetterAttributes));
        String redrive = "{\"deadLetterTargetArn\":\"" + deadLetterArn + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}";
        Map<QueueAttributeName, String> all = new HashMap<>(attributes);
        all.put(QueueAttributeName.REDRIVE_POLICY, redrive);
        return Map.copyOf(all);
    }

    /** A queue with the given attributes; FIFO (without content-based deduplication) when the name ends in .fifo. */
    public String queue(String name, Map<QueueAttributeName, String> attributes) {
        try {
            String url = sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
            if (!attributes.isEmpty()) {
                // keep an existing queue in line with the configuration (redrive policy, visibility timeout)
                sqs.setQueueAttributes(b -> b.queueUrl(url).attributes(attributes));
            }
            report.add("exists  queue " + name);
            return url;
        } catch (QueueDoesNotExistException missing) {
            Map<QueueAttributeName, String> all = new HashMap<>(attributes);
            if (name.endsWith(".fifo")) {
                all.put(QueueAttributeName.FIFO_QUEUE, "true");
            }
            String url = sqs.createQueue(b -> b.queueName(name).attributes(all)).queueUrl();
            report.add("created queue " + name);
            return url;
        }
    }

    /**
     * A queue with the given attributes and an access policy computed from its ARN (known only once the queue
     * exists), both kept in line with the configuration.
     */
    public QueueRef queueWithPolicy(String name, Map<QueueAttributeName, String> attributes,
                                    UnaryOperator<String> policyForQueueArn) {
        String url = queue(name, attributes);
        String arn = queueArn(url);
        String policy = policyForQueueArn.apply(arn);
        sqs.setQueueAttributes(b -> b.queueUrl(url).attributes(Map.of(QueueAttributeName.POLICY, policy)));
        return new QueueRef(name, url, arn);
    }

    /** The failure table's hash key (queue#group) and range key (sequence), strings both; the deployment template uses them too. */
    public static final String FAILURE_TABLE_HASH_KEY = "pk";
    public static final String FAILURE_TABLE_RANGE_KEY = "sk";

    /**
     * The failure table: pk = queue#group (hash), sk = sequence (range), on demand; the sparse status index
     * ({@value FailureRecords#STATUS_INDEX}: status, recordedAt) that lists records across queues; TTL on
     * {@value FailureRecords#EXPIRES_AT}. A table of an older deployment that lacks the index or the TTL gets them.
     */
    public void failureTable(String table) {
        TableDescription existing;
        try {
            existing = dynamoDb.describeTable(b -> b.tableName(table)).table();
        } catch (ResourceNotFoundException missing) {
            existing = null;
        }
        if (existing == null) {
            dynamoDb.createTable(b -> b.tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(failureTableAttributes())
                    .keySchema(
                            KeySchemaElement.builder().attributeName(FAILURE_TABLE_HASH_KEY).keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName(FAILURE_TABLE_RANGE_KEY).keyType(KeyType.RANGE).build())
                    .globalSecondaryIndexes(statusIndex()));
            dynamoDb.waiter().waitUntilTableExists(b -> b.tableName(table));
            timeToLive(table);
            report.add("created table " + table);
            return;
        }
        List<String> updates = new ArrayList<>();
        boolean hasIndex = existing.hasGlobalSecondaryIndexes() && existing.globalSecondaryIndexes().stream()
                .anyMatch(index -> FailureRecords.STATUS_INDEX.equals(index.indexName()));
        if (!hasIndex) {
            // an older deployment: the index is built from the items already there (DynamoDB backfills it)
            dynamoDb.updateTable(b -> b.tableName(table).attributeDefinitions(failureTableAttributes())
                    .globalSecondaryIndexUpdates(u -> u.create(c -> c.indexName(FailureRecords.STATUS_INDEX)
                            .keySchema(statusIndex().keySchema()).projection(statusIndex().projection()))));
            awaitIndexActive(table);
            updates.add("index " + FailureRecords.STATUS_INDEX + " added");
        }
        if (timeToLive(table)) {
            updates.add("TTL on " + FailureRecords.EXPIRES_AT);
        }
        report.add(updates.isEmpty() ? "exists  table " + table : "updated table " + table + " (" + String.join(", ", updates) + ")");
    }

    private static List<AttributeDefinition> failureTableAttributes() {
        return List.of(
                AttributeDefinition.builder().attributeName(FAILURE_TABLE_HASH_KEY).attributeType(ScalarAttributeType.S).build(),
                AttributeDefinition.builder().attributeName(FAILURE_TABLE_RANGE_KEY).attributeType(ScalarAttributeType.S).build(),
                AttributeDefinition.builder().attributeName(FailureRecords.STATUS).attributeType(ScalarAttributeType.S).build(),
                AttributeDefinition.builder().attributeName(FailureRecords.RECORDED_AT).attributeType(ScalarAttributeType.S).build());
    }

    /** The status index: what a listing shows, no bodies (a body may be 300 KB). */
    static GlobalSecondaryIndex statusIndex() {
        return GlobalSecondaryIndex.builder().indexName(FailureRecords.STATUS_INDEX)
                .keySchema(KeySchemaElement.builder().attributeName(FailureRecords.STATUS).keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName(FailureRecords.RECORDED_AT).keyType(KeyType.RANGE).build())
                .projection(Projection.builder().projectionType(ProjectionType.INCLUDE)
                        .nonKeyAttributes(FailureRecords.INDEX_ATTRIBUTES).build())
                .build();
    }

    /** Turns TTL on for expiresAt unless it is on (or being turned on); true if it was turned on now. */
    private boolean timeToLive(String table) {
        TimeToLiveStatus status = dynamoDb.describeTimeToLive(b -> b.tableName(table)).timeToLiveDescription().timeToLiveStatus();
        if (status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING) {
            return false;
        }
        dynamoDb.updateTimeToLive(b -> b.tableName(table).timeToLiveSpecification(t -> t.enabled(true)
                .attributeName(FailureRecords.EXPIRES_AT)));
        return true;
    }

    private static final Duration INDEX_BACKFILL_TIMEOUT = Duration.ofMinutes(30);

    /** An added index is usable once DynamoDB has built it from the existing items. */
    private void awaitIndexActive(String table) {
        long deadline = System.nanoTime() + INDEX_BACKFILL_TIMEOUT.toNanos();
        for (int attempt = 0; ; attempt++) {
            boolean active = dynamoDb.describeTable(b -> b.tableName(table)).table().globalSecondaryIndexes().stream()
                    .filter(index -> FailureRecords.STATUS_INDEX.equals(index.indexName()))
                    .allMatch(index -> index.indexStatus() == IndexStatus.ACTIVE);
            if (active) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the index " + FailureRecords.STATUS_INDEX + " of table " + table
                        + " is still being built after " + INDEX_BACKFILL_TIMEOUT.toMinutes() + " minutes: run provision again later");
            }
            pause(Duration.ofMillis(Math.min(5000, 200L * (attempt + 1))));
        }
    }

    /** A bucket in the S3 client's region. */
    public void bucket(String name) {
        S3Client client = s3();
        try {
            client.headBucket(b -> b.bucket(name));
            report.add("exists  bucket " + name);
            return;
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                // 403: the name is taken by another account, or this role may not see it; creating would not help
                throw e;
            }
        }
        Region region = client.serviceClientConfiguration().region();
        if (region == null || Region.US_EAST_1.equals(region) || Region.AWS_GLOBAL.equals(region)) {
            // us-east-1 rejects a location constraint naming itself
            client.createBucket(b -> b.bucket(name));
        } else {
            client.createBucket(b -> b.bucket(name).createBucketConfiguration(c -> c
                    .locationConstraint(BucketLocationConstraint.fromValue(region.id()))));
        }
        report.add("created bucket " + name);
    }

    /**
     * A standard SNS topic whose access policy is computed from its ARN, kept in line with it (null: SNS's default
     * policy, left as it is); returns the ARN.
     */
    public String topic(String name, UnaryOperator<String> policyForTopicArn) {
        SnsClient client = sns();
        String suffix = ":" + name;
        String arn = client.listTopicsPaginator(b -> { }).topics().stream()
                .map(Topic::topicArn).filter(a -> a.endsWith(suffix)).findFirst().orElse(null);
        if (arn == null) {
            arn = client.createTopic(b -> b.name(name)).topicArn();
            report.add("created topic " + name);
        } else {
            report.add("exists  topic " + name);
        }
        String topicArn = arn;
        if (policyForTopicArn != null) {
            client.setTopicAttributes(b -> b.topicArn(topicArn).attributeName("Policy")
                    .attributeValue(policyForTopicArn.apply(topicArn)));
        }
        return topicArn;
    }

    /**
     * An SQS subscription of the queue to the topic, delivering the SNS envelope (not raw: the routes read the
     * envelope's Message). An existing subscription that was switched to raw delivery is switched back.
     */
    public String subscription(String topicArn, QueueRef queue) {
        SnsClient client = sns();
        String label = "subscription " + topicName(topicArn) + " -> " + queue.name();
        Subscription existing = client.listSubscriptionsByTopicPaginator(b -> b.topicArn(topicArn)).subscriptions().stream()
                .filter(s -> "sqs".equals(s.protocol()) && queue.arn().equals(s.endpoint()))
                .findFirst().orElse(null);
        if (existing == null) {
            String arn = client.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queue.arn())
                    .attributes(Map.of("RawMessageDelivery", "false")).returnSubscriptionArn(true)).subscriptionArn();
            report.add("created " + label);
            return arn;
        }
        String raw = client.getSubscriptionAttributes(b -> b.subscriptionArn(existing.subscriptionArn()))
                .attributes().getOrDefault("RawMessageDelivery", "false");
        if ("true".equalsIgnoreCase(raw)) {
            client.setSubscriptionAttributes(b -> b.subscriptionArn(existing.subscriptionArn())
                    .attributeName("RawMessageDelivery").attributeValue("false"));
            report.add("updated " + label + " (raw delivery off)");
        } else {
            report.add("exists  " + label);
        }
        return existing.subscriptionArn();
    }

    /**
     * The bucket's notifications to one topic are exactly the given configurations. Configurations of the bucket
     * that send elsewhere are kept: S3 replaces the whole document on every put.
     */
    public NotificationsOutcome bucketNotifications(String bucket, String topicArn, List<TopicConfiguration> wanted) {
        S3Client client = s3();
        String label = "notifications " + bucket + " -> " + topicName(topicArn);
        NotificationConfiguration current;
        try {
            GetBucketNotificationConfigurationResponse got = client.getBucketNotificationConfiguration(b -> b.bucket(bucket));
            current = NotificationConfiguration.builder()
                    .topicConfigurations(got.topicConfigurations())
                    .queueConfigurations(got.queueConfigurations())
                    .lambdaFunctionConfigurations(got.lambdaFunctionConfigurations())
                    .eventBridgeConfiguration(got.eventBridgeConfiguration())
                    .build();
        } catch (S3Exception e) {
            if (unsupportedInSandbox(e, label)) {
                return NotificationsOutcome.UNSUPPORTED_BY_SANDBOX;
            }
            throw e;
        }
        List<TopicConfiguration> ours = current.topicConfigurations().stream()
                .filter(c -> topicArn.equals(c.topicArn())).toList();
        if (!ours.isEmpty() && normalized(ours).equals(normalized(wanted))) {
            report.add("exists  " + label);
            return NotificationsOutcome.EXISTS;
        }
        List<TopicConfiguration> topics = new ArrayList<>(current.topicConfigurations().stream()
                .filter(c -> !topicArn.equals(c.topicArn())).toList());
        topics.addAll(wanted);
        NotificationConfiguration next = current.toBuilder().topicConfigurations(topics).build();
        for (int attempt = 1; ; attempt++) {
            try {
                client.putBucketNotificationConfiguration(b -> b.bucket(bucket).notificationConfiguration(next));
                break;
            } catch (S3Exception e) {
                if (unsupportedInSandbox(e, label)) {
                    return NotificationsOutcome.UNSUPPORTED_BY_SANDBOX;
                }
                // S3 checks the topic policy set a moment ago, which may not have propagated yet
                if (!isUnvalidatedDestination(e) || attempt == DESTINATION_CHECK_ATTEMPTS) {
                    throw e;
                }
                pause(Duration.ofSeconds(2L * attempt));
            }
        }
        report.add((ours.isEmpty() ? "created " : "updated ") + label);
        return ours.isEmpty() ? NotificationsOutcome.CREATED : NotificationsOutcome.UPDATED;
    }

    private static boolean isUnvalidatedDestination(S3Exception e) {
        return e.awsErrorDetails() != null && "InvalidArgument".equals(e.awsErrorDetails().errorCode())
                && String.valueOf(e.awsErrorDetails().errorMessage()).contains("Unable to validate");
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the topic policy to propagate", e);
        }
    }

    private boolean unsupportedInSandbox(S3Exception e, String label) {
        boolean notImplemented = e.statusCode() == 501
                || (e.awsErrorDetails() != null && "NotImplemented".equals(e.awsErrorDetails().errorCode()));
        if (notImplemented && sandbox) {
            report.add("skipped " + label + " (this S3 endpoint does not implement bucket notifications;"
                    + " the sandbox emits the events from the same topology)");
            return true;
        }
        if (notImplemented) {
            throw new IllegalStateException("the S3 endpoint does not implement bucket notifications (" + label
                    + "); against the local sandbox set provision.sandbox=true", e);
        }
        return false;
    }

    /** A comparable form of topic configurations: ids and the order of events and rules do not matter. */
    private static Set<String> normalized(List<TopicConfiguration> configurations) {
        Set<String> all = new TreeSet<>();
        for (TopicConfiguration c : configurations) {
            String events = c.eventsAsStrings().stream().sorted().collect(Collectors.joining(","));
            List<FilterRule> rules = c.filter() == null || c.filter().key() == null ? List.of() : c.filter().key().filterRules();
            String filter = rules.stream()
                    .map(r -> Objects.toString(r.nameAsString(), "").toLowerCase() + "=" + r.value())
                    .sorted().collect(Collectors.joining(","));
            all.add(c.topicArn() + "|" + events + "|" + filter);
        }
        return all;
    }

    private String queueArn(String queueUrl) {
        return sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    private static String topicName(String topicArn) {
        return topicArn.substring(topicArn.lastIndexOf(':') + 1);
    }

    private S3Client s3() {
        if (s3 == null) {
            throw new IllegalStateException("this provisioner was built without an S3 client");
        }
        return s3;
    }

    private SnsClient sns() {
        if (sns == null) {
            throw new IllegalStateException("this provisioner was built without an SNS client");
        }
        return sns;
    }
}
