package dev.sqsrouter.failure;

import java.net.URLEncoder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * The DynamoDB table an administrator works from: every failed message, keyed pk = queue#group, sk = sequence, so
 * that one group's failures list in order. Records are written through the failure channel route
 * ({@link FailureChannel}: aws2-ddb's conditional PutItem, so a redelivered message never makes a second record); this
 * class reads them, and moves a record's status (OPEN, then REPLAYED or DISCARDED) by a conditional update, so that two
 * administrators cannot replay or discard the same record twice.
 * <p>
 * A DynamoDB item holds at most 400 KB and an SQS message up to 1 MiB: a body larger than the threshold is kept whole
 * in an S3 bucket, under a key derived from the record's pk and sk (so a redelivery writes the same object again), and
 * the item holds a pointer to it ({@code bodyRef} = s3://bucket/key), the body's size in bytes and a short preview.
 * Reading a record fetches such a body back, so that a listing shows it and a replay sends it whole.
 * <p>
 * Reads, queries and status updates stay on the SDK: the admin API and the archiver ask from Java and need key-condition,
 * update and condition expressions, which aws2-ddb's operations (legacy KeyConditions, AttributeUpdates) do not take.
 */
public class FailureStore {

    /** Answers are cut to this many characters; the item stays far below DynamoDB's 400 KB. */
    public static final int MAX_ANSWER_CHARS = 4096;
    /** Reasons are cut to this many characters, as answers are. */
    public static final int MAX_REASON_CHARS = 4096;
    /**
     * Bodies of more UTF-8 bytes than this go to S3 by default: with the answer and the reason (at most 4096
     * characters each, 12 KB in UTF-8), the preview and the other attributes the item stays under 400 KB.
     */
    public static final int DEFAULT_LARGE_BODY_THRESHOLD_BYTES = 300_000;
    /** The largest threshold accepted: DynamoDB's item limit (409,600 bytes); above it no inline body could fit. */
    public static final int MAX_LARGE_BODY_THRESHOLD_BYTES = 409_600;
    /** Characters of a body kept in the item, as a preview, when the body itself is in S3. */
    public static final int PREVIEW_CHARS = 1024;
    /** Characters of the reason and the answer in a reduced record (see {@link FailureChannel}). */
    static final int REDUCED_TEXT_CHARS = 512;

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final S3Client s3;
    private final ProducerTemplate channel;

    /** A store that reads only: records, and bodies kept in S3 when s3 is not null. */
    public FailureStore(DynamoDbClient dynamoDb, String table, S3Client s3) {
        this(dynamoDb, table, s3, null);
    }

    /** A store that writes through the failure channel route ({@value FailureChannel#URI}) with the given template. */
    public FailureStore(DynamoDbClient dynamoDb, String table, S3Client s3, ProducerTemplate channel) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.s3 = s3;
        this.channel = channel;
    }

    public String table() {
        return table;
    }

    /**
     * Writes the record through the failure channel unless one for the same message is there already: for callers
     * that are not a route step (the S3 event record runner parks one record from inside its split, and goes on).
     *
     * @return true if written, false if it was there
     * @throws FailureStoreException if DynamoDB or S3 did not take it; the caller must then keep the message in SQS
     */
    public boolean record(FailureRecord record) {
        if (channel == null) {
            throw new IllegalStateException("this failure store reads only; records are written through " + FailureChannel.URI);
        }
        try {
            return channel.requestBody(FailureChannel.URI, record, Boolean.class);
        } catch (CamelExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * True for a refusal that no retry can change: DynamoDB's ValidationException says the request itself is wrong
     * (here: an item over 400 KB, an attribute over its limit). A missing table (ResourceNotFoundException) is not:
     * it may be being created; nor are throttling, access denied (a role can be fixed), 5xx or a timeout.
     */
    static boolean isPermanent(DynamoDbException e) {
        String code = e == null || e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return "ValidationException".equals(code);
    }

    /** The item of a record, its body inline or (bodyRef not null) in S3, reason and answer cut to the given lengths. */
    static Map<String, AttributeValue> item(FailureRecord record, String bodyRef, int reasonChars, int answerChars) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(record.partitionKey()));
        item.put("sk", s(record.sortKey()));
        item.put("queue", s(record.queue()));
        putIfPresent(item, "group", record.group());
        putIfPresent(item, "sequence", record.sequence());
        putIfPresent(item, "messageId", record.messageId());
        if (bodyRef != null) {
            item.put("bodyRef", s(bodyRef));
            item.put("bodySize", AttributeValue.fromN(Integer.toString(record.body().getBytes(StandardCharsets.UTF_8).length)));
            item.put("bodyPreview", s(truncate(record.body(), PREVIEW_CHARS)));
        } else {
            putIfPresent(item, "body", record.body());
        }
        item.put("class", s(record.failureClass().name()));
        putIfPresent(item, "reason", truncate(record.reason(), reasonChars));
        if (record.httpStatus() != null) {
            item.put("httpStatus", AttributeValue.fromN(record.httpStatus().toString()));
        }
        putIfPresent(item, "answer", truncate(record.answer(), answerChars));
        item.put("receiveCount", AttributeValue.fromN(Integer.toString(record.receiveCount())));
        if (record.firstReceivedAt() != null) {
            item.put("firstReceivedAt", s(record.firstReceivedAt().toString()));
        }
        item.put("recordedAt", s(record.recordedAt().toString()));
        putIfPresent(item, "idempotencyKey", record.idempotencyKey());
        if (record.recordIndex() != null) {
            item.put("recordIndex", AttributeValue.fromN(record.recordIndex().toString()));
        }
        item.put("status", s(FailureStatus.OPEN.name()));
        return item;
    }

    /**
     * The S3 key of a record's body: bodies/queue/group/sk/sha256-of-the-body, each part percent-encoded (a group may
     * hold any printable ASCII), the group "-" on a standard queue as in pk. A redelivery of the message writes the same
     * object with the same bytes; another body for the same record is another object, so that it can never replace the
     * body a record points to.
     */
    public static String bodyKey(FailureRecord record, byte[] body) {
        return "bodies/" + keyPart(record.queue()) + "/" + keyPart(record.group() != null ? record.group() : "-") + "/"
                + keyPart(record.sortKey()) + "/" + sha256(body);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static String keyPart(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The whole body an s3:// reference points to. */
    private String getBody(String bodyRef) {
        if (!bodyRef.startsWith("s3://") || bodyRef.indexOf('/', 5) < 0) {
            throw new FailureStoreException("failure store " + table + ": not an s3:// body reference: " + bodyRef, null);
        }
        String bucket = bodyRef.substring(5, bodyRef.indexOf('/', 5));
        String key = bodyRef.substring(bodyRef.indexOf('/', 5) + 1);
        if (s3 == null) {
            throw new FailureStoreException("failure store " + table + ": the body is in " + bodyRef
                    + " but this store has no S3 client", null);
        }
        try {
            ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
            return bytes.asString(StandardCharsets.UTF_8);
        } catch (SdkException e) {
            throw new FailureStoreException("failure store " + table + ": the body in " + bodyRef + " could not be read", e);
        }
    }

    /** The records of one queue and group, in sequence order. */
    public List<FailureRecord> list(String queue, String group) {
        return entries(queue, group).stream().map(StoredFailure::record).toList();
    }

    /** The records of one queue and group with their status, in sequence order (every page of the query). */
    public List<StoredFailure> entries(String queue, String group) {
        String pk = FailureRecord.partitionKey(queue, group);
        return dynamoDb.queryPaginator(b -> b.tableName(table).consistentRead(true)
                        .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", s(pk))))
                .items().stream().map(this::storedFromItem).toList();
    }

    /** One record by its sort key (see {@link #sortKeyOf(String)}). */
    public Optional<StoredFailure> find(String queue, String group, String sortKey) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("pk", s(FailureRecord.partitionKey(queue, group)), "sk", s(sortKey)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(storedFromItem(item));
    }

    private boolean exists(String queue, String group, String sortKey) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("pk", s(FailureRecord.partitionKey(queue, group)), "sk", s(sortKey))).projectionExpression("pk")).item();
        return item != null && !item.isEmpty();
    }

    /** What a status change did. */
    public enum Transition {
        /** The record was OPEN and now has the new status. */
        DONE,
        /** No record has that key. */
        NOT_FOUND,
        /** The record is there but no longer OPEN (replayed or discarded already). */
        NOT_OPEN
    }

    /** Marks an OPEN record REPLAYED, noting the message id of the copy that was sent. */
    public Transition markReplayed(FailureRecord record, String replayMessageId, Instant at) {
        return leaveOpen(record.queue(), record.group(), record.sortKey(), FailureStatus.REPLAYED, replayMessageId, at);
    }

    /** Marks an OPEN record DISCARDED. */
    public Transition discard(String queue, String group, String sortKey, Instant at) {
        return leaveOpen(queue, group, sortKey, FailureStatus.DISCARDED, null, at);
    }

    private Transition leaveOpen(String queue, String group, String sortKey, FailureStatus to, String replayMessageId, Instant at) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":open", s(FailureStatus.OPEN.name()));
        values.put(":to", s(to.name()));
        values.put(":at", s(at.toString()));
        String update = "SET #status = :to, statusChangedAt = :at";
        if (replayMessageId != null) {
            values.put(":replay", s(replayMessageId));
            update += ", replayMessageId = :replay";
        }
        String finalUpdate = update;
        try {
            dynamoDb.updateItem(b -> b.tableName(table)
                    .key(Map.of("pk", s(FailureRecord.partitionKey(queue, group)), "sk", s(sortKey)))
                    .updateExpression(finalUpdate)
                    // the condition makes the change happen once, whoever asks at the same time
                    .conditionExpression("attribute_exists(pk) AND #status = :open")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.NONE));
            return Transition.DONE;
        } catch (ConditionalCheckFailedException refused) {
            return exists(queue, group, sortKey) ? Transition.NOT_OPEN : Transition.NOT_FOUND;
        }
    }

    /**
     * The sort key of a record given its SQS sequence number (padded as {@link FailureRecord#sortKey()} does); a key
     * that is not a number (a record without a sequence) is taken as it is.
     */
    public static String sortKeyOf(String sequenceOrKey) {
        if (!sequenceOrKey.isEmpty() && sequenceOrKey.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return FailureRecord.paddedSequence(sequenceOrKey);
        }
        return sequenceOrKey;
    }

    /** A stored record, its body fetched from S3 when the item holds a reference to it. */
    StoredFailure storedFromItem(Map<String, AttributeValue> item) {
        String status = str(item, "status");
        String changedAt = str(item, "statusChangedAt");
        String bodyRef = str(item, "bodyRef");
        String body = bodyRef != null ? getBody(bodyRef) : str(item, "body");
        return new StoredFailure(fromItem(item, body), status == null ? FailureStatus.OPEN : FailureStatus.valueOf(status),
                changedAt == null ? null : Instant.parse(changedAt), str(item, "replayMessageId"), bodyRef, str(item, "storeNote"));
    }

    static FailureRecord fromItem(Map<String, AttributeValue> item, String body) {
        return new FailureRecord(str(item, "queue"), str(item, "group"), str(item, "sequence"), str(item, "messageId"),
                body, FailureClass.valueOf(str(item, "class")), str(item, "reason"),
                item.containsKey("httpStatus") ? Integer.valueOf(item.get("httpStatus").n()) : null,
                str(item, "answer"), Integer.parseInt(item.get("receiveCount").n()),
                item.containsKey("firstReceivedAt") ? Instant.parse(str(item, "firstReceivedAt")) : null,
                Instant.parse(str(item, "recordedAt")), str(item, "idempotencyKey"),
                item.containsKey("recordIndex") ? Integer.valueOf(item.get("recordIndex").n()) : null);
    }

    static String truncate(String text, int chars) {
        if (text == null || text.length() <= chars) {
            return text;
        }
        // never split a surrogate pair: half of one is not UTF-8
        int end = Character.isHighSurrogate(text.charAt(chars - 1)) ? chars - 1 : chars;
        return text.substring(0, end) + "...[truncated]";
    }

    /** Partition keys of sequence notes start with this; a failure record's never do (they are queue#group). */
    public static final String SEQUENCE_NOTE_PREFIX = "sequence-note@";

    /** The partition of a queue's sequence notes, which the failure channel's sequence-note route writes. */
    static String notePartition(String queue) {
        return SEQUENCE_NOTE_PREFIX + queue;
    }

    /**
     * The source sequence noted for a message of a queue, if any: a FIFO message that SQS later redrives always had a
     * redelivery, noted by the sequence-note route; on AWS the dead-letter queue gives it a sequence of its own, so the
     * archiver looks this note up by message id (which redrive keeps) to sort its REDRIVEN record among the group's.
     */
    public Optional<String> sourceSequence(String queue, String messageId) {
        try {
            Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                    .key(Map.of("pk", s(notePartition(queue)), "sk", s(messageId)))).item();
            return Optional.ofNullable(item == null || item.isEmpty() ? null : str(item, "sequence"));
        } catch (SdkException e) {
            throw new FailureStoreException("failure store " + table + " could not be read for the sequence note of message "
                    + messageId + " of " + queue, e);
        }
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, s(value));
        }
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }
}
