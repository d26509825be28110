package dev.sqsrouter.failure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.sqsrouter.sqs.SqsMessage;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.aws2.ddb.Ddb2Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ExpectedAttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The failure channel: the routes every failure record is written through (the relay's and the S3 events' parkings,
 * the dead-letter archiver), with aws2-ddb's PutItem on the app's DynamoDbClient.
 * <ul>
 * <li>{@value #URI} (route {@value #ROUTE_ID}) takes a {@link FailureRecord} as its body and answers true if it wrote
 * it, false if the record was there already. What it cannot write is thrown back to the caller (no error handler of
 * its own), so the consumer keeps the message in SQS: nothing is deleted without a durable record.</li>
 * <li>{@value #WRITE_URI} (route {@value #WRITE_ROUTE_ID}) writes one item with the condition that the key is new
 * (the legacy Expected parameter: pk must not exist), so that a redelivery never makes a second record; DynamoDB's
 * "condition failed" counts as "recorded already".</li>
 * <li>{@value #NOTE_URI} (route {@value #NOTE_ROUTE_ID}) notes a redelivered FIFO message's source sequence (see
 * {@link FailureQueries#sourceSequence}).</li>
 * </ul>
 * A body larger than the threshold is kept whole in S3 first (same key, same bytes on every delivery), then the item
 * that points to it ({@code bodyRef}), so that no item ever points to an object that is not there. DynamoDB's
 * ValidationException (an item over 400 KB, an attribute over its limit) is the same on every attempt: it is answered
 * with a reduced record (the body in S3 whatever its size, reason and answer cut to
 * {@value FailureRecords#REDUCED_TEXT_CHARS} characters, a note of what DynamoDB said); only if that is refused as well
 * (or no bucket is configured) is {@link FailureStorePermanentException} thrown, logged as an error. Everything else
 * (a missing table or bucket, access denied, throttling, 5xx, timeouts) may change and is a
 * {@link FailureStoreException}, retried by the consumer. The one SDK call of the channel, that body's S3 PutObject,
 * is {@link FailureBodies}'s. Items are made by {@link FailureRecords}.
 */
public class FailureChannel extends RouteBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(FailureChannel.class);

    public static final String URI = "direct:failure-channel";
    public static final String ROUTE_ID = "failure-channel";
    public static final String WRITE_URI = "direct:failure-record-write";
    public static final String WRITE_ROUTE_ID = "failure-record-write";
    public static final String NOTE_URI = "direct:sequence-note";
    public static final String NOTE_ROUTE_ID = "sequence-note";
    /**
     * Where a newly written record goes for alerting (routes/failure-alerts.yaml): a bounded in-memory queue that drops
     * what it cannot hold, and what nobody consumes (alerts.enabled=false).
     */
    public static final String ALERTS_URI = "seda:failure-alerts?size=1000&discardWhenFull=true&discardIfNoConsumers=true";

    private static final String RECORD = "sqsrouter.failure.record";
    private static final String REDUCED = "sqsrouter.failure.reduced";
    private static final String BODY_REF = "sqsrouter.failure.bodyRef";
    private static final String OUTCOME = "sqsrouter.failure.outcome";
    private static final String REFUSAL = "sqsrouter.failure.refusal";
    private static final String CAUGHT_BEFORE = "sqsrouter.failure.caughtBefore";

    /** What one write did. */
    enum Outcome { WRITTEN, RECORDED_ALREADY, REFUSED_FOR_GOOD }

    private final String table;
    private final String bodyBucket;
    private final int largeBodyThresholdBytes;
    private S3Client s3;
    private FailureBodies bodies;
    private FailureCounters counters;

    /**
     * A channel into the table that keeps bodies of more than largeBodyThresholdBytes (UTF-8) in the S3 bucket
     * bodyBucket (0 = every body); bodyBucket blank: every body in its item.
     */
    public FailureChannel(String table, String bodyBucket, int largeBodyThresholdBytes) {
        if (largeBodyThresholdBytes < 0 || largeBodyThresholdBytes > FailureBodies.MAX_LARGE_BODY_THRESHOLD_BYTES) {
            throw new IllegalArgumentException("failures.large-body-threshold-bytes must be between 0 and "
                    + FailureBodies.MAX_LARGE_BODY_THRESHOLD_BYTES + " (a DynamoDB item holds 400 KB), not " + largeBodyThresholdBytes);
        }
        if (table == null || table.isBlank()) {
            throw new IllegalArgumentException("failures.table is empty: the failure channel needs the DynamoDB table to write to");
        }
        this.table = table.trim();
        this.bodyBucket = bodyBucket == null || bodyBucket.isBlank() ? null : bodyBucket.trim();
        this.largeBodyThresholdBytes = largeBodyThresholdBytes;
    }

    @Override
    public void configure() {
        if (bodyBucket != null) {
            s3 = getContext().getRegistry().lookupByNameAndType("s3Client", S3Client.class);
            if (s3 == null) {
                throw new IllegalStateException("failures.large-body-bucket is " + bodyBucket + " but the registry has no s3Client");
            }
        }
        DynamoDbClient dynamoDb = getContext().getRegistry().lookupByNameAndType("dynamoDbClient", DynamoDbClient.class);
        if (dynamoDb == null) {
            throw new IllegalStateException("the failure channel needs the registry's dynamoDbClient");
        }
        counters = new FailureCounters(dynamoDb, table);
        bodies = new FailureBodies(s3, table);
        // the app's client (endpoint overrides, timeouts); no DescribeTable at start: the app never creates a table
        String putItem = "aws2-ddb:" + table + "?operation=PutItem&amazonDDBClient=#dynamoDbClient&enabledInitialDescribeTable=false";

        from(URI).routeId(ROUTE_ID)
                // what fails here goes back to the caller, whose consumer keeps the message in SQS
                .errorHandler(noErrorHandler())
                // SQS message attributes arrive as headers: none may steer the writes (CamelAwsDdbTableName, ...)
                .removeHeaders("*")
                .process(this::accept).id("accept-record")
                .to(WRITE_URI).id("write-record")
                .filter(exchangeProperty(OUTCOME).isEqualTo(Outcome.REFUSED_FOR_GOOD))
                    .process(this::reduce).id("reduce-record")
                    .to(WRITE_URI).id("write-reduced-record")
                .end()
                .process(this::countOpen).id("count-open-record")
                .process(this::recorded).id("recorded")
                // a record written now, not one a redelivery found there, raises an alert: a copy, sent on the wire
                // tap's thread to a bounded queue; never waited for, and the consumer's on-completions stay here
                .filter(body().isEqualTo(true))
                    .wireTap(ALERTS_URI).onPrepare(tap -> tap.getMessage().setBody(tap.getProperty(RECORD))).id("alert-new-failure")
                .end();

        from(WRITE_URI).routeId(WRITE_ROUTE_ID)
                .errorHandler(noErrorHandler())
                .doTry()
                    .process(this::keepBodyInS3).id("keep-body-in-s3")
                    .process(this::recordItem).id("record-item")
                    .to(putItem).id("put-failure-record")
                    .setProperty(OUTCOME, constant(Outcome.WRITTEN))
                .doCatch(ConditionalCheckFailedException.class)
                    // the key is there: a redelivery of a message parked before (its delete did not happen)
                    .setProperty(OUTCOME, constant(Outcome.RECORDED_ALREADY))
                // no onWhen here: on a doTry it would apply to every doCatch before it
                .doCatch(SdkException.class)
                    .process(this::refusedOrNotTaken)
                .end();

        from(NOTE_URI).routeId(NOTE_ROUTE_ID)
                .errorHandler(noErrorHandler())
                // first deliveries, the usual case, cost nothing
                .filter(FailureChannel::isFifoRedelivery)
                    .removeHeaders("CamelAwsDdb*")
                    .process(FailureChannel::sequenceNoteItem).id("sequence-note-item")
                    .to(putItem).id("put-sequence-note")
                    .removeHeaders("CamelAwsDdb*")
                .end();
    }

    private void accept(Exchange exchange) throws Exception {
        FailureRecord record = exchange.getMessage().getMandatoryBody(FailureRecord.class);
        exchange.setProperty(RECORD, record);
        exchange.setProperty(REDUCED, false);
        exchange.removeProperty(BODY_REF);
        // doCatch overwrites it; the consumer reads it to tell a parked message from a clean success
        exchange.setProperty(CAUGHT_BEFORE, exchange.getProperty(Exchange.EXCEPTION_CAUGHT));
    }

    private void reduce(Exchange exchange) {
        exchange.setProperty(REDUCED, true);
    }

    /** Writes the body to S3 when its item cannot hold it: over the threshold, or for a reduced record. */
    private void keepBodyInS3(Exchange exchange) {
        FailureRecord record = exchange.getProperty(RECORD, FailureRecord.class);
        if (record.body() == null || s3 == null || exchange.getProperty(BODY_REF) != null) {
            return;
        }
        byte[] body = record.body().getBytes(StandardCharsets.UTF_8);
        if (body.length <= largeBodyThresholdBytes && !exchange.getProperty(REDUCED, false, Boolean.class)) {
            return;
        }
        exchange.setProperty(BODY_REF, bodies.put(bodyBucket, record, body));
    }

    /** The item and its condition, as aws2-ddb's PutItem takes them. */
    private void recordItem(Exchange exchange) {
        FailureRecord record = exchange.getProperty(RECORD, FailureRecord.class);
        String bodyRef = exchange.getProperty(BODY_REF, String.class);
        boolean reduced = exchange.getProperty(REDUCED, false, Boolean.class);
        Map<String, AttributeValue> item = FailureRecords.item(record, bodyRef,
                reduced ? FailureRecords.REDUCED_TEXT_CHARS : FailureRecords.MAX_REASON_CHARS,
                reduced ? FailureRecords.REDUCED_TEXT_CHARS : FailureRecords.MAX_ANSWER_CHARS);
        if (reduced) {
            item.put("storeNote", AttributeValue.fromS(FailureRecords.truncate("DynamoDB refused the full record ("
                    + why(exchange.getProperty(REFUSAL, DynamoDbException.class)) + "): written reduced, reason and answer cut to "
                    + FailureRecords.REDUCED_TEXT_CHARS + " characters" + (bodyRef != null ? ", body in " + bodyRef : ""),
                    FailureRecords.REDUCED_TEXT_CHARS)));
        }
        exchange.getMessage().setHeader(Ddb2Constants.ITEM, item);
        // written once: a second write for the same key (a redelivery) fails the condition
        exchange.getMessage().setHeader(Ddb2Constants.UPDATE_CONDITION,
                Map.of("pk", ExpectedAttributeValue.builder().exists(false).build()));
    }

    /** A refusal for good is noted, for a reduced record to follow; anything else may change and is retried. */
    private void refusedOrNotTaken(Exchange exchange) {
        FailureRecord record = exchange.getProperty(RECORD, FailureRecord.class);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (cause instanceof DynamoDbException refused && isPermanent(refused)) {
            exchange.setProperty(OUTCOME, Outcome.REFUSED_FOR_GOOD);
            exchange.setProperty(REFUSAL, refused);
            return;
        }
        throw new FailureStoreException("failure store " + table + " did not take the record of message "
                + record.messageId() + " (" + record.partitionKey() + "); it stays in SQS", cause);
    }

    /**
     * A record written now, or found written by an earlier delivery, goes into its open counter, once (see
     * {@link FailureCounters}: the SDK's TransactWriteItems, which aws2-ddb does not offer). If this fails the message
     * stays in SQS, and its redelivery counts the record it finds.
     */
    private void countOpen(Exchange exchange) {
        Outcome outcome = exchange.getProperty(OUTCOME, Outcome.class);
        if (outcome == Outcome.WRITTEN || outcome == Outcome.RECORDED_ALREADY) {
            counters.countWritten(exchange.getProperty(RECORD, FailureRecord.class));
        }
    }

    /** The end of the channel: the answer (written or not), or the permanent refusal. */
    private void recorded(Exchange exchange) {
        FailureRecord record = exchange.getProperty(RECORD, FailureRecord.class);
        Outcome outcome = exchange.getProperty(OUTCOME, Outcome.class);
        boolean reduced = exchange.getProperty(REDUCED, false, Boolean.class);
        if (outcome == Outcome.REFUSED_FOR_GOOD) {
            String why = why(exchange.getProperty(REFUSAL, DynamoDbException.class));
            DynamoDbException refusal = exchange.getProperty(REFUSAL, DynamoDbException.class);
            LOG.error("failure store {}: DynamoDB refuses the record of message {} ({} / {}) for good, reduced as well{}: {};"
                            + " the message stays in SQS until an operator records it", table, record.messageId(),
                    record.partitionKey(), record.sortKey(),
                    s3 == null ? " (no failures.large-body-bucket to keep the body in)" : "", why, refusal);
            throw new FailureStorePermanentException("failure store " + table + " refuses the record of message "
                    + record.messageId() + " (" + record.partitionKey() + ") for good, reduced as well: " + why
                    + "; it stays in SQS", refusal);
        }
        if (reduced && outcome == Outcome.WRITTEN) {
            LOG.warn("failure store {}: DynamoDB refused the record of message {} ({} / {}) for good ({}); a reduced record"
                            + " was written{}", table, record.messageId(), record.partitionKey(), record.sortKey(),
                    why(exchange.getProperty(REFUSAL, DynamoDbException.class)),
                    exchange.getProperty(BODY_REF) != null ? " with the whole body in " + exchange.getProperty(BODY_REF) : "");
        } else if (outcome == Outcome.RECORDED_ALREADY) {
            LOG.info("failure store {}: the record of message {} ({} / {}) was there already (an earlier delivery wrote it)",
                    table, record.messageId(), record.partitionKey(), record.sortKey());
        }
        if (outcome == Outcome.WRITTEN) {
            FailureRecordedListener.notifyAll(exchange.getContext(), record);
        }
        Object caughtBefore = exchange.getProperty(CAUGHT_BEFORE);
        if (caughtBefore != null) {
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, caughtBefore);
        } else {
            exchange.removeProperty(Exchange.EXCEPTION_CAUGHT);
        }
        exchange.removeProperty(CAUGHT_BEFORE);
        exchange.getMessage().removeHeaders("CamelAwsDdb*");
        exchange.getMessage().setBody(outcome == Outcome.WRITTEN);
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

    private static String why(DynamoDbException refused) {
        if (refused == null) {
            return "refused";
        }
        return refused.awsErrorDetails() != null && refused.awsErrorDetails().errorMessage() != null
                ? refused.awsErrorDetails().errorMessage() : refused.getMessage();
    }

    /**
     * A FIFO message delivered again: its source sequence is noted, again on each redelivery (the write is
     * idempotent), in case SQS redrives it later.
     */
    static boolean isFifoRedelivery(Exchange exchange) {
        SqsMessage message = exchange.getProperty(SqsMessage.PROPERTY, SqsMessage.class);
        return message != null && message.sequence() != null && message.receiveCount() >= 2;
    }

    private static void sequenceNoteItem(Exchange exchange) {
        SqsMessage message = SqsMessage.of(exchange);
        // for a TTL on the table: a note outlives any message's retention (14 days)
        exchange.getMessage().setHeader(Ddb2Constants.ITEM, FailureRecords.noteItem(message.queue(), message.messageId(),
                message.sequence(), Instant.now().plus(Duration.ofDays(15))));
    }
}
