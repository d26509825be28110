package dev.sqsrouter.failure;

import static dev.sqsrouter.failure.FailureRecords.EXPIRES_AT;
import static dev.sqsrouter.failure.FailureRecords.STATUS;
import static dev.sqsrouter.failure.FailureRecords.key;
import static dev.sqsrouter.failure.FailureRecords.s;
import static dev.sqsrouter.failure.FailureRecords.str;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * A record's status: OPEN, claimed by a replay (REPLAYING under a claim id, with a lease), then REPLAYED or DISCARDED,
 * each move a conditional update, so that two administrators cannot replay or discard the same record twice. A record
 * that leaves OPEN leaves its open counter ({@link FailureCounters}) in the same transaction, and gets
 * {@value FailureRecords#EXPIRES_AT} = the change + the retention, for DynamoDB's TTL.
 * <p>
 * The SDK and not aws2-ddb: these need update and condition expressions, and a transaction, which aws2-ddb's operations
 * (legacy AttributeUpdates) do not take.
 */
public class FailureClaims {

    /** What a status change did. */
    public enum Transition {
        /** The record was OPEN and now has the new status. */
        DONE,
        /** No record has that key. */
        NOT_FOUND,
        /** The record is there but no longer OPEN (replayed or discarded already, or claimed by a replay). */
        NOT_OPEN
    }

    /** What a replay's claim of a record did. */
    public enum Claim {
        /** The record is REPLAYING under this claim until the lease runs out: send it, then mark it. */
        CLAIMED,
        /** Another replay holds it (its lease has not run out): the group is being replayed. */
        BUSY,
        /** It is REPLAYED or DISCARDED: nothing to send. */
        RESOLVED,
        /** No record has that key. */
        NOT_FOUND
    }

    /** The record's lease, epoch milliseconds: a claim older than this may be taken again. */
    static final String LEASE_UNTIL = "leaseUntil";
    static final String CLAIM_ID = "claimId";
    /** Who may change a record's status now: an OPEN one, or a REPLAYING one whose replay's lease ran out. */
    private static final String CLAIMABLE = "attribute_exists(pk) AND (#status = :open OR (#status = :replaying AND "
            + LEASE_UNTIL + " < :now))";

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Duration retention;

    /** The status changes of table's records; a record that leaves OPEN expires after the retention. */
    FailureClaims(DynamoDbClient dynamoDb, String table, Duration retention) {
        if (retention == null || retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("failures.retention-days must be at least 1, not " + retention);
        }
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.retention = retention;
    }

    /** How long a record stays once it left OPEN. */
    Duration retention() {
        return retention;
    }

    /**
     * Claims a record for a replay before it is sent: OPEN (or REPLAYING with a lease run out) becomes REPLAYING with
     * this claim id and a lease until now + lease, by one conditional update, so that of two replays, or a replay and a
     * discard, one wins and the other sees it. A replay that dies after this leaves the record REPLAYING: once the
     * lease has run out the next replay claims it again (the copy's deduplication id is the same, so SQS drops a second
     * send within 5 minutes).
     */
    Claim claim(FailureRecord record, String claimId, Instant now, Duration lease) {
        Map<String, AttributeValue> values = claimable(now);
        values.put(":to", s(FailureStatus.REPLAYING.name()));
        values.put(":claim", s(claimId));
        values.put(":until", AttributeValue.fromN(Long.toString(now.plus(lease).toEpochMilli())));
        values.put(":at", s(now.toString()));
        try {
            dynamoDb.updateItem(b -> b.tableName(table).key(key(record.queue(), record.group(), record.sortKey()))
                    .updateExpression("SET #status = :to, " + CLAIM_ID + " = :claim, " + LEASE_UNTIL + " = :until, statusChangedAt = :at")
                    .conditionExpression(CLAIMABLE)
                    .expressionAttributeNames(Map.of("#status", STATUS))
                    .expressionAttributeValues(values));
            return Claim.CLAIMED;
        } catch (ConditionalCheckFailedException refused) {
            Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                    .key(key(record.queue(), record.group(), record.sortKey())).projectionExpression("pk, #status")
                    .expressionAttributeNames(Map.of("#status", STATUS))).item();
            if (item == null || item.isEmpty()) {
                return Claim.NOT_FOUND;
            }
            // OPEN again by now (a claim released): busy as well, the other replay decides
            return FailureStatus.REPLAYING.name().equals(str(item, STATUS)) || FailureStatus.OPEN.name().equals(str(item, STATUS))
                    ? Claim.BUSY : Claim.RESOLVED;
        }
    }

    /** The status of a record, if there is one (no body read). */
    Optional<FailureStatus> status(String queue, String group, String sortKey) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(key(queue, group, sortKey)).projectionExpression("#status")
                .expressionAttributeNames(Map.of("#status", STATUS))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(FailureStatus.valueOf(str(item, STATUS)));
    }

    /** Marks a record this replay claimed REPLAYED, noting the message id of the copy that was sent. */
    Transition markReplayed(FailureRecord record, String claimId, String replayMessageId, Instant at) {
        return changeClaimed(record, claimId, FailureStatus.REPLAYED, replayMessageId, at);
    }

    /** Gives a claimed record back (its send failed): OPEN again, for the next replay. */
    Transition release(FailureRecord record, String claimId) {
        return changeClaimed(record, claimId, FailureStatus.OPEN, null, null);
    }

    /** Marks an OPEN record (or one whose replay's lease ran out) DISCARDED, with the administrator's reason. */
    Transition discard(String queue, String group, String sortKey, String reason, Instant at) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a discard needs a reason");
        }
        Map<String, AttributeValue> values = claimable(at);
        values.put(":to", s(FailureStatus.DISCARDED.name()));
        values.put(":at", s(at.toString()));
        // DynamoDB's TTL deletes the resolved record after the retention
        values.put(":expires", AttributeValue.fromN(Long.toString(at.plus(retention).getEpochSecond())));
        values.put(":why", s(FailureRecords.truncate(reason.strip(), FailureRecords.MAX_REASON_CHARS)));
        // the condition makes the change happen once, whoever asks at the same time
        return leave(queue, group, sortKey, "#status = :to, statusChangedAt = :at, " + EXPIRES_AT + " = :expires, discardReason = :why",
                LEASE_UNTIL + ", " + CLAIM_ID, CLAIMABLE, values);
    }

    /**
     * A record leaves the open ones (REPLAYED, DISCARDED) by a conditional update; one still in its open counter
     * ({@link FailureCounters#COUNTED}) leaves it in the same transaction. Which of the two it is is read first and made
     * part of the condition, so that a count added meanwhile is seen: then it is tried again.
     */
    private Transition leave(String queue, String group, String sortKey, String set, String remove, String condition,
            Map<String, AttributeValue> values) {
        Map<String, AttributeValue> key = key(queue, group, sortKey);
        Map<String, String> names = Map.of("#status", STATUS, "#counted", FailureCounters.COUNTED);
        String update = "SET " + set + " REMOVE " + remove + ", #counted";
        for (int attempt = 0; attempt < 3; attempt++) {
            Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true).key(key)
                    .projectionExpression("#class, #counted").expressionAttributeNames(Map.of("#class", "class",
                            "#counted", FailureCounters.COUNTED))).item();
            if (item == null || item.isEmpty()) {
                return Transition.NOT_FOUND;
            }
            boolean counted = item.containsKey(FailureCounters.COUNTED);
            try {
                if (counted) {
                    TransactWriteItem change = TransactWriteItem.builder().update(Update.builder().tableName(table).key(key)
                            .updateExpression(update).conditionExpression(condition + " AND attribute_exists(#counted)")
                            .expressionAttributeNames(names).expressionAttributeValues(values).build()).build();
                    dynamoDb.transactWriteItems(b -> b.transactItems(change, FailureCounters.counterUpdate(table, queue,
                            FailureClass.valueOf(str(item, "class")), -1)));
                } else {
                    dynamoDb.updateItem(b -> b.tableName(table).key(key).updateExpression(update)
                            .conditionExpression(condition + " AND attribute_not_exists(#counted)")
                            .expressionAttributeNames(names).expressionAttributeValues(values));
                }
                return Transition.DONE;
            } catch (ConditionalCheckFailedException refused) {
                // below
            } catch (TransactionCanceledException cancelled) {
                if (!FailureCounters.conditionFailed(cancelled, 0)) {
                    throw cancelled;
                }
            }
            Map<String, AttributeValue> now = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true).key(key)
                    .projectionExpression("pk, #counted").expressionAttributeNames(Map.of("#counted", FailureCounters.COUNTED))).item();
            if (now == null || now.isEmpty()) {
                return Transition.NOT_FOUND;
            }
            if (now.containsKey(FailureCounters.COUNTED) == counted) {
                // the status refused it, not the count
                return Transition.NOT_OPEN;
            }
        }
        return Transition.NOT_OPEN;
    }

    private static Map<String, AttributeValue> claimable(Instant now) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":open", s(FailureStatus.OPEN.name()));
        values.put(":replaying", s(FailureStatus.REPLAYING.name()));
        values.put(":now", AttributeValue.fromN(Long.toString(now.toEpochMilli())));
        return values;
    }

    /** A change of a record this claim holds (whatever its lease: a late mark still tells the truth). */
    private Transition changeClaimed(FailureRecord record, String claimId, FailureStatus to, String replayMessageId, Instant at) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":replaying", s(FailureStatus.REPLAYING.name()));
        values.put(":claim", s(claimId));
        values.put(":to", s(to.name()));
        String claimed = "#status = :replaying AND " + CLAIM_ID + " = :claim";
        if (to != FailureStatus.OPEN) {
            values.put(":at", s(at.toString()));
            values.put(":expires", AttributeValue.fromN(Long.toString(at.plus(retention).getEpochSecond())));
            values.put(":replay", s(replayMessageId));
            return leave(record.queue(), record.group(), record.sortKey(), "#status = :to, statusChangedAt = :at, "
                    + EXPIRES_AT + " = :expires, replayMessageId = :replay", LEASE_UNTIL, claimed, values);
        }
        // OPEN again: still open, its count stays
        String update = "SET #status = :to REMOVE " + LEASE_UNTIL + ", " + CLAIM_ID + ", statusChangedAt";
        try {
            dynamoDb.updateItem(b -> b.tableName(table).key(key(record.queue(), record.group(), record.sortKey()))
                    .updateExpression(update)
                    .conditionExpression(claimed)
                    .expressionAttributeNames(Map.of("#status", STATUS))
                    .expressionAttributeValues(values));
            return Transition.DONE;
        } catch (ConditionalCheckFailedException refused) {
            return exists(record.queue(), record.group(), record.sortKey()) ? Transition.NOT_OPEN : Transition.NOT_FOUND;
        }
    }

    private boolean exists(String queue, String group, String sortKey) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(key(queue, group, sortKey)).projectionExpression("pk")).item();
        return item != null && !item.isEmpty();
    }
}
