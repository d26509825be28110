package dev.sqsrouter.relay;

import java.time.Instant;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * What the app knows of one received SQS message, captured once at receive time so that later steps may strip
 * every header before calling out.
 *
 * @param groupId  the FIFO MessageGroupId, or null on a standard queue
 * @param sequence the FIFO SequenceNumber, or null on a standard queue
 */
public record SqsMessage(String queue, String messageId, String receiptHandle, String groupId, String sequence,
        int receiveCount, Instant firstReceivedAt, Instant sentAt, String body, String deadLetterQueue) {

    /** Exchange property under which the consumer stores the message. */
    public static final String PROPERTY = "sqsrouter.message";

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

    static SqsMessage capture(Exchange exchange, String queue, String deadLetterQueue) {
        var in = exchange.getMessage();
        @SuppressWarnings("unchecked")
        Map<MessageSystemAttributeName, String> attributes = in.getHeader(Sqs2Constants.ATTRIBUTES, Map.class);
        if (attributes == null) {
            attributes = Map.of();
        }
        return new SqsMessage(queue,
                in.getHeader(Sqs2Constants.MESSAGE_ID, String.class),
                in.getHeader(Sqs2Constants.RECEIPT_HANDLE, String.class),
                attributes.get(MessageSystemAttributeName.MESSAGE_GROUP_ID),
                attributes.get(MessageSystemAttributeName.SEQUENCE_NUMBER),
                parseInt(attributes.get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT), 1),
                epochMillis(attributes.get(MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP)),
                epochMillis(attributes.get(MessageSystemAttributeName.SENT_TIMESTAMP)),
                in.getBody(String.class),
                deadLetterQueue);
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
