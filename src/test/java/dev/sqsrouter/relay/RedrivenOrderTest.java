package dev.sqsrouter.relay;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import dev.sqsrouter.failure.FailureChannel;
import dev.sqsrouter.failure.FailureClass;
import dev.sqsrouter.failure.FailureRecord;
import dev.sqsrouter.sqs.SqsMessage;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

/**
 * Fault: the head of a group keeps failing until SQS redrives it to the FIFO dead-letter queue, and the next message
 * of the group is then refused (a business failure). Promise: the REDRIVEN record and the BUSINESS record sort by the
 * source queue's sequence, so that the group's failures list, and replay, in the order the messages were sent. (The
 * emulator keeps a redriven message's sequence number; real SQS treats the move as a new enqueue, which this test
 * cannot show: see the README's known limits.)
 */
class RedrivenOrderTest extends RelayTestSupport {

    @Override
    protected void overrideProperties(Properties properties) {
        properties.setProperty("relay.breaker.threshold", "0");
        properties.setProperty("relay.max-receive-count", "2");
        // a failing message goes back to SQS after a second of retries in place
        properties.setProperty("relay.retry.max-hold-seconds", "1");
    }

    @Test
    void aMessageRenumberedByTheDeadLetterQueueIsRecordedUnderItsSourceSequence() throws Exception {
        // as on AWS: the redriven message arrives in the dead-letter queue with a sequence of its own; its first
        // redelivery from the source queue had noted the source sequence under its message id
        context.getRouteController().stopRoute("archive-queue-1");
        String dlqUrl = url(deadLetterQueue("queue-1"));
        var moved = sqs.sendMessage(b -> b.queueUrl(dlqUrl).messageBody("{\"data\":" + loadScriptMessage("n", 1, 200) + "}")
                .messageGroupId("n").messageDeduplicationId("n-1"));
        String sourceSequence = "17";
        // noted as the relay's note-redelivery step notes a message delivered a second time
        SqsMessage redelivered = new SqsMessage(queue("queue-1"), moved.messageId(), "receipt", "n", sourceSequence, 2,
                Instant.now(), Instant.now(), "{}", null);
        Exchange noted = template.send(FailureChannel.NOTE_URI, exchange -> exchange.setProperty(SqsMessage.PROPERTY, redelivered));
        assertNull(noted.getException());
        assertEquals(Optional.of(sourceSequence), failureStore().sourceSequence(queue("queue-1"), moved.messageId()));
        context.getRouteController().startRoute("archive-queue-1");

        await().atMost(30, SECONDS).until(() -> failures("queue-1", "n").size() == 1);
        FailureRecord record = failures("queue-1", "n").get(0);
        assertEquals(FailureClass.REDRIVEN, record.failureClass());
        assertEquals(sourceSequence, record.sequence(), "not the dead-letter queue's " + moved.sequenceNumber());
    }

    @Test
    void redrivenAndRefusedRecordsOfAGroupSortInTheOrderTheyWereSent() {
        target.forceHttpStatusFor("o", 1, 503);
        String url = url(queue("queue-1"));
        var sent = sqs.sendMessage(b -> b.queueUrl(url).messageBody("{\"data\":" + loadScriptMessage("o", 1, 200) + "}")
                .messageGroupId("o").messageDeduplicationId("o-1"));
        String first = sent.sequenceNumber();
        String second = sqs.sendMessage(b -> b.queueUrl(url).messageBody("{\"data\":" + loadScriptMessage("o", 2, 500) + "}")
                .messageGroupId("o").messageDeduplicationId("o-2")).sequenceNumber();

        await().atMost(60, SECONDS).until(() -> failures("queue-1", "o").size() == 2);
        List<FailureRecord> records = failures("queue-1", "o");
        assertEquals(List.of(FailureClass.REDRIVEN, FailureClass.BUSINESS), records.stream().map(FailureRecord::failureClass).toList());
        assertEquals(List.of(first, second), records.stream().map(FailureRecord::sequence).toList(),
                "each record keeps its message's sequence in the source queue");
        // its redelivery noted the source sequence, which the archiver would use had the dead-letter queue renumbered it
        assertEquals(Optional.of(first), failureStore().sourceSequence(queue("queue-1"), sent.messageId()));
    }
}
