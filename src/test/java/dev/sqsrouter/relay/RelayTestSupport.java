package dev.sqsrouter.relay;

import dev.sqsrouter.sqs.OrderedSqsEndpoint;
import dev.sqsrouter.sqs.ConsumerStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import dev.sqsrouter.AppTestSupport;
import dev.sqsrouter.failure.FailureRecord;
import dev.sqsrouter.failure.FailureStore;
import dev.sqsrouter.provision.Provisioner;
import dev.sqsrouter.sandbox.AwsTestClients;
import dev.sqsrouter.sandbox.Emulators;
import dev.sqsrouter.sandbox.SampleResponseServer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Boots the application as it ships (application.properties, routes/*.yaml) against the shared emulators, with
 * queues and a failure table of its own per test, and a sample response server as the relay's target.
 */
public abstract class RelayTestSupport extends AppTestSupport {

    private static final AtomicInteger TEST_NUMBER = new AtomicInteger();
    /** The S3 event queues of application.properties (s3events.queues.<name>), consumed by the routes as shipped. */
    protected static final List<String> S3_EVENT_QUEUES = List.of("image-thumbnails", "image-audit");
    /** An API key the app accepts in tests (one of two, so that the check runs over several keys). */
    protected static final String API_KEY = "test-key-2";
    /** The admin API's key in tests; the ingress keys get 403 there. */
    protected static final String ADMIN_KEY = "admin-test-key";

    protected final Emulators emulators = Emulators.shared();
    private int ownDynamoDbPort;
    private com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer ownDynamoDbServer;
    protected final SqsClient sqs = AwsTestClients.sqs(emulators.sqsEndpoint());
    /** The bucket the app keeps failure bodies too large for DynamoDB in: shared, its keys hold the test's queue names. */
    protected static final String FAILURE_BODIES_BUCKET = "sqs-router-test-failure-bodies";
    protected final S3Client failureBodiesS3 = AwsTestClients.s3(emulators.s3Endpoint());
    protected DynamoDbClient dynamoDb;
    protected SampleResponseServer target;
    protected String prefix;

    /** Queue names for an alias in this test. */
    protected String queue(String alias) {
        return prefix + "-" + alias + ".fifo";
    }

    protected String deadLetterQueue(String alias) {
        return prefix + "-" + alias + "-dlq.fifo";
    }

    /** The standard queue of an S3 events queue name (image-thumbnails, image-audit) in this test. */
    protected String s3EventQueue(String name) {
        return prefix + "-" + name;
    }

    /** The standard dead-letter queue of an S3 events queue name in this test. */
    protected String s3EventDeadLetterQueue(String name) {
        return s3EventQueue(name) + "-dlq";
    }

    protected String failureTable() {
        return prefix + "-failures";
    }

    /** The DynamoDB the app and the test use: the shared one, or the test's own (see {@link #ownDynamoDb()}). */
    protected String dynamoDbEndpoint() {
        return ownDynamoDb() ? "http://127.0.0.1:" + ownDynamoDbPort : emulators.dynamoDbEndpoint();
    }

    /** True for a test that stops DynamoDB ({@link #stopDynamoDb()}): the app and the test get a DynamoDB Local of their own. */
    protected boolean ownDynamoDb() {
        return false;
    }

    /** DynamoDB goes away: nothing answers on its port (only with {@link #ownDynamoDb()}). */
    protected void stopDynamoDb() throws Exception {
        ownDynamoDbServer.stop();
    }

    /** DynamoDB is back, empty, on the same port: the test creates again what it needs. */
    protected void startDynamoDbAgain() throws Exception {
        ownDynamoDbServer = Emulators.startDynamoDb(ownDynamoDbPort);
    }

    /** Extra properties for one test class (override to change retries, timeouts, endpoints). */
    protected void overrideProperties(Properties properties) {
    }

    @Override
    protected void setupResources() throws Exception {
        if (ownDynamoDb()) {
            ownDynamoDbPort = Emulators.freePort();
            ownDynamoDbServer = Emulators.startDynamoDb(ownDynamoDbPort);
        }
        prefix = getClass().getSimpleName().toLowerCase().replaceAll("[^a-z0-9]", "") + TEST_NUMBER.incrementAndGet();
        target = SampleResponseServer.start(0, null);
        dynamoDb = AwsTestClients.dynamoDb(dynamoDbEndpoint());
        Properties properties = new Properties();
        properties.setProperty("aws.region", "us-east-1");
        properties.setProperty("aws.credentials", "sandbox");
        properties.setProperty("aws.endpoint.sqs", emulators.sqsEndpoint());
        properties.setProperty("aws.endpoint.dynamodb", dynamoDbEndpoint());
        properties.setProperty("aws.endpoint.s3", emulators.s3Endpoint());
        properties.setProperty("camel.server.host", "127.0.0.1");
        properties.setProperty("camel.server.port", Integer.toString(Emulators.freePort()));
        // the management server on a port of its own (0: any free one), never the shipped 9876 another app may hold
        properties.setProperty("camel.management.port", "0");
        properties.setProperty("ingress.api-keys", "test-key-1, " + API_KEY);
        properties.setProperty("admin.api-keys", ADMIN_KEY);
        properties.setProperty("failures.table", failureTable());
        properties.setProperty("failures.large-body-bucket", FAILURE_BODIES_BUCKET);
        for (String alias : List.of("queue-1", "queue-2")) {
            properties.setProperty("relay.queues." + alias + ".queue", queue(alias));
            properties.setProperty("relay.queues." + alias + ".dead-letter-queue", deadLetterQueue(alias));
            properties.setProperty("relay.queues." + alias + ".url", target.url());
        }
        // short waits so that tests (and context shutdown) are quick
        properties.setProperty("relay.wait-time-seconds", "1");
        properties.setProperty("relay.visibility-timeout", "20");
        properties.setProperty("relay.failed-visibility-seconds", "1");
        properties.setProperty("relay.retry.delay-ms", "20");
        properties.setProperty("relay.retry.max-delay-ms", "100");
        properties.setProperty("s3events.retry.delay-ms", "20");
        properties.setProperty("s3events.retry.max-delay-ms", "100");
        properties.setProperty("relay.http.connect-timeout-ms", "500");
        properties.setProperty("relay.http.response-timeout-ms", "2000");
        // the app as shipped consumes the S3 event queues and their dead-letter queues too: queues of this test, and
        // short polls
        for (String name : S3_EVENT_QUEUES) {
            properties.setProperty("s3events.queues." + name + ".queue", s3EventQueue(name));
            properties.setProperty("s3events.queues." + name + ".dead-letter-queue", s3EventDeadLetterQueue(name));
        }
        properties.setProperty("s3events.wait-time-seconds", "1");
        overrideProperties(properties);
        provision(properties);
        camelContextConfiguration().withUseOverridePropertiesWithPropertiesComponent(properties);
    }

    /** Creates what the properties name, as the provision command would. */
    protected void provision(Properties properties) {
        Provisioner provisioner = new Provisioner(sqs, dynamoDb);
        for (String alias : List.of("queue-1", "queue-2")) {
            provisioner.queueWithDeadLetterQueue(queue(alias), deadLetterQueue(alias),
                    Integer.parseInt(properties.getProperty("relay.max-receive-count", "5")),
                    Integer.parseInt(properties.getProperty("relay.visibility-timeout")));
        }
        for (String name : S3_EVENT_QUEUES) {
            provisioner.queue(s3EventQueue(name), provisioner.withDeadLetterQueue(Map.of(), s3EventDeadLetterQueue(name),
                    Integer.parseInt(properties.getProperty("s3events.max-receive-count", "5"))));
        }
        provisioner.failureTable(failureTable());
        Provisioner buckets = new Provisioner(sqs, dynamoDb, failureBodiesS3, null, false);
        buckets.bucket(FAILURE_BODIES_BUCKET);
        // readiness asks for the S3 event flow's bucket
        buckets.bucket(properties.getProperty("s3events.bucket", "images"));
    }

    @Override
    protected void cleanupResources() throws Exception {
        if (target != null) {
            target.close();
        }
        if (ownDynamoDbServer != null) {
            ownDynamoDbServer.stop();
        }
    }

    /** The port of the app's HTTP server (ingress and admin API). */
    protected int serverPort() {
        return Integer.parseInt(context.getPropertiesComponent().resolveProperty("camel.server.port").orElseThrow());
    }

    protected String url(String queueName) {
        return sqs.getQueueUrl(b -> b.queueName(queueName)).queueUrl();
    }

    /** Sends as the ingress does: body {"data": B}, group from B. */
    protected String sendToQueue(String alias, String group, String data) {
        return sqs.sendMessage(b -> b.queueUrl(url(queue(alias))).messageBody("{\"data\":" + data + "}")
                .messageGroupId(group).messageDeduplicationId(java.util.UUID.randomUUID().toString())).messageId();
    }

    /** Visible plus in-flight messages of a queue. */
    protected int messagesIn(String queueName) {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(url(queueName)).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    /** Receives (and deletes) what is in a queue now, in order, waiting up to a second for the first. */
    protected List<Message> drain(String queueName) {
        List<Message> all = new ArrayList<>();
        while (true) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(url(queueName)).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All")).messages();
            if (batch.isEmpty()) {
                return all;
            }
            all.addAll(batch);
            batch.forEach(m -> sqs.deleteMessage(b -> b.queueUrl(url(queueName)).receiptHandle(m.receiptHandle())));
        }
    }

    /** The counters of the ordered consumer of a queue. */
    protected ConsumerStats stats(String queueName) {
        return context.getEndpoints().stream()
                .filter(e -> e instanceof OrderedSqsEndpoint o && o.getConfiguration().getQueueName().equals(queueName))
                .map(e -> ((OrderedSqsEndpoint) e).getStats()).findFirst()
                .orElseThrow(() -> new AssertionError("no sqs-ordered consumer of " + queueName));
    }

    /** Message bodies as the relay target saw them, grouped by MessageGroupID, each a list of transSeq in arrival order. */
    protected static Map<String, List<Integer>> sequencesByGroup(List<String> bodies) {
        Map<String, List<Integer>> byGroup = new java.util.TreeMap<>();
        for (String body : bodies) {
            try {
                var data = JSON.readTree(body).path("data");
                byGroup.computeIfAbsent(data.path("MessageGroupID").asText(), g -> new ArrayList<>())
                        .add(data.path("transSeq").asInt());
            } catch (java.io.IOException e) {
                throw new AssertionError("target received a body that is not JSON: " + body, e);
            }
        }
        return byGroup;
    }

    /**
     * Sends groups g0..g(groups-1), perGroup messages each, interleaved (every group's 1, then every group's 2, ...),
     * and returns the order each group must arrive in.
     */
    protected Map<String, List<Integer>> sendInterleaved(String alias, int groups, int perGroup) {
        Map<String, List<Integer>> expected = new java.util.TreeMap<>();
        for (int seq = 1; seq <= perGroup; seq++) {
            for (int g = 0; g < groups; g++) {
                String group = "g" + g;
                sendToQueue(alias, group, loadScriptMessage(group, seq, 200));
                expected.computeIfAbsent(group, k -> new ArrayList<>()).add(seq);
            }
        }
        return expected;
    }

    /** {"MessageGroupID": group, "transSeq": seq, "http_status": status}, as the seed's load script sends. */
    protected static String loadScriptMessage(String group, int seq, int httpStatus) {
        return "{\"MessageGroupID\":\"" + group + "\",\"transSeq\":\"" + seq + "\",\"time_out\":0.5,\"http_status\":"
                + httpStatus + ",\"createdAt\":\"2026-11-22 10:00:00-000\"}";
    }

    protected static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    protected List<FailureRecord> failures(String alias, String group) {
        return failureStore().list(queue(alias), group);
    }

    /** A reader of the app's failure table: reads bodies kept in S3 back whole. */
    protected FailureStore failureStore() {
        return new FailureStore(dynamoDb, failureTable(), failureBodiesS3);
    }

    /** The app's own failure store, which writes through the app's failure channel route. */
    protected FailureStore appFailureStore() {
        return context.getRegistry().lookupByNameAndType("failureStore", FailureStore.class);
    }
}
