package dev.sqsrouter.sqs;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** Exchanges shaped as aws2-sqs's consumer creates them from received messages; the body is the message id. */
final class ReceivedMessages {

    final CamelContext context = new DefaultCamelContext();
    private int sequence;

    /** A FIFO message of {@code group}. */
    Exchange fifo(String id, String group) {
        Map<MessageSystemAttributeName, String> attributes = new HashMap<>();
        attributes.put(MessageSystemAttributeName.MESSAGE_GROUP_ID, group);
        attributes.put(MessageSystemAttributeName.SEQUENCE_NUMBER, Integer.toString(++sequence));
        attributes.put(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1");
        return exchange(id, attributes);
    }

    /** A message of a standard queue. */
    Exchange standard(String id) {
        return exchange(id, Map.of(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1"));
    }

    private Exchange exchange(String id, Map<MessageSystemAttributeName, String> attributes) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody(id);
        exchange.getMessage().setHeader(Sqs2Constants.MESSAGE_ID, id);
        exchange.getMessage().setHeader(Sqs2Constants.RECEIPT_HANDLE, "receipt-" + id);
        exchange.getMessage().setHeader(Sqs2Constants.ATTRIBUTES, attributes);
        return exchange;
    }

    /** The batch grouped as the consumer groups it. */
    static List<MessageGroup> grouped(String queue, Exchange... batch) {
        return new MessageGrouping(queue).group(List.of(batch));
    }
}
