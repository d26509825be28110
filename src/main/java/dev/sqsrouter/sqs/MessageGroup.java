package dev.sqsrouter.sqs;

import java.util.List;

import org.apache.camel.Exchange;

/**
 * One unit of a received batch that runs in order: the messages of one FIFO group in receive order, or one message of
 * a standard queue.
 *
 * @param exchanges the received exchanges, in receive order
 * @param messages  what was captured of each, in the same order
 */
record MessageGroup(List<Exchange> exchanges, List<SqsMessage> messages) {

    /** The MessageGroupId of a FIFO group, or the message id of a standard queue's message. */
    String key() {
        return messages.get(0).orderingKey();
    }

    boolean isFifo() {
        return messages.get(0).groupId() != null;
    }
}
