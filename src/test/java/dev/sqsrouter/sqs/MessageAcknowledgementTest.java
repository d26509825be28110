package dev.sqsrouter.sqs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** What reaches SQS when a consumer's messages are acknowledged, with its heartbeat and without one. */
class MessageAcknowledgementTest {

    private final RecordingSqsClient sqs = new RecordingSqsClient();
    private final ConsumerStats stats = new ConsumerStats();
    private final SqsAcknowledger acknowledger = new SqsAcknowledger(sqs, () -> "https://sqs/q.fifo", "q.fifo", stats);
    /** The heartbeat's extensions, each a call to SQS with the messages still in flight. */
    private final VisibilityHeartbeat heartbeat = new VisibilityHeartbeat(
            (messages, seconds) -> acknowledger.changeVisibility(messages, seconds, message -> true),
            messages -> acknowledger.changeVisibility(messages, 30, message -> true), Runnable::run);

    private static SqsMessage message(String id) {
        return new SqsMessage("q.fifo", id, "receipt-" + id, "g", "1", 1, Instant.EPOCH, Instant.EPOCH, "{}", null);
    }

    @Test
    void withAHeartbeatAMessageStaysInFlightUntilDeletedOrGivenBack() {
        MessageAcknowledgement acknowledgement = new MessageAcknowledgement(acknowledger, heartbeat);
        SqsMessage a = message("a");
        SqsMessage b = message("b");
        SqsMessage c = message("c");
        acknowledgement.received(List.of(a, b, c));
        assertTrue(acknowledgement.holdsInFlight());

        acknowledgement.delete(List.of(a), System.nanoTime());
        acknowledgement.giveBack(List.of(b), 5);
        heartbeat.run();

        assertEquals(List.of("delete a", "visible in 5 s: b", "visible in 30 s: c"), sqs.calls);
        assertFalse(acknowledgement.isInFlight(a));
        assertFalse(acknowledgement.isInFlight(b));
        assertTrue(acknowledgement.isInFlight(c));
        assertEquals(1, stats.deleted());
    }

    @Test
    void withoutAHeartbeatNothingIsHeldAndAGiveBackGoesStraightToSqs() {
        MessageAcknowledgement acknowledgement = new MessageAcknowledgement(acknowledger, null);
        SqsMessage a = message("a");
        acknowledgement.received(List.of(a));

        assertFalse(acknowledgement.holdsInFlight());
        assertFalse(acknowledgement.isInFlight(a));
        acknowledgement.giveBack(List.of(a), 0);
        acknowledgement.giveBack(List.of(), 0);
        assertEquals(List.of("visible in 0 s: a"), sqs.calls);
    }

    @Test
    void onceTheHeartbeatHasStoppedNothingIsHeldAnyMore() {
        MessageAcknowledgement acknowledgement = new MessageAcknowledgement(acknowledger, heartbeat);
        acknowledgement.heartbeatStopped();

        assertFalse(acknowledgement.holdsInFlight());
        acknowledgement.delete(List.of(message("a")), System.nanoTime());
        assertEquals(List.of("delete a"), sqs.calls);
    }
}
