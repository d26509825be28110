package dev.sqsrouter.failure;

import dev.sqsrouter.sqs.SqsMessage;
import java.time.Clock;
import java.time.Instant;

import org.apache.camel.Exchange;

/**
 * Turns what SQS redrove to a dead-letter queue (after maxReceiveCount deliveries) into a REDRIVEN record under its
 * source queue and group, for the failure channel to write: the dead-letter queue holds nothing else, since a business
 * failure is parked in the store alone. The record keeps the idempotency key the response server saw (redrive moves
 * the message itself, attributes and all), for a replay to send again.
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

    /** The REDRIVEN record of the message on the exchange. */
    public FailureRecord redriven(Exchange exchange) {
        SqsMessage message = SqsMessage.of(exchange);
        String sourceQueue = exchange.getProperty(SOURCE_QUEUE, String.class);
        String queue = sourceQueue != null ? sourceQueue : message.queue();
        // on AWS the dead-letter queue numbers the message anew: sort it by its sequence in the source queue
        String sequence = message.sequence() == null ? null
                : store.sourceSequence(queue, message.messageId()).orElse(message.sequence());
        return new FailureRecord(queue, message.groupId(), sequence, message.messageId(), message.body(),
                FailureClass.REDRIVEN,
                "moved to the dead-letter queue " + message.queue() + " by SQS redrive after repeated failed deliveries",
                null, null, message.receiveCount(), message.firstReceivedAt(), Instant.now(clock),
                message.idempotencyKey(), null);
    }
}
