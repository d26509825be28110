package dev.sqsrouter.failure;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The DynamoDB table an administrator works from, every failed message in it (the bean {@code failureStore}): what the
 * flows, the archiver, the admin API and the queue watch ask of it, in one place. Records are written through the
 * failure channel route ({@link FailureChannel}: aws2-ddb's conditional PutItem, so that a redelivered message never
 * makes a second record); the rest is done by its parts: {@link FailureQueries} reads, {@link FailureClaims} moves a
 * record's status by conditional updates, {@link FailureBodies} keeps bodies too large for an item in S3, and
 * {@link FailureRecords} maps records to the table's items.
 */
public class FailureStore {

    /** How long a replayed or discarded record stays by default (failures.retention-days). */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);

    private final String table;
    private final ProducerTemplate channel;
    private final FailureBodies bodies;
    private final FailureQueries queries;
    private final FailureClaims claims;

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
        this.claims = new FailureClaims(dynamoDb, table, retention);
        this.table = table;
        this.channel = channel;
        this.bodies = new FailureBodies(s3, table);
        this.queries = new FailureQueries(dynamoDb, table, bodies, new FailureCounters(dynamoDb, table));
    }

    public String table() {
        return table;
    }

    /** How long a record stays once it left OPEN. */
    public Duration retention() {
        return claims.retention();
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

    /** The records of one queue and group, in sequence order, all of them at once (tests; small groups). */
    public List<FailureRecord> list(String queue, String group) {
        return entries(queue, group).stream().map(StoredFailure::record).toList();
    }

    /** See {@link FailureQueries#entries}. */
    public List<StoredFailure> entries(String queue, String group) {
        return queries.entries(queue, group);
    }

    /** One page of a group's records in sequence order: see {@link FailureQueries#group}. */
    public FailurePage<StoredFailure> group(String queue, String group, String cursor, int limit) {
        return queries.group(queue, group, cursor, limit);
    }

    /** A group's OPEN records, page by page, for a replay: see {@link FailureQueries#openPages}. */
    public Iterable<List<StoredFailure>> openPages(String queue, String group, int pageSize) {
        return queries.openPages(queue, group, pageSize);
    }

    /** One page of the records the filter selects, newest first: see {@link FailureQueries#list}. */
    public FailurePage<FailureSummary> list(FailureFilter filter, String cursor, int limit) {
        return queries.list(filter, cursor, limit);
    }

    /** The open records per SQS queue name and failure class, from the counters. */
    public Map<String, Map<String, Long>> openCounts() {
        return queries.openCounts();
    }

    /** The records of a status per SQS queue name and failure class: see {@link FailureQueries#counts}. */
    public Map<String, Map<String, Long>> counts(FailureStatus status) {
        return queries.counts(status);
    }

    /** One record by its sort key (see {@link FailureRecords#sortKeyOf(String)}), its body read whole. */
    public Optional<StoredFailure> find(String queue, String group, String sortKey) {
        return queries.find(queue, group, sortKey);
    }

    /** The source sequence noted for a message of a queue, if any: see {@link FailureQueries#sourceSequence}. */
    public Optional<String> sourceSequence(String queue, String messageId) {
        return queries.sourceSequence(queue, messageId);
    }

    /** The record with its body read from S3 if it was not: see {@link FailureBodies#withBody}. */
    public StoredFailure body(StoredFailure entry) {
        return bodies.withBody(entry);
    }

    /** Claims a record for a replay before it is sent: see {@link FailureClaims#claim}. */
    public FailureClaims.Claim claim(FailureRecord record, String claimId, Instant now, Duration lease) {
        return claims.claim(record, claimId, now, lease);
    }

    /** The status of a record, if there is one (no body read). */
    public Optional<FailureStatus> status(String queue, String group, String sortKey) {
        return claims.status(queue, group, sortKey);
    }

    /** Marks a record this replay claimed REPLAYED, noting the message id of the copy that was sent. */
    public FailureClaims.Transition markReplayed(FailureRecord record, String claimId, String replayMessageId, Instant at) {
        return claims.markReplayed(record, claimId, replayMessageId, at);
    }

    /** Gives a claimed record back (its send failed): OPEN again, for the next replay. */
    public FailureClaims.Transition release(FailureRecord record, String claimId) {
        return claims.release(record, claimId);
    }

    /** Marks an OPEN record (or one whose replay's lease ran out) DISCARDED, with the administrator's reason. */
    public FailureClaims.Transition discard(String queue, String group, String sortKey, String reason, Instant at) {
        return claims.discard(queue, group, sortKey, reason, at);
    }
}
