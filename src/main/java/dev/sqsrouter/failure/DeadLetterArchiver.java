package dev.sqsrouter.failure;

import dev.sqsrouter.sqs.SqsMessage;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Drains a dead-letter queue into the failure store, so that an administrator finds every failed message in one
 * place. What this app parked itself is recorded already (the conditional write makes the second write a no-op);
 * what SQS's redrive moved there after maxReceiveCount is recorded as REDRIVEN under its source queue and group.
 * Either way the record keeps the idempotency key the response server saw, for a replay to send again.
 */
public class DeadLetterArchiver {

    /** Exchange property naming the queue whose dead-letter queue this is. */
    public static final String SOURCE_QUEUE = "sqsrouter.sourceQueue";

    private final FailureStore store;
    private final Clock clock;

    public DeadLetterArchiver(FailureStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public void archive(Exchange exchange) {
        SqsMessage message = SqsMessage.of(exchange);
        @SuppressWarnings("unchecked")
        Map<String, MessageAttributeValue> attributes
                = exchange.getMessage().getHeader(Sqs2Constants.MESSAGE_ATTRIBUTES, Map.of(), Map.class);
        String sourceQueue = exchange.getProperty(SOURCE_QUEUE, String.class);
        MessageAttributeValue parkedFrom = attributes.get(FailureParking.SOURCE_MESSAGE_ID);
        FailureRecord record;
        if (parkedFrom != null) {
            // parked by the relay: the record was written before this message was sent; write it again only if missing
            String sequence = attributes.get(FailureParking.SOURCE_SEQUENCE).stringValue();
            MessageAttributeValue reason = attributes.get(FailureParking.FAILURE_REASON);
            record = new FailureRecord(attributes.get(FailureParking.SOURCE_QUEUE).stringValue(), message.groupId(),
                    "-".equals(sequence) ? null : sequence, parkedFrom.stringValue(), message.body(), FailureClass.BUSINESS,
                    reason == null ? "parked by the relay" : reason.stringValue(), null, null, message.receiveCount(),
                    message.firstReceivedAt(), Instant.now(clock),
                    // the relay copies the source's key onto what it parks; without that attribute the source id was it
                    attributes.containsKey(SqsMessage.IDEMPOTENCY_KEY_ATTRIBUTE) ? message.idempotencyKey() : parkedFrom.stringValue(),
                    null);
        } else {
            String queue = sourceQueue != null ? sourceQueue : message.queue();
            // on AWS the dead-letter queue numbers the message anew: sort it by its sequence in the source queue
            String sequence = message.sequence() == null ? null
                    : store.sourceSequence(queue, message.messageId()).orElse(message.sequence());
            record = new FailureRecord(queue, message.groupId(),
                    sequence, message.messageId(), message.body(), FailureClass.REDRIVEN,
                    "moved to the dead-letter queue " + message.queue() + " by SQS redrive after repeated failed deliveries",
                    null, null, message.receiveCount(), message.firstReceivedAt(), Instant.now(clock),
                    // SQS redrive moves the message itself: same message id, same attributes, so the same key
                    message.idempotencyKey(), null);
        }
        store.record(record);
    }
}
