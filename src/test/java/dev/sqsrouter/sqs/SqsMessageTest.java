package dev.sqsrouter.sqs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** The idempotency key as the consumer captures it from a received message. */
class SqsMessageTest {

    private static Exchange received(Map<String, MessageAttributeValue> attributes) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(Sqs2Constants.MESSAGE_ID, "m-1");
        exchange.getMessage().setHeader(Sqs2Constants.MESSAGE_ATTRIBUTES, attributes);
        exchange.getMessage().setBody("{}");
        return exchange;
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    @Test
    void theKeyAttributeIsTheKey() {
        SqsMessage message = SqsMessage.capture(received(Map.of(SqsMessage.IDEMPOTENCY_KEY_ATTRIBUTE, text("order-42"))), "q");
        assertEquals("order-42", message.idempotencyKey());
        assertEquals("m-1", message.messageId());
    }

    @Test
    void withoutAKeyAttributeOrWithABlankOneTheMessageIdIsTheKey() {
        assertEquals("m-1", SqsMessage.capture(received(Map.of()), "q").idempotencyKey());
        assertEquals("m-1", SqsMessage.capture(received(null), "q").idempotencyKey());
        assertEquals("m-1", SqsMessage.capture(received(Map.of(SqsMessage.IDEMPOTENCY_KEY_ATTRIBUTE, text(" "))), "q")
                .idempotencyKey());
        // other attributes, whatever their name, are no key
        assertEquals("m-1", SqsMessage.capture(received(Map.of("Idempotency-Key", text("x"))), "q").idempotencyKey());
    }

    @Test
    void aMessageMadeWithoutAKeyHasItsIdAsKey() {
        SqsMessage message = new SqsMessage("q", "m-9", "r", "g", "1", 1, null, null, "{}", null);
        assertEquals("m-9", message.idempotencyKey());
    }
}
