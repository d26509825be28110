package dev.sqsrouter.failure;

import dev.sqsrouter.sqs.OrderedSqsConsumer;
import dev.sqsrouter.sqs.SqsMessage;
import java.time.Clock;
import java.time.Instant;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * Turns a message that must not be retried into its failure record, for the failure channel
 * ({@value FailureChannel#URI}) to write once. A business failure is parked there only: the dead-letter queue holds
 * what SQS redrives, nothing this app sends. The record's key comes from the message (its sequence, or its first
 * receive time and id), so every delivery of one message makes the same key and the channel's condition keeps one.
 */
public class FailureParking {

    private final Clock clock;

    public FailureParking(Clock clock) {
        this.clock = clock;
    }

    /** The target refused the message: a BUSINESS record with its status and answer. */
    public FailureRecord businessFailure(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        SqsMessage message = SqsMessage.of(exchange);
        if (cause instanceof BusinessFailureException business) {
            return record(message, FailureClass.BUSINESS, business.getMessage(), business.httpStatus(), business.answer());
        }
        if (cause instanceof HttpOperationFailedException http) {
            return record(message, FailureClass.BUSINESS, "response server answered HTTP " + http.getStatusCode(),
                    http.getStatusCode(), http.getResponseBody());
        }
        throw new IllegalStateException("not a business failure: " + cause, cause);
    }

    /** The message kept failing transiently while the target answered others: a POISON record. */
    public FailureRecord poison(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        SqsMessage message = SqsMessage.of(exchange);
        Integer status = cause instanceof HttpOperationFailedException http ? http.getStatusCode() : null;
        String answer = cause instanceof HttpOperationFailedException http ? http.getResponseBody() : null;
        int attempts = exchange.getProperty(OrderedSqsConsumer.ATTEMPT, 1, Integer.class);
        String reason = attempts + " attempts failed while the target answered other messages; last: "
                + (status != null ? "HTTP " + status : String.valueOf(cause));
        return record(message, FailureClass.POISON, reason, status, answer);
    }

    /** The message cannot be understood: a MALFORMED record with the raw body and the reason. */
    public FailureRecord malformed(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        SqsMessage message = SqsMessage.of(exchange);
        return record(message, FailureClass.MALFORMED, cause == null ? "malformed message" : cause.getMessage(), null, null);
    }

    FailureRecord record(SqsMessage message, FailureClass failureClass, String reason, Integer status, String answer) {
        return new FailureRecord(message.queue(), message.groupId(), message.sequence(), message.messageId(), message.body(),
                failureClass, reason, status, answer, message.receiveCount(), message.firstReceivedAt(), Instant.now(clock),
                message.idempotencyKey(), null);
    }
}
