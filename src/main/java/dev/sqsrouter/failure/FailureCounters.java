package dev.sqsrouter.failure;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The open failures per queue and class, kept as counters in the failure table itself, so that counting them reads a
 * handful of items whatever the store holds (the gauge every instance reads at each queue watch, and readiness waits
 * for). One item per queue and class in the partition {@value #PARTITION}: sk = queue#class, attribute {@value #OPEN}.
 * <p>
 * A record is in its counter while it carries {@value #COUNTED}: the mark and the counter change in one
 * TransactWriteItems (aws2-ddb has no such operation: the SDK here), under the condition that the mark is absent when
 * counting and present when leaving, so that a write retried after a crash or a redelivery never counts twice, and a
 * record never counted (written before the counters existed) never makes a counter go below what it holds.
 */
public class FailureCounters {

    /** The counters' partition key: no failure record's pk (queue#group) nor sequence note's is this. */
    public static final String PARTITION = "open-counts";
    static final String OPEN = "open";
    /** On a record: it is in its queue's and class's open counter. */
    static final String COUNTED = "counted";

    private final DynamoDbClient dynamoDb;
    private final String table;

    public FailureCounters(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    /** The key of a record's counter. */
    static Map<String, AttributeValue> counterKey(String queue, FailureClass failureClass) {
        return Map.of("pk", AttributeValue.fromS(PARTITION), "sk", AttributeValue.fromS(queue + "#" + failureClass.name()));
    }

    /** The counter's share of a transaction: ADD delta, with the queue and class named for the reader. */
    static TransactWriteItem counterUpdate(String table, String queue, FailureClass failureClass, long delta) {
        return TransactWriteItem.builder().update(Update.builder().tableName(table).key(counterKey(queue, failureClass))
                .updateExpression("ADD #open :delta SET #queue = :queue, #class = :class")
                .expressionAttributeNames(Map.of("#open", OPEN, "#queue", "queue", "#class", "class"))
                .expressionAttributeValues(Map.of(":delta", AttributeValue.fromN(Long.toString(delta)),
                        ":queue", AttributeValue.fromS(queue), ":class", AttributeValue.fromS(failureClass.name())))
                .build()).build();
    }

    /**
     * Counts a record just written (or found written by an earlier delivery) as open, once: a record counted already,
     * or resolved meanwhile, is left as it is.
     *
     * @return true if this call counted it
     * @throws FailureStoreException when DynamoDB did not take it; the caller keeps the message in SQS and counts again
     */
    public boolean countWritten(FailureRecord record) {
        TransactWriteItem mark = TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(Map.of("pk", AttributeValue.fromS(record.partitionKey()), "sk", AttributeValue.fromS(record.sortKey())))
                .updateExpression("SET #counted = :true")
                .conditionExpression("attribute_exists(pk) AND attribute_not_exists(#counted) AND #status IN (:open, :replaying)")
                .expressionAttributeNames(Map.of("#counted", COUNTED, "#status", FailureRecords.STATUS))
                .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true),
                        ":open", AttributeValue.fromS(FailureStatus.OPEN.name()),
                        ":replaying", AttributeValue.fromS(FailureStatus.REPLAYING.name())))
                .build()).build();
        try {
            dynamoDb.transactWriteItems(b -> b.transactItems(mark, counterUpdate(table, record.queue(), record.failureClass(), 1)));
            return true;
        } catch (TransactionCanceledException e) {
            if (conditionFailed(e, 0)) {
                return false;
            }
            throw new FailureStoreException("failure store " + table + " did not count the record of message "
                    + record.messageId() + " (" + record.partitionKey() + "); it stays in SQS", e);
        } catch (SdkException e) {
            throw new FailureStoreException("failure store " + table + " did not count the record of message "
                    + record.messageId() + " (" + record.partitionKey() + "); it stays in SQS", e);
        }
    }

    /** True when the transaction was cancelled because the condition of its item at index failed. */
    static boolean conditionFailed(TransactionCanceledException e, int index) {
        List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
        return reasons.size() > index && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }

    /**
     * The open records (OPEN or REPLAYING) per SQS queue name and failure class, from the counters: one query of one
     * partition, whatever the store holds. Counters at zero are left out.
     */
    public Map<String, Map<String, Long>> openCounts() {
        Map<String, Map<String, Long>> counts = new TreeMap<>();
        dynamoDb.queryPaginator(b -> b.tableName(table).consistentRead(true).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(PARTITION))))
                .items().forEach(item -> {
                    long open = item.containsKey(OPEN) ? Long.parseLong(item.get(OPEN).n()) : 0;
                    if (open != 0) {
                        counts.computeIfAbsent(item.get("queue").s(), q -> new TreeMap<>()).put(item.get("class").s(), open);
                    }
                });
        return counts;
    }
}
