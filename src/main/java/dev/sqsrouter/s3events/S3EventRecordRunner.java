package dev.sqsrouter.s3events;

import java.time.Clock;
import java.time.Instant;

import dev.sqsrouter.failure.FailureClass;
import dev.sqsrouter.failure.FailureRecord;
import dev.sqsrouter.failure.FailureStore;
import dev.sqsrouter.failure.BusinessFailureException;
import dev.sqsrouter.failure.FailurePolicy;
import dev.sqsrouter.sqs.SqsMessage;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one record of an S3 event message through the queue's processor, a route that consumes
 * {@code direct:<processor>} (routes/s3-record-thumbnail.yaml, routes/s3-record-audit.yaml), and gives the record its
 * own outcome, so that the records of one message are independent:
 * <ul>
 * <li>a refusal (a {@link BusinessFailureException}: an object gone, too large, not an image, status_code != 200;
 * or an HTTP 3xx/4xx other than 408/429) parks this record alone in the failure store and returns normally, so the
 * split goes on with the next record and the message is deleted once every record has run. The failure record's
 * body is an S3 event of this record alone (see {@link S3EventParser#recordEvent}), its key the message's plus the
 * record's index: two refused records of one message make two records, a redelivery none more;</li>
 * <li>anything else is thrown as it is: the route's failure policy (failure-policy) retries it, then leaves
 * it on the exchange, and the whole message stays in SQS. Records done already are done again on the next delivery,
 * which the processors make harmless (the audit's Idempotency-Key; a thumbnail is written again identically).</li>
 * </ul>
 * The processor route runs on this exchange (the split's copy for the record) under {@link S3RecordProcessorPolicy}:
 * no error handler of its own, so that what fails reaches this runner as thrown. Why Java and not a doTry/doCatch in
 * the route template: what counts as a refusal is the relay's outcome table, which lives in Java, and a doTry block
 * is its own error handler, so transient failures inside it would lose the failure policy's retries and its
 * poison-message parking. The route template declares one runner per queue, with the queue's processor.
 */
public class S3EventRecordRunner {

    private static final Logger LOG = LoggerFactory.getLogger(S3EventRecordRunner.class);

    private String processor;
    private FailureStore failureStore;
    private final S3EventParser parser = new S3EventParser();
    private final Clock clock = Clock.systemUTC();
    private volatile AsyncProducer processorRoute;

    public S3EventRecordRunner() {
    }

    /** @param processor the processor's name: its route consumes direct:&lt;processor&gt; */
    public S3EventRecordRunner(String processor, FailureStore failureStore) {
        this.processor = processor;
        this.failureStore = failureStore;
    }

    /** Processes the record in the body; parks it if it is refused; throws what must keep the message in SQS. */
    @Handler
    public void run(Exchange exchange) throws Exception {
        S3EventRecord record = exchange.getMessage().getMandatoryBody(S3EventRecord.class);
        processorRoute(exchange.getContext()).process(exchange);
        // a processor route that ends early (stop: a record it skips) ends this record, not the message's split
        exchange.setRouteStop(false);
        Exception failure = exchange.getException();
        if (failure == null) {
            return;
        }
        exchange.setException(null);
        BusinessFailureException refusal = refusal(failure);
        if (refusal == null) {
            throw failure;
        }
        park(exchange, record, refusal);
    }

    /** The producer of direct:&lt;processor&gt;, made once and stopped with the context. */
    private AsyncProducer processorRoute(CamelContext context) throws Exception {
        AsyncProducer route = processorRoute;
        if (route == null) {
            synchronized (this) {
                route = processorRoute;
                if (route == null) {
                    route = context.getEndpoint(endpointUri(processor)).createAsyncProducer();
                    context.addService(route, true, true);
                    processorRoute = route;
                }
            }
        }
        return route;
    }

    /** The endpoint a processor's route consumes. */
    public static String endpointUri(String processor) {
        if (processor == null || processor.isBlank()) {
            throw new IllegalArgumentException("the s3-event-queue route has no processor: set s3events.queues.<name>.processor"
                    + " (thumbnail, audit)");
        }
        return "direct:" + processor.trim();
    }

    /**
     * The refusal an exception is, or null if it is not one. 3xx and 4xx other than 408 and 429 refuse, as in the
     * relay's outcome table (FailurePolicy): the other two say "try again later".
     */
    static BusinessFailureException refusal(Exception e) {
        if (e instanceof BusinessFailureException business) {
            return business;
        }
        if (e instanceof HttpOperationFailedException http && FailurePolicy.isBusinessRefusal(http.getStatusCode())) {
            return new BusinessFailureException("response server answered HTTP " + http.getStatusCode(), http.getStatusCode(),
                    http.getResponseBody());
        }
        return null;
    }

    private void park(Exchange exchange, S3EventRecord record, BusinessFailureException refusal) {
        SqsMessage message = SqsMessage.of(exchange);
        Integer index = exchange.getProperty(Exchange.SPLIT_INDEX, Integer.class);
        String body = index != null ? parser.recordEvent(message.body(), index) : message.body();
        String reason = (index != null ? "Records[" + index + "] " : "") + "(" + record.location() + "): " + refusal.getMessage();
        boolean written = failureStore.record(new FailureRecord(message.queue(), message.groupId(), message.sequence(),
                message.messageId(), body, FailureClass.BUSINESS, reason, refusal.httpStatus(), refusal.answer(),
                message.receiveCount(), message.firstReceivedAt(), Instant.now(clock), record.idempotencyKey(), index));
        LOG.warn("{}: record {} of message {} parked{}: {}", exchange.getFromRouteId(), index, message.messageId(),
                written ? "" : " (recorded already by an earlier delivery)", reason);
    }

    public void setProcessor(String processor) {
        this.processor = processor;
    }

    public void setFailureStore(FailureStore failureStore) {
        this.failureStore = failureStore;
    }
}
