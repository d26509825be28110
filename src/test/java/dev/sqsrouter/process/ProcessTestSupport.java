package dev.sqsrouter.process;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import dev.sqsrouter.failure.FailureRecords;
import dev.sqsrouter.provision.Provisioner;
import dev.sqsrouter.sandbox.AwsTestClients;
import dev.sqsrouter.sandbox.Emulators;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Process-level tests: the production jar in JVMs of its own ({@link AppProcess}), against the in-process emulators
 * of this JVM, with queues and a failure table of the test's own. Time is compressed with settings (1 s long polls,
 * short retries and breaker pauses), never with sleeps.
 */
abstract class ProcessTestSupport {

    private static final AtomicInteger TEST_NUMBER = new AtomicInteger();
    static final String API_KEY = "it-key";
    static final String ADMIN_KEY = "it-admin-key";
    static final List<String> ALIASES = List.of("queue-1", "queue-2");
    static final List<String> S3_EVENT_QUEUES = List.of("image-thumbnails", "image-audit");

    final Emulators emulators = Emulators.shared();
    final SqsClient sqs = AwsTestClients.sqs(emulators.sqsEndpoint());
    final DynamoDbClient dynamoDb = AwsTestClients.dynamoDb(emulators.dynamoDbEndpoint());
    final String prefix = getClass().getSimpleName().toLowerCase() + TEST_NUMBER.incrementAndGet();

    /** One message sent: its SQS message id, group and place in the group (transSeq, from 1). */
    record Sent(String messageId, String group, int seq) {
    }

    String queue(String alias) {
        return prefix + "-" + alias + ".fifo";
    }

    String deadLetterQueue(String alias) {
        return prefix + "-" + alias + "-dlq.fifo";
    }

    String failureTable() {
        return prefix + "-failures";
    }

    /** Creates the queues and the table the app's configuration names, as the provision command would. */
    void provision(int visibilityTimeout) {
        Provisioner provisioner = new Provisioner(sqs, dynamoDb);
        for (String alias : ALIASES) {
            provisioner.queueWithDeadLetterQueue(queue(alias), deadLetterQueue(alias), 5, visibilityTimeout);
        }
        for (String name : S3_EVENT_QUEUES) {
            provisioner.queue(prefix + "-" + name, provisioner.withDeadLetterQueue(Map.of(), prefix + "-" + name + "-dlq", 5));
        }
        provisioner.failureTable(failureTable());
        // readiness asks for the S3 event flow's bucket (the packaged sample's)
        new Provisioner(sqs, dynamoDb, dev.sqsrouter.sandbox.AwsTestClients.s3(emulators.s3Endpoint()), null, false).bucket("images");
    }

    /**
     * The app's configuration as an operator passes it with -D: the emulators, this test's queues and table, every
     * relay to {@code targetUrl}, and settings that keep a test quick.
     */
    Map<String, String> appProperties(String targetUrl, int visibilityTimeout) {
        Map<String, String> p = AppProcess.baseProperties(emulators, API_KEY, ADMIN_KEY);
        p.put("failures.table", failureTable());
        for (String alias : ALIASES) {
            p.put("relay.queues." + alias + ".queue", queue(alias));
            p.put("relay.queues." + alias + ".dead-letter-queue", deadLetterQueue(alias));
            p.put("relay.queues." + alias + ".url", targetUrl);
        }
        for (String name : S3_EVENT_QUEUES) {
            p.put("s3events.queues." + name + ".queue", prefix + "-" + name);
            p.put("s3events.queues." + name + ".dead-letter-queue", prefix + "-" + name + "-dlq");
        }
        p.put("relay.wait-time-seconds", "1");
        p.put("s3events.wait-time-seconds", "1");
        p.put("relay.visibility-timeout", Integer.toString(visibilityTimeout));
        p.put("relay.failed-visibility-seconds", "1");
        p.put("relay.retry.delay-ms", "200");
        p.put("relay.retry.max-delay-ms", "1000");
        p.put("relay.breaker.threshold", "5");
        p.put("relay.breaker.open-seconds", "2");
        p.put("relay.http.connect-timeout-ms", "500");
        p.put("relay.http.response-timeout-ms", "10000");
        return p;
    }

    String url(String queueName) {
        return sqs.getQueueUrl(b -> b.queueName(queueName)).queueUrl();
    }

    /**
     * Sends groups g0..g(groups-1), perGroup messages each, interleaved (every group's 1, then every group's 2, ...),
     * ten per SendMessageBatch, as the ingress would write them; returns them by message id.
     */
    Map<String, Sent> sendInterleaved(String alias, int groups, int perGroup) {
        String queueUrl = url(queue(alias));
        Map<String, Sent> sent = new LinkedHashMap<>();
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        Map<String, Sent> byEntry = new HashMap<>();
        for (int seq = 1; seq <= perGroup; seq++) {
            for (int g = 0; g < groups; g++) {
                String group = "g" + g;
                String id = group + "-" + seq;
                entries.add(SendMessageBatchRequestEntry.builder().id(id).messageGroupId(group)
                        .messageDeduplicationId(UUID.randomUUID().toString())
                        .messageBody("{\"data\":" + loadScriptMessage(group, seq) + "}").build());
                byEntry.put(id, new Sent(null, group, seq));
                if (entries.size() == 10) {
                    send(queueUrl, entries, byEntry, sent);
                }
            }
        }
        if (!entries.isEmpty()) {
            send(queueUrl, entries, byEntry, sent);
        }
        return sent;
    }

    private void send(String queueUrl, List<SendMessageBatchRequestEntry> entries, Map<String, Sent> byEntry,
            Map<String, Sent> sent) {
        var response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
        if (!response.failed().isEmpty()) {
            throw new IllegalStateException("could not send: " + response.failed());
        }
        // the batch's entries keep their order within a group; record them in the order sent
        Map<String, String> ids = new HashMap<>();
        response.successful().forEach(ok -> ids.put(ok.id(), ok.messageId()));
        for (SendMessageBatchRequestEntry entry : entries) {
            Sent s = byEntry.get(entry.id());
            sent.put(ids.get(entry.id()), new Sent(ids.get(entry.id()), s.group(), s.seq()));
        }
        entries.clear();
    }

    /** {"MessageGroupID": group, "transSeq": seq, "http_status": 200}, as the seed's load script sends. */
    static String loadScriptMessage(String group, int seq) {
        return "{\"MessageGroupID\":\"" + group + "\",\"transSeq\":\"" + seq
                + "\",\"time_out\":0.5,\"http_status\":200,\"createdAt\":\"2026-11-22 10:00:00-000\"}";
    }

    /** Receives (with short polling) and deletes what is visible in the queue now, in the order SQS hands it out. */
    List<Message> receiveVisible(String queueName) {
        String queueUrl = url(queueName);
        List<Message> all = new ArrayList<>();
        while (true) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0)
                    .visibilityTimeout(60)).messages();
            if (batch.isEmpty()) {
                return all;
            }
            all.addAll(batch);
            batch.forEach(m -> sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle())));
        }
    }

    /** Visible plus in-flight messages of a queue. */
    int messagesIn(String queueName) {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(url(queueName)).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    /** In-flight (received, not deleted, invisible) messages of a queue. */
    int messagesInFlight(String queueName) {
        return Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(url(queueName))
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    /** Every record of the failure store, whatever its queue. */
    int failureRecords() {
        // failure records only, not the sequence notes and open counters kept beside them
        return dynamoDb.scan(b -> b.tableName(failureTable()).filterExpression("NOT begins_with(pk, :note) AND pk <> :counts")
                .expressionAttributeValues(Map.of(":note", AttributeValue.fromS(FailureRecords.SEQUENCE_NOTE_PREFIX),
                        ":counts", AttributeValue.fromS(dev.sqsrouter.failure.FailureCounters.PARTITION)))).count();
    }

    /** Message ids grouped by group, each list in the order given. */
    static Map<String, List<Integer>> seqsByGroup(List<String> messageIds, Map<String, Sent> sent) {
        Map<String, List<Integer>> byGroup = new TreeMap<>();
        for (String id : messageIds) {
            Sent s = sent.get(id);
            if (s == null) {
                throw new AssertionError("a message that was never sent: " + id);
            }
            byGroup.computeIfAbsent(s.group(), g -> new ArrayList<>()).add(s.seq());
        }
        return byGroup;
    }

    /** 1..n. */
    static List<Integer> oneTo(int n) {
        List<Integer> all = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            all.add(i);
        }
        return all;
    }
}
