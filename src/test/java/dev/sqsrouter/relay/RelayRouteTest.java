package dev.sqsrouter.relay;

import dev.sqsrouter.sqs.SqsMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

/**
 * A route test of the relay template as a developer writes one: AdviceWith replaces the SQS consumer with a direct
 * endpoint and the response server with a mock, by step id, and checks what the HTTP call would see.
 */
class RelayRouteTest extends RelayTestSupport {

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @Test
    void onlyTheBodyContentTypeAndIdempotencyKeyReachTheResponseServer() throws Exception {
        AdviceWith.adviceWith(context, "relay-queue-1", route -> {
            route.replaceFromWith("direct:relay");
            route.weaveById("post-to-target").replace().to("mock:target");
        });
        context.start();
        MockEndpoint target = getMockEndpoint("mock:target");
        target.expectedBodiesReceived("{\"data\":{\"MessageGroupID\":\"1\"}}");
        target.whenAnyExchangeReceived(e -> e.getMessage().setBody("{\"status_code\":200}"));

        template.send("direct:relay", exchange -> {
            exchange.getMessage().setBody("{\"data\":{\"MessageGroupID\":\"1\"}}");
            exchange.getMessage().setHeaders(Map.of(
                    Exchange.HTTP_URI, "http://elsewhere.invalid/",
                    Exchange.HTTP_METHOD, "GET",
                    "Authorization", "Bearer stolen",
                    // a message attribute of that name is a header too: it must not become the key
                    "Idempotency-Key", "chosen-by-the-sender",
                    "CamelAwsSqsMessageId", "m-1"));
            exchange.setProperty(SqsMessage.PROPERTY, new SqsMessage("q.fifo", "m-1", "r", "1", "1", 1, Instant.now(),
                    Instant.now(), "{\"data\":{\"MessageGroupID\":\"1\"}}", null, "client-key-7"));
        });

        target.assertIsSatisfied();
        Map<String, Object> headers = target.getReceivedExchanges().get(0).getMessage().getHeaders();
        assertEquals(Map.of("Content-Type", "application/json", "Idempotency-Key", "client-key-7"), headers);
        assertFalse(target.getReceivedExchanges().get(0).isFailed());
    }

    @Test
    void aMessageWithoutAKeyOfItsOwnIsCalledWithItsMessageId() throws Exception {
        AdviceWith.adviceWith(context, "relay-queue-1", route -> {
            route.replaceFromWith("direct:relay");
            route.weaveById("post-to-target").replace().to("mock:target");
        });
        context.start();
        MockEndpoint target = getMockEndpoint("mock:target");
        target.expectedMessageCount(1);
        target.whenAnyExchangeReceived(e -> e.getMessage().setBody("{\"status_code\":200}"));

        template.send("direct:relay", exchange -> {
            exchange.getMessage().setBody("{\"data\":{\"MessageGroupID\":\"1\"}}");
            exchange.setProperty(SqsMessage.PROPERTY, new SqsMessage("q.fifo", "m-2", "r", "1", "2", 1, Instant.now(),
                    Instant.now(), "{\"data\":{\"MessageGroupID\":\"1\"}}", null));
        });

        target.assertIsSatisfied();
        assertEquals("m-2", target.getReceivedExchanges().get(0).getMessage().getHeader("Idempotency-Key"));
    }
}
