package dev.sqsrouter.failure;

import static dev.sqsrouter.failure.FailureRecords.RECORDED_AT;
import static dev.sqsrouter.failure.FailureRecords.STATUS;
import static dev.sqsrouter.failure.FailureRecords.STATUS_INDEX;
import static dev.sqsrouter.failure.FailureRecords.key;
import static dev.sqsrouter.failure.FailureRecords.s;
import static dev.sqsrouter.failure.FailureRecords.str;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * What an administrator reads from the failure table: one record, a group's records in sequence order page by page,
 * the records of a status newest first across queues and groups (the status index {@value FailureRecords#STATUS_INDEX},
 * never a scan), the counts per queue and class, and the source sequence a redrive's record is sorted by. Pages go on
 * with opaque cursors ({@link FailureCursor}) bound to the listing that gave them out.
 * <p>
 * The SDK and not aws2-ddb: the admin API and the archiver ask from Java and need key-condition and filter
 * expressions, which aws2-ddb's operations (legacy KeyConditions) do not take.
 */
public class FailureQueries {

    /** The most records one page of a listing holds. */
    public static final int MAX_PAGE = 500;
    /** Reads of the index one listing page may make per status while its filters skip records. */
    static final int MAX_READS_PER_PAGE = 10;
    /** Items per index read when a filter may skip many. */
    static final int FILTERED_READ = 500;
    private static final String END = "end";

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final FailureBodies bodies;
    private final FailureCounters counters;

    /** The reads of table, bodies in S3 read through bodies, open counts from counters. */
    FailureQueries(DynamoDbClient dynamoDb, String table, FailureBodies bodies, FailureCounters counters) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.bodies = bodies;
        this.counters = counters;
    }

    /**
     * The records of one queue and group with their status, in sequence order (every page of the query, held at once:
     * for tests and small groups; the admin API pages with {@link #group}).
     */
    List<StoredFailure> entries(String queue, String group) {
        String pk = FailureRecord.partitionKey(queue, group);
        return dynamoDb.queryPaginator(b -> b.tableName(table).consistentRead(true)
                        .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", s(pk))))
                .items().stream().map(bodies::stored).toList();
    }

    /**
     * One page of a group's records in sequence order; bodies in S3 are not read (see
     * {@link FailureBodies#withBody(StoredFailure)}).
     *
     * @param cursor null for the first page, else the next of the page before
     */
    FailurePage<StoredFailure> group(String queue, String group, String cursor, int limit) {
        checkLimit(limit);
        String pk = FailureRecord.partitionKey(queue, group);
        Map<String, AttributeValue> start = null;
        if (cursor != null) {
            start = FailureCursor.key(FailureCursor.decode(cursor).get("k"), "pk", "sk");
            if (!pk.equals(start.get("pk").s())) {
                throw new InvalidCursorException("the cursor belongs to another group's listing: pass the 'next' of the"
                        + " previous page of this group");
            }
        }
        Map<String, AttributeValue> exclusiveStart = start;
        // one more than asked: whether a next page exists is known without an empty last page
        QueryResponse response = dynamoDb.query(b -> b.tableName(table).consistentRead(true)
                .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", s(pk)))
                .exclusiveStartKey(exclusiveStart).limit(limit + 1));
        List<Map<String, AttributeValue>> items = response.items();
        // bodies in S3 are not read here: the caller reads those its answer has room for
        List<StoredFailure> records = items.stream().limit(limit).map(item -> bodies.stored(item, false)).toList();
        String next = null;
        boolean more = items.size() > limit
                || (response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() && !items.isEmpty());
        if (more) {
            Map<String, AttributeValue> last = items.get(Math.min(limit, items.size()) - 1);
            next = groupCursor(queue, group, last.get("sk").s());
        }
        return new FailurePage<>(records, next);
    }

    /** The cursor of a group's page that starts after the record with this sort key (a page cut short by its caller). */
    public static String groupCursor(String queue, String group, String sortKey) {
        ObjectNode json = FailureCursor.object();
        json.set("k", FailureCursor.key(Map.of("pk", s(FailureRecord.partitionKey(queue, group)), "sk", s(sortKey))));
        return FailureCursor.encode(json);
    }

    /**
     * The OPEN records of a group in sequence order, read lazily pageSize items at a time: a replay of thousands of
     * records holds one page. Only records up to the group's last one when this is called: what a replayed copy that
     * fails again adds to the group is not replayed again by the same replay. Iterating yields the pages.
     */
    Iterable<List<StoredFailure>> openPages(String queue, String group, int pageSize) {
        String pk = FailureRecord.partitionKey(queue, group);
        List<Map<String, AttributeValue>> lastItem = dynamoDb.query(b -> b.tableName(table).consistentRead(true)
                .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", s(pk)))
                .scanIndexForward(false).limit(1).projectionExpression("pk, sk")).items();
        if (lastItem.isEmpty()) {
            return List.of();
        }
        String last = lastItem.get(0).get("sk").s();
        Iterable<QueryResponse> pages = dynamoDb.queryPaginator(b -> b.tableName(table).consistentRead(true)
                // REPLAYING too: a claim is taken again once its lease ran out, and one still held stops the replay
                .keyConditionExpression("pk = :pk AND sk <= :last").filterExpression("#status IN (:open, :replaying)")
                .expressionAttributeNames(Map.of("#status", STATUS))
                .expressionAttributeValues(Map.of(":pk", s(pk), ":last", s(last), ":open", s(FailureStatus.OPEN.name()),
                        ":replaying", s(FailureStatus.REPLAYING.name())))
                .limit(pageSize));
        return () -> {
            Iterator<QueryResponse> responses = pages.iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return responses.hasNext();
                }

                @Override
                public List<StoredFailure> next() {
                    // bodies in S3 are read one at a time, as the replay sends them
                    return responses.next().items().stream().map(item -> bodies.stored(item, false)).toList();
                }
            };
        };
    }

    /**
     * One page of the records the filter selects, newest first (recordedAt descending), across queues and groups, read
     * from the status index: never a scan. Filters on queue, group and class are applied by DynamoDB while reading;
     * the index is read until the page is full, the index ends, or {@value #MAX_READS_PER_PAGE} reads per status were
     * made (the page may then be short, with a next cursor). With several statuses their streams are merged.
     *
     * @param cursor null for the first page, else the next of the page before, with the same filter
     * @throws InvalidCursorException for a cursor this listing did not give out
     */
    FailurePage<FailureSummary> list(FailureFilter filter, String cursor, int limit) {
        checkLimit(limit);
        JsonNode positions = null;
        if (cursor != null) {
            ObjectNode json = FailureCursor.decode(cursor);
            if (!filter.fingerprint().equals(json.path("f").asText())) {
                throw new InvalidCursorException("the cursor belongs to a listing with other filters: pass it with the"
                        + " same queue, group, class, status, from and to as the page it came with");
            }
            positions = json.path("p");
        }
        List<StatusStream> streams = new ArrayList<>();
        for (FailureStatus status : filter.statuses()) {
            JsonNode position = positions == null ? null : positions.get(status.name());
            if (positions != null && position == null) {
                throw new InvalidCursorException("the cursor has no position for status " + status + ": pass the 'next'"
                        + " of the previous page of the same listing");
            }
            streams.add(new StatusStream(status, filter, position, limit));
        }
        List<FailureSummary> records = new ArrayList<>();
        while (records.size() < limit) {
            StatusStream newest = null;
            boolean stalled = false;
            for (StatusStream stream : streams) {
                Map<String, AttributeValue> head = stream.head();
                if (head == null) {
                    // a stream that ran out of reads may still hold newer records: the page ends here, in order
                    stalled |= !stream.ended();
                    continue;
                }
                if (newest == null || str(head, RECORDED_AT).compareTo(str(newest.head(), RECORDED_AT)) > 0) {
                    newest = stream;
                }
            }
            if (newest == null || stalled) {
                break;
            }
            records.add(FailureRecords.summaryFromItem(newest.take()));
        }
        String next = null;
        if (streams.stream().anyMatch(stream -> !stream.ended())) {
            ObjectNode json = FailureCursor.object();
            json.put("f", filter.fingerprint());
            ObjectNode p = json.putObject("p");
            streams.forEach(stream -> stream.savePosition(p));
            next = FailureCursor.encode(json);
        }
        return new FailurePage<>(records, next);
    }

    /**
     * The open records (OPEN or REPLAYING) per SQS queue name and failure class, from the counters kept with each write
     * ({@link FailureCounters}): one small read whatever the store holds.
     */
    Map<String, Map<String, Long>> openCounts() {
        return counters.openCounts();
    }

    /**
     * The records of a status per SQS queue name and failure class: OPEN from the counters (records being replayed
     * included), the other statuses by reading the status index page by page (its queue and class only, never a scan).
     */
    Map<String, Map<String, Long>> counts(FailureStatus status) {
        if (status == FailureStatus.OPEN) {
            return openCounts();
        }
        Map<String, Map<String, Long>> counts = new TreeMap<>();
        for (QueryResponse page : dynamoDb.queryPaginator(b -> b.tableName(table).indexName(STATUS_INDEX)
                .keyConditionExpression("#status = :status").projectionExpression("#queue, #class")
                .expressionAttributeNames(Map.of("#status", STATUS, "#queue", "queue", "#class", "class"))
                .expressionAttributeValues(Map.of(":status", s(status.name()))).limit(1000))) {
            for (Map<String, AttributeValue> item : page.items()) {
                counts.computeIfAbsent(str(item, "queue"), q -> new TreeMap<>()).merge(str(item, "class"), 1L, Long::sum);
            }
        }
        return counts;
    }

    /** One record by its sort key (see {@link FailureRecords#sortKeyOf(String)}), its body read from S3 if kept there. */
    Optional<StoredFailure> find(String queue, String group, String sortKey) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(key(queue, group, sortKey))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(bodies.stored(item));
    }

    /**
     * The source sequence noted for a message of a queue, if any: a FIFO message that SQS later redrives always had a
     * redelivery, noted by the failure channel's sequence-note route; on AWS the dead-letter queue gives it a sequence
     * of its own, so the archiver looks this note up by message id (which redrive keeps) to sort its REDRIVEN record
     * among the group's.
     */
    Optional<String> sourceSequence(String queue, String messageId) {
        try {
            Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                    .key(Map.of("pk", s(FailureRecords.notePartition(queue)), "sk", s(messageId)))).item();
            return Optional.ofNullable(item == null || item.isEmpty() ? null : str(item, "sequence"));
        } catch (SdkException e) {
            throw new FailureStoreException("failure store " + table + " could not be read for the sequence note of message "
                    + messageId + " of " + queue, e);
        }
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_PAGE + ", not " + limit);
        }
    }

    /** The records of one status in the index, newest first, read as the merge asks for them. */
    private final class StatusStream {

        private final FailureStatus status;
        private final FailureFilter filter;
        private final int readSize;
        private final Deque<Map<String, AttributeValue>> buffer = new ArrayDeque<>();
        /** Where a next page resumes: after this key (null = from the newest); meaningless once ended. */
        private Map<String, AttributeValue> position;
        private Map<String, AttributeValue> exclusiveStart;
        private boolean more;
        private int reads;

        StatusStream(FailureStatus status, FailureFilter filter, JsonNode saved, int limit) {
            this.status = status;
            this.filter = filter;
            boolean filtered = filter.queue() != null || filter.group() != null || filter.failureClass() != null;
            // one more than the page: whether a next page exists is mostly known without an empty last page
            this.readSize = filtered ? Math.max(FILTERED_READ, limit + 1) : limit + 1;
            if (saved != null && saved.isTextual() && END.equals(saved.asText())) {
                more = false;
            } else {
                // null: nothing of this status taken yet
                position = saved == null || saved.isNull() ? null : FailureCursor.key(saved, "pk", "sk", STATUS, RECORDED_AT);
                if (position != null && !status.name().equals(position.get(STATUS).s())) {
                    throw new InvalidCursorException("the cursor's position for " + status + " is in another status:"
                            + " pass the 'next' of the previous page of the same listing");
                }
                exclusiveStart = position;
                more = true;
            }
        }

        boolean ended() {
            return buffer.isEmpty() && !more;
        }

        Map<String, AttributeValue> head() {
            while (buffer.isEmpty() && more && reads < MAX_READS_PER_PAGE) {
                read();
            }
            return buffer.peekFirst();
        }

        Map<String, AttributeValue> take() {
            Map<String, AttributeValue> item = buffer.removeFirst();
            position = Map.of("pk", item.get("pk"), "sk", item.get("sk"), STATUS, item.get(STATUS), RECORDED_AT, item.get(RECORDED_AT));
            return item;
        }

        void savePosition(ObjectNode positions) {
            if (ended()) {
                positions.put(status.name(), END);
            } else if (position == null) {
                positions.putNull(status.name());
            } else {
                positions.set(status.name(), FailureCursor.key(position));
            }
        }

        private void read() {
            reads++;
            Map<String, String> names = new LinkedHashMap<>();
            Map<String, AttributeValue> values = new LinkedHashMap<>();
            names.put("#status", STATUS);
            values.put(":status", s(status.name()));
            String keyCondition = "#status = :status";
            if (filter.from() != null || filter.to() != null) {
                names.put("#recordedAt", RECORDED_AT);
                if (filter.from() != null && filter.to() != null) {
                    keyCondition += " AND #recordedAt BETWEEN :from AND :to";
                } else {
                    keyCondition += filter.from() != null ? " AND #recordedAt >= :from" : " AND #recordedAt <= :to";
                }
                if (filter.from() != null) {
                    values.put(":from", s(FailureRecords.sortableTime(filter.from())));
                }
                if (filter.to() != null) {
                    values.put(":to", s(FailureRecords.sortableTime(filter.to())));
                }
            }
            List<String> conditions = new ArrayList<>();
            if (filter.queue() != null) {
                names.put("#queue", "queue");
                values.put(":queue", s(filter.queue()));
                conditions.add("#queue = :queue");
            }
            if (filter.group() != null) {
                names.put("#group", "group");
                if ("-".equals(filter.group())) {
                    // a standard queue's records have no group attribute
                    conditions.add("attribute_not_exists(#group)");
                } else {
                    values.put(":group", s(filter.group()));
                    conditions.add("#group = :group");
                }
            }
            if (filter.failureClass() != null) {
                names.put("#class", "class");
                values.put(":class", s(filter.failureClass().name()));
                conditions.add("#class = :class");
            }
            QueryRequest.Builder request = QueryRequest.builder().tableName(table).indexName(STATUS_INDEX)
                    .keyConditionExpression(keyCondition).scanIndexForward(false).limit(readSize)
                    .exclusiveStartKey(exclusiveStart);
            if (!conditions.isEmpty()) {
                request.filterExpression(String.join(" AND ", conditions));
            }
            QueryResponse response = dynamoDb.query(request.expressionAttributeNames(names).expressionAttributeValues(values).build());
            buffer.addAll(response.items());
            exclusiveStart = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
            more = exclusiveStart != null;
            if (buffer.isEmpty() && more) {
                // everything read so far was filtered out: a next page need not read it again
                position = exclusiveStart;
            }
        }
    }
}
