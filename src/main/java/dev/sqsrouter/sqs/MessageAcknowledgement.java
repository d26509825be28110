package dev.sqsrouter.sqs;

import java.util.Collection;
import java.util.List;

/**
 * The acknowledgement part of one consumer: deletes the messages that are done and gives back those that are not,
 * through {@link SqsAcknowledger}, and with a {@link VisibilityHeartbeat} keeps every received message invisible
 * until its own acknowledgement. Without a heartbeat nothing holds a message in flight.
 */
final class MessageAcknowledgement {

    private final SqsAcknowledger acknowledger;
    private volatile VisibilityHeartbeat heartbeat;

    /** @param heartbeat the consumer's heartbeat, or null when it does not extend visibility */
    MessageAcknowledgement(SqsAcknowledger acknowledger, VisibilityHeartbeat heartbeat) {
        this.acknowledger = acknowledger;
        this.heartbeat = heartbeat;
    }

    /** Received messages: kept invisible from now on until their acknowledgement. */
    void received(Collection<SqsMessage> messages) {
        VisibilityHeartbeat current = heartbeat;
        if (current != null) {
            current.started(messages);
        }
    }

    /** True while a heartbeat keeps messages in flight, so that a failing one may be held and retried in place. */
    boolean holdsInFlight() {
        return heartbeat != null;
    }

    /** True while the message is received and neither deleted nor given back. */
    boolean isInFlight(SqsMessage message) {
        VisibilityHeartbeat current = heartbeat;
        return current != null && current.isRunning(message);
    }

    /** Deletes finished messages, and only then stops extending their visibility. */
    void delete(List<SqsMessage> done, long receivedAt) {
        VisibilityHeartbeat current = heartbeat;
        if (current != null) {
            current.delete(done, () -> acknowledger.delete(done, receivedAt));
        } else {
            acknowledger.delete(done, receivedAt);
        }
    }

    /** Gives messages back to SQS, visible again after {@code seconds}. */
    void giveBack(List<SqsMessage> messages, int seconds) {
        if (messages.isEmpty()) {
            return;
        }
        VisibilityHeartbeat current = heartbeat;
        if (current != null) {
            current.release(messages, seconds);
        } else {
            acknowledger.changeVisibility(messages, seconds, message -> true);
        }
    }

    /** The heartbeat has stopped: nothing is held in flight any more. */
    void heartbeatStopped() {
        heartbeat = null;
    }
}
