package dev.sqsrouter.failure;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The failure table's items: a record is keyed pk = queue#group, sk = sequence, so that one group's failures list in
 * order; a sequence note is keyed {@value #SEQUENCE_NOTE_PREFIX}queue, message id. This class maps records to items
 * and back, and names the attributes the rest of the store, the provisioning and the deployment template share.
 * <p>
 * A sparse global secondary index ({@value #STATUS_INDEX}: hash {@code status}, range {@code recordedAt}; sequence notes
 * have no status and stay out of it) lists the records of a status newest first across queues and groups; it holds the
 * summary attributes only ({@link #INDEX_ATTRIBUTES}), not bodies. A record that leaves OPEN gets {@code expiresAt}
 * (epoch seconds, the table's TTL attribute), so that resolved records go away by themselves.
 */
public final class FailureRecords {

    /** Answers are cut to this many characters; the item stays far below DynamoDB's 400 KB. */
    public static final int MAX_ANSWER_CHARS = 4096;
    /** Reasons are cut to this many characters, as answers are. */
    public static final int MAX_REASON_CHARS = 4096;
    /** Characters of a body kept in the item, as a preview, when the body itself is in S3. */
    public static final int PREVIEW_CHARS = 1024;
    /**
     * Characters of the reason and the answer in a reduced record, which the failure channel writes when DynamoDB
     * refuses the full one.
     */
    static final int REDUCED_TEXT_CHARS = 512;

    /** The status index: hash status, range recordedAt, newest first when read backwards. */
    public static final String STATUS_INDEX = "status-recordedAt";
    public static final String STATUS = "status";
    public static final String RECORDED_AT = "recordedAt";
    /** The TTL attribute: epoch seconds after which DynamoDB deletes the item (resolved records, sequence notes). */
    public static final String EXPIRES_AT = "expiresAt";
    /** The attributes the status index holds besides the keys: what a listing shows. */
    public static final List<String> INDEX_ATTRIBUTES = List.of("queue", "group", "sequence", "messageId", "class", "reason",
            "httpStatus", "receiveCount", "statusChangedAt");
    /** Partition keys of sequence notes start with this; a failure record's never do (they are queue#group). */
    public static final String SEQUENCE_NOTE_PREFIX = "sequence-note@";

    /** recordedAt as written: fixed width, so that text order is time order in the index. */
    private static final DateTimeFormatter SORTABLE = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private FailureRecords() {
    }

    /** An instant as recordedAt is written: fixed width (nanoseconds), so that the index orders by time. */
    public static String sortableTime(Instant instant) {
        return SORTABLE.format(instant);
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
        item.put(RECORDED_AT, s(sortableTime(record.recordedAt())));
        putIfPresent(item, "idempotencyKey", record.idempotencyKey());
        if (record.recordIndex() != null) {
            item.put("recordIndex", AttributeValue.fromN(record.recordIndex().toString()));
        }
        item.put("status", s(FailureStatus.OPEN.name()));
        return item;
    }

    /** The record an item holds, with the given body (the item's own, or one read from S3, or null). */
    static FailureRecord fromItem(Map<String, AttributeValue> item, String body) {
        return new FailureRecord(str(item, "queue"), str(item, "group"), str(item, "sequence"), str(item, "messageId"),
                body, FailureClass.valueOf(str(item, "class")), str(item, "reason"),
                item.containsKey("httpStatus") ? Integer.valueOf(item.get("httpStatus").n()) : null,
                str(item, "answer"), Integer.parseInt(item.get("receiveCount").n()),
                item.containsKey("firstReceivedAt") ? Instant.parse(str(item, "firstReceivedAt")) : null,
                Instant.parse(str(item, "recordedAt")), str(item, "idempotencyKey"),
                item.containsKey("recordIndex") ? Integer.valueOf(item.get("recordIndex").n()) : null);
    }

    /** A stored record from its item, with the given body and what is known of a body kept in S3. */
    static StoredFailure storedFromItem(Map<String, AttributeValue> item, String body, StoredFailure.BodyState state) {
        String status = str(item, "status");
        String changedAt = str(item, "statusChangedAt");
        return new StoredFailure(fromItem(item, body), status == null ? FailureStatus.OPEN : FailureStatus.valueOf(status),
                changedAt == null ? null : Instant.parse(changedAt), str(item, "replayMessageId"), str(item, "bodyRef"),
                str(item, "storeNote"), str(item, "discardReason"),
                item.containsKey(EXPIRES_AT) ? Instant.ofEpochSecond(Long.parseLong(item.get(EXPIRES_AT).n())) : null, state);
    }

    /** A summary from an index item. */
    static FailureSummary summaryFromItem(Map<String, AttributeValue> item) {
        String changedAt = str(item, "statusChangedAt");
        return new FailureSummary(str(item, "queue"), str(item, "group"), str(item, "sk"), str(item, "sequence"),
                str(item, "messageId"), FailureStatus.valueOf(str(item, STATUS)), FailureClass.valueOf(str(item, "class")),
                str(item, "reason"), item.containsKey("httpStatus") ? Integer.valueOf(item.get("httpStatus").n()) : null,
                item.containsKey("receiveCount") ? Integer.parseInt(item.get("receiveCount").n()) : 0,
                Instant.parse(str(item, RECORDED_AT)), changedAt == null ? null : Instant.parse(changedAt));
    }

    /** The key of one record. */
    static Map<String, AttributeValue> key(String queue, String group, String sortKey) {
        return Map.of("pk", s(FailureRecord.partitionKey(queue, group)), "sk", s(sortKey));
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

    /** The first {@value #PREVIEW_CHARS} characters of a body, marked as cut when it is longer, as a body in S3 keeps. */
    public static String preview(String body) {
        return truncate(body, PREVIEW_CHARS);
    }

    static String truncate(String text, int chars) {
        if (text == null || text.length() <= chars) {
            return text;
        }
        // never split a surrogate pair: half of one is not UTF-8
        int end = Character.isHighSurrogate(text.charAt(chars - 1)) ? chars - 1 : chars;
        return text.substring(0, end) + "...[truncated]";
    }

    /** The partition of a queue's sequence notes, which the failure channel's sequence-note route writes. */
    static String notePartition(String queue) {
        return SEQUENCE_NOTE_PREFIX + queue;
    }

    /** The item of a sequence note: the source sequence of a queue's message, until expiresAt (epoch seconds). */
    static Map<String, AttributeValue> noteItem(String queue, String messageId, String sequence, Instant expiresAt) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(notePartition(queue)));
        item.put("sk", s(messageId));
        item.put("sequence", s(sequence));
        item.put(EXPIRES_AT, AttributeValue.fromN(Long.toString(expiresAt.getEpochSecond())));
        return item;
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, s(value));
        }
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }
}
