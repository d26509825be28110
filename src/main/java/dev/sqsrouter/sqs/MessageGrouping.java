package dev.sqsrouter.sqs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;

/**
 * The grouping step: splits a received batch into the {@link MessageGroup}s that run in order. Messages of a FIFO
 * queue are grouped by MessageGroupId, each group in receive order and the groups in the order their first message
 * was received; on a standard queue each message is a group of its own. Each exchange gets its batch properties and
 * the {@link SqsMessage} captured from it, once.
 */
final class MessageGrouping {

    private final String queue;

    MessageGrouping(String queue) {
        this.queue = queue;
    }

    List<MessageGroup> group(List<Exchange> batch) {
        Map<String, List<Exchange>> exchanges = new LinkedHashMap<>();
        Map<String, List<SqsMessage>> messages = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            Exchange exchange = batch.get(i);
            exchange.setProperty(ExchangePropertyKey.BATCH_INDEX, i);
            exchange.setProperty(ExchangePropertyKey.BATCH_SIZE, batch.size());
            exchange.setProperty(ExchangePropertyKey.BATCH_COMPLETE, i == batch.size() - 1);
            SqsMessage message = SqsMessage.capture(exchange, queue);
            exchange.setProperty(SqsMessage.PROPERTY, message);
            exchanges.computeIfAbsent(message.orderingKey(), k -> new ArrayList<>()).add(exchange);
            messages.computeIfAbsent(message.orderingKey(), k -> new ArrayList<>()).add(message);
        }
        List<MessageGroup> groups = new ArrayList<>(exchanges.size());
        exchanges.forEach((key, group) -> groups.add(new MessageGroup(group, messages.get(key))));
        return groups;
    }
}
