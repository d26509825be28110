package dev.sqsrouter.failure;

import java.net.URLEncoder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

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
 * <p>
 * A sparse global secondary index ({@value #STATUS_INDEX}: hash {@code status}, range {@code recordedAt}; sequence notes
 * have no status and stay out of it) lists the records of a status newest first across queues and groups, page by page,
 * and counts the open ones; it holds the summary attributes only ({@link #INDEX_ATTRIBUTES}), not bodies. A record that
 * leaves OPEN gets {@code expiresAt} (epoch seconds, the table's TTL attribute) = the change + the retention, so that
 * resolved records go away by themselves.
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

    /** The status index: hash status, range recordedAt, newest first when read backwards. */
    public static final String STATUS_INDEX = "status-recordedAt";
    public static final String STATUS = "status";
    public static final String RECORDED_AT = "recordedAt";
    /** The TTL attribute: epoch seconds after which DynamoDB deletes the item (resolved records, sequence notes). */
    public static final String EXPIRES_AT = "expiresAt";
    /** The attributes the status index holds besides the keys: what a listing shows. */
    public static final List<String> INDEX_ATTRIBUTES = List.of("queue", "group", "sequence", "messageId", "class", "reason",
            "httpStatus", "receiveCount", "statusChangedAt");
    /** How long a replayed or discarded record stays by default (failures.retention-days). */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
    /** The most records one page of a listing holds. */
    public static final int MAX_PAGE = 500;
    /** Reads of the index one listing page may make per status while its filters skip records. */
    static final int MAX_READS_PER_PAGE = 10;
    /** Items per index read when a filter may skip many. */
    static final int FILTERED_READ = 500;
    /** recordedAt as written: fixed width, so that text order is time order in the index. */
    private static final DateTimeFormatter SORTABLE = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final String END = "end";

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final S3Client s3;
    private final ProducerTemplate channel;
    private final Duration retention;
    private final FailureCounters counters;

    /** A store that reads only: records, and bodies kept in S3 when s3 is not null. */
    public FailureStore(DynamoDbClient dynamoDb, String table, S3Client s3) {
        this(dynamoDb, table, s3, null);
    }

    /** A store that writes through the failure channel route ({@value FailureChannel#URI}) with the given template. */
    public FailureStore(DynamoDbClient dynamoDb, String table, S3Client s3, ProducerTemplate channel) {
        this(dynamoDb, table, s3, channel, DEFAULT_RETENTION);
    }

    /** As above; a record that leaves OPEN expires after the retention. */
    public FailureStore(DynamoDbClient dynamoDb, String table, S3Client s3, ProducerTemplate channel, Duration retention) {
        if (retention == null || retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("failures.retention-days must be at least 1, not " + retention);
        }
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.s3 = s3;
        this.channel = channel;
        this.retention = retention;
        this.counters = new FailureCounters(dynamoDb, table);
    }

    /** An instant as recordedAt is written: fixed width (nanoseconds), so that the index orders by time. */
    public static String sortableTime(Instant instant) {
        return SORTABLE.format(instant);
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
        item.put(RECORDED_AT, s(sortableTime(record.recordedAt())));
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

    /**
     * The whole body an s3:// reference points to, or null when the object is gone (a lifecycle rule on the bucket may
     * delete bodies before their records): the record is still shown and replays skip it, naming {@link #goneBody}.
     *
     * @throws FailureStoreException when S3 did not answer, or refused otherwise
     */
    String getBody(String bodyRef) {
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
        } catch (NoSuchKeyException gone) {
            return null;
        } catch (SdkException e) {
            throw new FailureStoreException("failure store " + table + ": the body in " + bodyRef + " could not be read", e);
        }
    }

    /** What a record whose body object is gone says instead of its body. */
    public static String goneBody(String bodyRef) {
        return "the body object " + bodyRef + " is gone";
    }

    /** The records of one queue and group, in sequence order, all of them at once (tests; small groups). */
    public List<FailureRecord> list(String queue, String group) {
        return entries(queue, group).stream().map(StoredFailure::record).toList();
    }

    /**
     * The records of one queue and group with their status, in sequence order (every page of the query, held at once:
     * for tests and small groups; the admin API pages with {@link #group}).
     */
    public List<StoredFailure> entries(String queue, String group) {
        String pk = FailureRecord.partitionKey(queue, group);
        return dynamoDb.queryPaginator(b -> b.tableName(table).consistentRead(true)
                        .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", s(pk))))
                .items().stream().map(this::storedFromItem).toList();
    }

    /**
     * One page of a group's records in sequence order, bodies included.
     *
     * @param cursor null for the first page, else the next of the page before
     */
    public FailurePage<StoredFailure> group(String queue, String group, String cursor, int limit) {
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
        // bodies in S3 are not read here: the caller reads those its answer has room for (see body())
        List<StoredFailure> records = items.stream().limit(limit).map(item -> storedFromItem(item, false)).toList();
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

    /** The first {@value #PREVIEW_CHARS} characters of a body, marked as cut when it is longer, as a body in S3 keeps. */
    public static String preview(String body) {
        return truncate(body, PREVIEW_CHARS);
    }

    /**
     * The OPEN records of a group in sequence order, read lazily pageSize items at a time: a replay of thousands of
     * records holds one page. Only records up to the group's last one when this is called: what a replayed copy that
     * fails again adds to the group is not replayed again by the same replay. Iterating yields the pages.
     */
    public Iterable<List<StoredFailure>> openPages(String queue, String group, int pageSize) {
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
                    // bodies in S3 are read one at a time, as the replay sends them (see body())
                    return responses.next().items().stream().map(item -> storedFromItem(item, false)).toList();
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
    public FailurePage<FailureSummary> list(FailureFilter filter, String cursor, int limit) {
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
            records.add(summaryFromItem(newest.take()));
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
    public Map<String, Map<String, Long>> openCounts() {
        return counters.openCounts();
    }

    /**
     * The records of a status per SQS queue name and failure class: OPEN from the counters (records being replayed
     * included), the other statuses by reading the status index page by page (its queue and class only, never a scan).
     */
    public Map<String, Map<String, Long>> counts(FailureStatus status) {
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
                    values.put(":from", s(sortableTime(filter.from())));
                }
                if (filter.to() != null) {
                    values.put(":to", s(sortableTime(filter.to())));
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

    /** A summary from an index item. */
    static FailureSummary summaryFromItem(Map<String, AttributeValue> item) {
        String changedAt = str(item, "statusChangedAt");
        return new FailureSummary(str(item, "queue"), str(item, "group"), str(item, "sk"), str(item, "sequence"),
                str(item, "messageId"), FailureStatus.valueOf(str(item, STATUS)), FailureClass.valueOf(str(item, "class")),
                str(item, "reason"), item.containsKey("httpStatus") ? Integer.valueOf(item.get("httpStatus").n()) : null,
                item.containsKey("receiveCount") ? Integer.parseInt(item.get("receiveCount").n()) : 0,
                Instant.parse(str(item, RECORDED_AT)), changedAt == null ? null : Instant.parse(changedAt));
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

    /**
     * Claims a record for a replay before it is sent: OPEN (or REPLAYING with a lease run out) becomes REPLAYING with
     * this claim id and a lease until now + lease, by one conditional update, so that of two replays, or a replay and a
     * discard, one wins and the other sees it. A replay that dies after this leaves the record REPLAYING: once the
     * lease has run out the next replay claims it again (the copy's deduplication id is the same, so SQS drops a second
     * send within 5 minutes).
     */
    public Claim claim(FailureRecord record, String claimId, Instant now, Duration lease) {
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
    public Optional<FailureStatus> status(String queue, String group, String sortKey) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(key(queue, group, sortKey)).projectionExpression("#status")
                .expressionAttributeNames(Map.of("#status", STATUS))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(FailureStatus.valueOf(str(item, STATUS)));
    }

    /** Marks a record this replay claimed REPLAYED, noting the message id of the copy that was sent. */
    public Transition markReplayed(FailureRecord record, String claimId, String replayMessageId, Instant at) {
        return changeClaimed(record, claimId, FailureStatus.REPLAYED, replayMessageId, at);
    }

    /** Gives a claimed record back (its send failed): OPEN again, for the next replay. */
    public Transition release(FailureRecord record, String claimId) {
        return changeClaimed(record, claimId, FailureStatus.OPEN, null, null);
    }

    /** Marks an OPEN record (or one whose replay's lease ran out) DISCARDED, with the administrator's reason. */
    public Transition discard(String queue, String group, String sortKey, String reason, Instant at) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a discard needs a reason");
        }
        Map<String, AttributeValue> values = claimable(at);
        values.put(":to", s(FailureStatus.DISCARDED.name()));
        values.put(":at", s(at.toString()));
        // DynamoDB's TTL deletes the resolved record after the retention
        values.put(":expires", AttributeValue.fromN(Long.toString(at.plus(retention).getEpochSecond())));
        values.put(":why", s(truncate(reason.strip(), MAX_REASON_CHARS)));
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

    /** How long a record stays once it left OPEN. */
    public Duration retention() {
        return retention;
    }

    private static Map<String, AttributeValue> claimable(Instant now) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":open", s(FailureStatus.OPEN.name()));
        values.put(":replaying", s(FailureStatus.REPLAYING.name()));
        values.put(":now", AttributeValue.fromN(Long.toString(now.toEpochMilli())));
        return values;
    }

    private static Map<String, AttributeValue> key(String queue, String group, String sortKey) {
        return Map.of("pk", s(FailureRecord.partitionKey(queue, group)), "sk", s(sortKey));
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
        return storedFromItem(item, true);
    }

    /**
     * A stored record; a body kept in S3 is fetched only when fetchBody is true, else the record's body is null and
     * {@link StoredFailure#bodyRef()} says where it is (see {@link #body(StoredFailure)}).
     */
    StoredFailure storedFromItem(Map<String, AttributeValue> item, boolean fetchBody) {
        String status = str(item, "status");
        String changedAt = str(item, "statusChangedAt");
        String bodyRef = str(item, "bodyRef");
        String body = str(item, "body");
        StoredFailure.BodyState state = StoredFailure.BodyState.WHOLE;
        if (bodyRef != null) {
            Integer bytes = item.containsKey("bodySize") ? Integer.valueOf(item.get("bodySize").n()) : null;
            body = fetchBody ? getBody(bodyRef) : null;
            state = new StoredFailure.BodyState(bytes, str(item, "bodyPreview"),
                    fetchBody && body == null ? goneBody(bodyRef) : null);
        }
        return new StoredFailure(fromItem(item, body), status == null ? FailureStatus.OPEN : FailureStatus.valueOf(status),
                changedAt == null ? null : Instant.parse(changedAt), str(item, "replayMessageId"), bodyRef, str(item, "storeNote"),
                str(item, "discardReason"),
                item.containsKey(EXPIRES_AT) ? Instant.ofEpochSecond(Long.parseLong(item.get(EXPIRES_AT).n())) : null, state);
    }

    /**
     * The record with its body read from S3 if it was not (a record read without it), or with its body's absence
     * named when the object is gone.
     */
    public StoredFailure body(StoredFailure entry) {
        if (entry.bodyRef() == null || entry.record().body() != null || entry.body().missing() != null) {
            return entry;
        }
        String body = getBody(entry.bodyRef());
        FailureRecord r = entry.record();
        FailureRecord withBody = new FailureRecord(r.queue(), r.group(), r.sequence(), r.messageId(), body, r.failureClass(),
                r.reason(), r.httpStatus(), r.answer(), r.receiveCount(), r.firstReceivedAt(), r.recordedAt(),
                r.idempotencyKey(), r.recordIndex());
        return new StoredFailure(withBody, entry.status(), entry.statusChangedAt(), entry.replayMessageId(), entry.bodyRef(),
                entry.storeNote(), entry.discardReason(), entry.expiresAt(), new StoredFailure.BodyState(entry.body().bytes(),
                entry.body().preview(), body == null ? goneBody(entry.bodyRef()) : null));
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
