package dev.sqsrouter.failure;

import dev.sqsrouter.relay.RelayContract;
import dev.sqsrouter.sqs.OrderedSqsConsumer;
import dev.sqsrouter.sqs.SqsMessage;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Parks a message that must not be retried: a failure-store record first, then (for business failures, where the
 * flow has one) the dead-letter queue with the same group. Both steps are idempotent (a conditional write, a
 * deduplication id), so a redelivery after a half-done parking finishes it without duplicates.
 */
public class FailureParking {

    /** Message attributes on what this app sends to a dead-letter queue, so the archiver knows it is recorded. */
    public static final String SOURCE_QUEUE = "sqsrouter-source-queue";
    public static final String SOURCE_MESSAGE_ID = "sqsrouter-source-message-id";
    public static final String SOURCE_SEQUENCE = "sqsrouter-source-sequence";
    public static final String FAILURE_REASON = "sqsrouter-failure-reason";

    private final FailureStore store;
    private final SqsClient sqs;
    private final Clock clock;
    private final Map<String, String> queueUrls = new ConcurrentHashMap<>();

    public FailureParking(FailureStore store, SqsClient sqs, Clock clock) {
        this.store = store;
        this.sqs = sqs;
        this.clock = clock;
    }

    /** The target refused the message: failure store, then the dead-letter queue. */
    public void parkBusinessFailure(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        SqsMessage message = SqsMessage.of(exchange);
        Integer status;
        String answer;
        String reason;
        if (cause instanceof BusinessFailureException business) {
            status = business.httpStatus();
            answer = business.answer();
            reason = business.getMessage();
        } else if (cause instanceof HttpOperationFailedException http) {
            status = http.getStatusCode();
            answer = http.getResponseBody();
            reason = "response server answered HTTP " + status;
        } else {
            throw new IllegalStateException("not a business failure: " + cause, cause);
        }
        store.record(record(message, FailureClass.BUSINESS, reason, status, answer));
        if (message.deadLetterQueue() != null && !message.deadLetterQueue().isBlank()) {
            String sent = exchange.getProperty(RelayContract.SENT_BODY, message.body(), String.class);
            sendToDeadLetterQueue(message, RelayContract.deadLetterBody(answer, sent), reason);
        }
    }

    /** The message kept failing transiently while the target answered others: failure store, no dead-letter queue. */
    public void parkPoison(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        SqsMessage message = SqsMessage.of(exchange);
        Integer status = cause instanceof HttpOperationFailedException http ? http.getStatusCode() : null;
        String answer = cause instanceof HttpOperationFailedException http ? http.getResponseBody() : null;
        int attempts = exchange.getProperty(OrderedSqsConsumer.ATTEMPT, 1, Integer.class);
        String reason = attempts + " attempts failed while the target answered other messages; last: "
                + (status != null ? "HTTP " + status : String.valueOf(cause));
        store.record(record(message, FailureClass.POISON, reason, status, answer));
    }

    /**
     * Before a FIFO message is delivered again, notes its sequence in the source queue (again on each redelivery: the write is idempotent): if SQS redrives it later, the
     * archiver records it under that sequence (see {@link FailureStore#noteSourceSequence}). First deliveries, the
     * usual case, cost nothing.
     */
    public void noteRedelivery(Exchange exchange) {
        SqsMessage message = SqsMessage.of(exchange);
        if (message.sequence() != null && message.receiveCount() >= 2) {
            store.noteSourceSequence(message.queue(), message.messageId(), message.sequence());
        }
    }

    /** The message cannot be understood: failure store with the raw body and the reason. */
    public void parkMalformed(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        SqsMessage message = SqsMessage.of(exchange);
        store.record(record(message, FailureClass.MALFORMED, cause == null ? "malformed message" : cause.getMessage(), null, null));
    }

    FailureRecord record(SqsMessage message, FailureClass failureClass, String reason, Integer status, String answer) {
        return new FailureRecord(message.queue(), message.groupId(), message.sequence(), message.messageId(), message.body(),
                failureClass, reason, status, answer, message.receiveCount(), message.firstReceivedAt(), Instant.now(clock),
                message.idempotencyKey(), null);
    }

    private void sendToDeadLetterQueue(SqsMessage message, String body, String reason) {
        String queue = message.deadLetterQueue();
        SendMessageRequest.Builder send = SendMessageRequest.builder()
                .messageBody(body)
                .messageAttributes(Map.of(
                        SqsMessage.IDEMPOTENCY_KEY_ATTRIBUTE, text(message.idempotencyKey()),
                        SOURCE_QUEUE, text(message.queue()),
                        SOURCE_MESSAGE_ID, text(message.messageId()),
                        SOURCE_SEQUENCE, text(message.sequence() != null ? message.sequence() : "-"),
                        FAILURE_REASON, text(reason.length() > 512 ? reason.substring(0, 512) : reason)));
        if (queue.endsWith(".fifo")) {
            // same group keeps the dead-letter queue in the source's order; the id makes a resend after a crash a no-op
            send.messageGroupId(message.groupId() != null ? message.groupId() : message.messageId())
                    .messageDeduplicationId(message.messageId());
        }
        try {
            String url = queueUrls.computeIfAbsent(queue, name -> sqs.getQueueUrl(b -> b.queueName(name)).queueUrl());
            sqs.sendMessage(send.queueUrl(url).build());
        } catch (SdkException e) {
            throw new FailureStoreException("dead-letter queue " + queue + " did not take message " + message.messageId()
                    + "; it stays in SQS", e);
        }
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
