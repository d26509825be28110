package dev.sqsrouter.sqs;

import java.time.Instant;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * What the app knows of one received SQS message, captured once at receive time so that later steps may strip
 * every header before calling out.
 *
 * @param groupId        the FIFO MessageGroupId, or null on a standard queue
 * @param sequence       the FIFO SequenceNumber, or null on a standard queue
 * @param idempotencyKey the Idempotency-Key of every call made for this message: the message attribute
 *                       {@value #IDEMPOTENCY_KEY_ATTRIBUTE} when it has a non-blank one (a client's key, or the key of
 *                       the message a replay copies), else the SQS message id; the same for every delivery of it
 */
public record SqsMessage(String queue, String messageId, String receiptHandle, String groupId, String sequence,
        int receiveCount, Instant firstReceivedAt, Instant sentAt, String body, String deadLetterQueue,
        String idempotencyKey) {

    /** Exchange property under which the consumer stores the message. */
    public static final String PROPERTY = "sqsrouter.message";
    /** Exchange property holding {@link #idempotencyKey()} as a plain string, for routes to read without a method call. */
    public static final String IDEMPOTENCY_KEY_PROPERTY = "sqsrouter.idempotencyKey";

    /**
     * The String message attribute that carries a message's idempotency key from the ingress, the dead-letter queue
     * and a replay to the relay, so that every delivery of one logical message calls the response server with the
     * same key.
     */
    public static final String IDEMPOTENCY_KEY_ATTRIBUTE = "sqsrouter-idempotency-key";

    /** A message without a key of its own: the SQS message id is its key. */
    public SqsMessage(String queue, String messageId, String receiptHandle, String groupId, String sequence,
            int receiveCount, Instant firstReceivedAt, Instant sentAt, String body, String deadLetterQueue) {
        this(queue, messageId, receiptHandle, groupId, sequence, receiveCount, firstReceivedAt, sentAt, body,
                deadLetterQueue, messageId);
    }

    /** Messages with the same key are processed one after another, in receive order. */
    public String orderingKey() {
        return groupId != null ? groupId : messageId;
    }

    public static SqsMessage of(Exchange exchange) {
        SqsMessage message = exchange.getProperty(PROPERTY, SqsMessage.class);
        if (message == null) {
            throw new IllegalStateException("exchange " + exchange.getExchangeId() + " did not come from an sqs-ordered consumer");
        }
        return message;
    }

    static SqsMessage capture(Exchange exchange, String queue) {
        var in = exchange.getMessage();
        @SuppressWarnings("unchecked")
        Map<MessageSystemAttributeName, String> attributes = in.getHeader(Sqs2Constants.ATTRIBUTES, Map.class);
        if (attributes == null) {
            attributes = Map.of();
        }
        String messageId = in.getHeader(Sqs2Constants.MESSAGE_ID, String.class);
        return new SqsMessage(queue,
                messageId,
                in.getHeader(Sqs2Constants.RECEIPT_HANDLE, String.class),
                attributes.get(MessageSystemAttributeName.MESSAGE_GROUP_ID),
                attributes.get(MessageSystemAttributeName.SEQUENCE_NUMBER),
                parseInt(attributes.get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT), 1),
                epochMillis(attributes.get(MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP)),
                epochMillis(attributes.get(MessageSystemAttributeName.SENT_TIMESTAMP)),
                in.getBody(String.class),
                // nothing is sent to a dead-letter queue by the app any more: SQS alone redrives there
                null,
                idempotencyKey(in.getHeader(Sqs2Constants.MESSAGE_ATTRIBUTES, Map.class), messageId));
    }

    /** The {@value #IDEMPOTENCY_KEY_ATTRIBUTE} attribute when it is a non-blank String, else the message id. */
    static String idempotencyKey(Map<?, ?> messageAttributes, String messageId) {
        Object value = messageAttributes == null ? null : messageAttributes.get(IDEMPOTENCY_KEY_ATTRIBUTE);
        String key = value instanceof MessageAttributeValue attribute ? attribute.stringValue()
                : value instanceof String text ? text : null;
        return key != null && !key.isBlank() ? key : messageId;
    }

    private static int parseInt(String value, int fallback) {
        try {
            return value == null ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static Instant epochMillis(String value) {
        try {
            return value == null ? null : Instant.ofEpochMilli(Long.parseLong(value));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
