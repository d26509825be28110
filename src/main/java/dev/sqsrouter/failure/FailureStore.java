package dev.sqsrouter.failure;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The DynamoDB table an administrator works from: every failed message, keyed pk = queue#group, sk = sequence, so
 * that one group's failures list in order. Writes are conditional, so a redelivered message never makes a second
 * record. Each record has a status (OPEN, then REPLAYED or DISCARDED) that only moves on from OPEN, by a conditional
 * update, so that two administrators cannot replay or discard the same record twice.
 */
public class FailureStore {

    /** Answers are cut to this many characters; the item stays far below DynamoDB's 400 KB. */
    public static final int MAX_ANSWER_CHARS = 4096;

    private final DynamoDbClient dynamoDb;
    private final String table;

    public FailureStore(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    public String table() {
        return table;
    }

    /**
     * Writes the record unless one for the same message is there already.
     *
     * @return true if written, false if it was there
     * @throws FailureStoreException if DynamoDB did not take it; the caller must then keep the message in SQS
     */
    public boolean record(FailureRecord record) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(record.partitionKey()));
        item.put("sk", s(record.sortKey()));
        item.put("queue", s(record.queue()));
        putIfPresent(item, "group", record.group());
        putIfPresent(item, "sequence", record.sequence());
        putIfPresent(item, "messageId", record.messageId());
        putIfPresent(item, "body", record.body());
        item.put("class", s(record.failureClass().name()));
        putIfPresent(item, "reason", record.reason());
        if (record.httpStatus() != null) {
            item.put("httpStatus", AttributeValue.fromN(record.httpStatus().toString()));
        }
        putIfPresent(item, "answer", truncate(record.answer()));
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
        try {
            dynamoDb.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
            return true;
        } catch (ConditionalCheckFailedException already) {
            return false;
        } catch (SdkException e) {
            throw new FailureStoreException("failure store " + table + " did not take the record of message "
                    + record.messageId() + " (" + record.partitionKey() + "); it stays in SQS", e);
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
                .items().stream().map(FailureStore::storedFromItem).toList();
    }

    /** One record by its sort key (see {@link #sortKeyOf(String)}). */
    public Optional<StoredFailure> find(String queue, String group, String sortKey) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("pk", s(FailureRecord.partitionKey(queue, group)), "sk", s(sortKey)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(storedFromItem(item));
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
            return find(queue, group, sortKey).isPresent() ? Transition.NOT_OPEN : Transition.NOT_FOUND;
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

    static StoredFailure storedFromItem(Map<String, AttributeValue> item) {
        String status = str(item, "status");
        String changedAt = str(item, "statusChangedAt");
        return new StoredFailure(fromItem(item), status == null ? FailureStatus.OPEN : FailureStatus.valueOf(status),
                changedAt == null ? null : Instant.parse(changedAt), str(item, "replayMessageId"));
    }

    static FailureRecord fromItem(Map<String, AttributeValue> item) {
        return new FailureRecord(str(item, "queue"), str(item, "group"), str(item, "sequence"), str(item, "messageId"),
                str(item, "body"), FailureClass.valueOf(str(item, "class")), str(item, "reason"),
                item.containsKey("httpStatus") ? Integer.valueOf(item.get("httpStatus").n()) : null,
                str(item, "answer"), Integer.parseInt(item.get("receiveCount").n()),
                item.containsKey("firstReceivedAt") ? Instant.parse(str(item, "firstReceivedAt")) : null,
                Instant.parse(str(item, "recordedAt")), str(item, "idempotencyKey"),
                item.containsKey("recordIndex") ? Integer.valueOf(item.get("recordIndex").n()) : null);
    }

    private static String truncate(String text) {
        return text == null || text.length() <= MAX_ANSWER_CHARS ? text : text.substring(0, MAX_ANSWER_CHARS) + "...[truncated]";
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
