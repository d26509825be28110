package dev.sqsrouter.failure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.sqsrouter.provision.Provisioner;
import dev.sqsrouter.sandbox.AwsTestClients;
import dev.sqsrouter.sandbox.Emulators;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The failure channel route on DynamoDB Local and S3Proxy, as the app wires it (aws2-ddb on the app's DynamoDbClient):
 * one record per message whatever the deliveries, where a body goes by its size, and what a refusal for good does.
 */
class FailureChannelTest {

    private static final AtomicInteger NUMBER = new AtomicInteger();
    private static final int THRESHOLD = 1000;

    private final Emulators emulators = Emulators.shared();
    private final DynamoDbClient dynamoDb = AwsTestClients.dynamoDb(emulators.dynamoDbEndpoint());
    private final S3Client s3 = AwsTestClients.s3(emulators.s3Endpoint());
    private final SqsClient sqs = AwsTestClients.sqs(emulators.sqsEndpoint());
    private final List<CamelContext> contexts = new ArrayList<>();
    private final Map<String, FailureStore> stores = new HashMap<>();
    private String table;
    private String bucket;
    private String queue;

    @BeforeEach
    void createTableAndBucket() {
        int n = NUMBER.incrementAndGet();
        table = "failurestoretest-" + ProcessHandle.current().pid() + "-" + n;
        bucket = "failurestoretest-" + ProcessHandle.current().pid() + "-" + n;
        queue = "queue-" + n + ".fifo";
        Provisioner provisioner = new Provisioner(sqs, dynamoDb, s3, null, false);
        provisioner.failureTable(table);
        provisioner.bucket(bucket);
    }

    @AfterEach
    void stopChannels() {
        contexts.forEach(CamelContext::stop);
    }

    private FailureStore store(int threshold) {
        return store(table, bucket, threshold);
    }

    /** A store writing through a failure channel of its own (table, bucket, threshold), on the clients the app names. */
    private FailureStore store(String table, String bucket, int threshold) {
        return stores.computeIfAbsent(table + "|" + bucket + "|" + threshold, key -> channel(table, bucket, threshold));
    }

    private FailureStore channel(String table, String bucket, int threshold) {
        CamelContext context = new DefaultCamelContext();
        context.getRegistry().bind("dynamoDbClient", dynamoDb);
        context.getRegistry().bind("s3Client", s3);
        try {
            context.addRoutes(new FailureChannel(table, bucket, threshold));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        context.start();
        contexts.add(context);
        return new FailureStore(dynamoDb, table, s3, context.createProducerTemplate());
    }

    /** A body of exactly this many UTF-8 bytes, with 2-, 3- and 4-byte characters. */
    private static String body(int bytes) {
        String head = "{\"data\":{\"MessageGroupID\":\"g\",\"p\":\"";
        String tail = "\"}}";
        String unit = "ab-\u00e9-\u20ac-\uD83D\uDE80-";
        int unitBytes = unit.getBytes(StandardCharsets.UTF_8).length;
        StringBuilder body = new StringBuilder(head);
        int size = head.length() + tail.length();
        while (size + unitBytes <= bytes) {
            body.append(unit);
            size += unitBytes;
        }
        body.append("x".repeat(bytes - size)).append(tail);
        assertEquals(bytes, body.toString().getBytes(StandardCharsets.UTF_8).length);
        return body.toString();
    }

    private FailureRecord record(String group, String sequence, String body, String answer) {
        return new FailureRecord(queue, group, sequence, "message-" + sequence, body, FailureClass.BUSINESS,
                "response server answered status_code 500", 200, answer, 1, Instant.parse("2026-12-01T10:00:00Z"),
                Instant.now(), "key-" + sequence, null);
    }

    private Map<String, AttributeValue> item(FailureRecord record) {
        return dynamoDb.getItem(b -> b.tableName(table).consistentRead(true).key(Map.of(
                "pk", AttributeValue.fromS(record.partitionKey()), "sk", AttributeValue.fromS(record.sortKey())))).item();
    }

    private static String key(FailureRecord record) {
        return FailureBodies.bodyKey(record, record.body().getBytes(StandardCharsets.UTF_8));
    }

    private List<S3Object> objects() {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().toList();
    }

    @Test
    void aBodyAtTheThresholdStaysInTheItem() {
        FailureRecord record = record("g", "1", body(THRESHOLD), "{\"status_code\":500}");
        assertTrue(store(THRESHOLD).record(record));

        Map<String, AttributeValue> item = item(record);
        assertEquals(record.body(), item.get("body").s());
        assertNull(item.get("bodyRef"));
        assertEquals(List.of(), objects(), "nothing in S3");
        StoredFailure read = store(THRESHOLD).entries(queue, "g").get(0);
        assertEquals(record.body(), read.record().body());
        assertNull(read.bodyRef());
    }

    @Test
    void aBodyOverTheThresholdIsKeptWholeInS3AndReadsBackWhole() {
        FailureRecord record = record("g/1 +x", "2", body(THRESHOLD + 1), "{\"status_code\":500}");
        assertTrue(store(THRESHOLD).record(record));

        Map<String, AttributeValue> item = item(record);
        assertNull(item.get("body"), "the item holds no body");
        String key = key(record);
        assertTrue(key.matches("bodies/" + queue.replace(".", "\\.") + "/g%2F1%20%2Bx/" + record.sortKey() + "/[0-9a-f]{64}"), key);
        assertEquals("s3://" + bucket + "/" + key, item.get("bodyRef").s());
        assertEquals(Integer.toString(THRESHOLD + 1), item.get("bodySize").n());
        assertTrue(record.body().startsWith(item.get("bodyPreview").s().replace("...[truncated]", "")), "a preview of the body");
        assertEquals(List.of(key), objects().stream().map(S3Object::key).toList());
        assertEquals(record.body(), s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String());

        StoredFailure read = store(THRESHOLD).entries(queue, "g/1 +x").get(0);
        assertEquals(record, read.record(), "read back whole, every field");
        assertEquals("s3://" + bucket + "/" + key, read.bodyRef());
        assertEquals(record.body(), store(THRESHOLD).find(queue, "g/1 +x", record.sortKey()).orElseThrow().record().body());
    }

    @Test
    void aOneMebibyteBodyWithTheDefaultThresholdIsRecordedAndReadBackWhole() {
        String answer = "{\"status_code\":500,\"content\":" + body(1_048_000) + "}";
        FailureRecord record = record("g", "3", body(1_048_000), answer);
        FailureStore store = store(FailureBodies.DEFAULT_LARGE_BODY_THRESHOLD_BYTES);
        assertTrue(store.record(record));

        FailureRecord read = store.list(queue, "g").get(0);
        assertEquals(record.body(), read.body());
        assertEquals(answer.substring(0, FailureRecords.MAX_ANSWER_CHARS) + "...[truncated]", read.answer());
    }

    @Test
    void aRedeliveryWritesTheSameObjectAndNoSecondRecord() {
        FailureRecord first = record("g", "4", body(THRESHOLD * 5), null);
        assertTrue(store(THRESHOLD).record(first));
        String etag = s3.headObject(b -> b.bucket(bucket).key(key(first))).eTag();

        // the same message delivered again (later, with another receive count): no second record, the same object
        FailureRecord again = new FailureRecord(first.queue(), first.group(), first.sequence(), first.messageId(), first.body(),
                first.failureClass(), first.reason(), first.httpStatus(), first.answer(), 2, first.firstReceivedAt(),
                Instant.now(), first.idempotencyKey(), null);
        assertFalse(store(THRESHOLD).record(again));

        assertEquals(List.of(key(first)), objects().stream().map(S3Object::key).toList());
        assertEquals(etag, s3.headObject(b -> b.bucket(bucket).key(key(first))).eTag(), "the same bytes");
        List<FailureRecord> records = store(THRESHOLD).list(queue, "g");
        assertEquals(1, records.size());
        assertEquals(1, records.get(0).receiveCount(), "the first record stays");
        assertEquals(first.body(), records.get(0).body());
    }

    @Test
    void theSameMessageRecordedTwiceIsOneRecordAndTheFirstStays() {
        FailureRecord first = record("g", "10", body(100), "{\"status_code\":500}");
        // the record was written, then the delete did not happen: the message comes back and is parked again
        FailureRecord again = new FailureRecord(first.queue(), first.group(), first.sequence(), first.messageId(), first.body(),
                first.failureClass(), "response server answered status_code 503", first.httpStatus(), first.answer(), 2,
                first.firstReceivedAt(), Instant.now(), first.idempotencyKey(), null);
        assertTrue(store(THRESHOLD).record(first));
        assertFalse(store(THRESHOLD).record(again), "the condition refuses the second write");

        List<StoredFailure> entries = store(THRESHOLD).entries(queue, "g");
        assertEquals(1, entries.size());
        assertEquals(first, entries.get(0).record(), "the first record, every field");
        assertEquals(FailureStatus.OPEN, entries.get(0).status());
    }

    @Test
    void anotherBodyForTheSameRecordReplacesNeitherTheRecordNorTheBodyItPointsTo() {
        FailureRecord relay = record("g", "9", body(THRESHOLD * 3), null);
        FailureRecord other = new FailureRecord(relay.queue(), relay.group(), relay.sequence(), relay.messageId(),
                body(THRESHOLD * 2), FailureClass.REDRIVEN, "moved by SQS redrive", null, null, 5, relay.firstReceivedAt(),
                Instant.now(), relay.idempotencyKey(), null);
        assertTrue(store(THRESHOLD).record(relay));
        String etag = s3.headObject(b -> b.bucket(bucket).key(key(relay))).eTag();
        assertFalse(store(THRESHOLD).record(other));

        StoredFailure read = store(THRESHOLD).entries(queue, "g").get(0);
        assertEquals(relay.body(), read.record().body());
        assertEquals(FailureClass.BUSINESS, read.record().failureClass());
        assertEquals("s3://" + bucket + "/" + key(relay), read.bodyRef());
        assertEquals(etag, s3.headObject(b -> b.bucket(bucket).key(key(relay))).eTag(), "the object it points to is untouched");
    }

    @Test
    void aRecordDynamoDbRefusesForGoodIsWrittenReducedWithTheWholeBodyInS3() {
        // a threshold at the item limit lets a body through that, with its answer, DynamoDB refuses for good
        FailureRecord record = record("g", "5", body(409_000), "{\"status_code\":500,\"content\":\"" + "y".repeat(20_000) + "\"}");
        FailureStore store = store(FailureBodies.MAX_LARGE_BODY_THRESHOLD_BYTES);
        assertTrue(store.record(record));

        StoredFailure read = store.entries(queue, "g").get(0);
        assertEquals(record.body(), read.record().body(), "the whole body, from S3");
        assertEquals("s3://" + bucket + "/" + key(record), read.bodyRef());
        assertNotNull(read.storeNote());
        assertTrue(read.storeNote().startsWith("DynamoDB refused the full record"), read.storeNote());
        assertEquals(record.answer().substring(0, 512) + "...[truncated]", read.record().answer());
        assertEquals(record.idempotencyKey(), read.record().idempotencyKey());
        assertEquals(FailureStatus.OPEN, read.status());
        // a redelivery finds it there
        assertFalse(store.record(record));
        assertEquals(1, store.list(queue, "g").size());
    }

    @Test
    void aRecordRefusedForGoodWithNowhereToKeepTheBodyIsAPermanentFailureAndWritesNothing() {
        FailureStore withoutBucket = store(table, null, FailureBodies.DEFAULT_LARGE_BODY_THRESHOLD_BYTES);
        FailureRecord record = record("g", "6", body(450_000), null);

        FailureStoreException refused = assertThrows(FailureStoreException.class, () -> withoutBucket.record(record));
        assertInstanceOf(FailureStorePermanentException.class, refused);
        assertTrue(refused.getMessage().contains("for good"), refused.getMessage());
        assertEquals(List.of(), withoutBucket.list(queue, "g"));
    }

    @Test
    void aMissingTableIsNotAPermanentFailure() {
        FailureStore missing = store(table + "-not-yet-created", bucket, THRESHOLD);
        FailureStoreException refused = assertThrows(FailureStoreException.class,
                () -> missing.record(record("g", "7", body(100), null)));
        assertFalse(refused instanceof FailureStorePermanentException, "a table may be being created: " + refused);
    }

    @Test
    void aMissingBucketIsRetriedAndLeavesNoRecordPointingNowhere() {
        FailureStore store = store(table, bucket + "-missing", THRESHOLD);
        FailureRecord record = record("g", "8", body(THRESHOLD + 1), null);

        FailureStoreException refused = assertThrows(FailureStoreException.class, () -> store.record(record));
        assertFalse(refused instanceof FailureStorePermanentException, "a bucket may be being created: " + refused);
        assertTrue(item(record) == null || item(record).isEmpty(), "no record without its body");
    }

    @Test
    void aThresholdOverTheItemLimitIsRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new FailureChannel(table, bucket, FailureBodies.MAX_LARGE_BODY_THRESHOLD_BYTES + 1));
        assertTrue(refused.getMessage().contains("failures.large-body-threshold-bytes"), refused.getMessage());
    }
}
