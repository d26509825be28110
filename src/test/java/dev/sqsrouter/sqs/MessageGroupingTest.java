package dev.sqsrouter.sqs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.junit.jupiter.api.Test;

/** The grouping step: which messages of a received batch run in order, one after another. */
class MessageGroupingTest {

    private final ReceivedMessages received = new ReceivedMessages();

    private static List<List<String>> ids(List<MessageGroup> groups) {
        return groups.stream().map(group -> group.messages().stream().map(SqsMessage::messageId).toList()).toList();
    }

    @Test
    void fifoMessagesAreGroupedByGroupIdEachGroupInReceiveOrder() {
        List<MessageGroup> groups = new MessageGrouping("orders.fifo").group(List.of(
                received.fifo("a1", "a"), received.fifo("b1", "b"), received.fifo("a2", "a"),
                received.fifo("c1", "c"), received.fifo("b2", "b"), received.fifo("a3", "a")));

        assertEquals(List.of(List.of("a1", "a2", "a3"), List.of("b1", "b2"), List.of("c1")), ids(groups));
        assertEquals(List.of("a", "b", "c"), groups.stream().map(MessageGroup::key).toList());
        assertTrue(groups.get(0).isFifo());
        // the exchanges run in the same order as the messages captured from them
        assertEquals(List.of("a1", "a2", "a3"), groups.get(0).exchanges().stream()
                .map(exchange -> exchange.getMessage().getBody(String.class)).toList());
    }

    @Test
    void onAStandardQueueEachMessageIsAGroupOfItsOwn() {
        List<MessageGroup> groups = new MessageGrouping("image-audit").group(List.of(
                received.standard("m1"), received.standard("m2"), received.standard("m3")));

        assertEquals(List.of(List.of("m1"), List.of("m2"), List.of("m3")), ids(groups));
        assertEquals(List.of("m1", "m2", "m3"), groups.stream().map(MessageGroup::key).toList());
        assertFalse(groups.get(0).isFifo());
    }

    @Test
    void eachExchangeCarriesItsPlaceInTheBatchAndTheMessageCapturedOnce() {
        Exchange first = received.fifo("a1", "a");
        Exchange second = received.fifo("b1", "b");
        new MessageGrouping("orders.fifo").group(List.of(first, second));

        assertEquals(0, first.getProperty(ExchangePropertyKey.BATCH_INDEX));
        assertEquals(1, second.getProperty(ExchangePropertyKey.BATCH_INDEX));
        assertEquals(2, second.getProperty(ExchangePropertyKey.BATCH_SIZE));
        assertEquals(false, first.getProperty(ExchangePropertyKey.BATCH_COMPLETE));
        assertEquals(true, second.getProperty(ExchangePropertyKey.BATCH_COMPLETE));
        SqsMessage message = SqsMessage.of(second);
        assertEquals("orders.fifo", message.queue());
        assertEquals("b", message.groupId());
        assertEquals("receipt-b1", message.receiptHandle());
    }
}
