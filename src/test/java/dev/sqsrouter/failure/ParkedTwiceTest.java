package dev.sqsrouter.failure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.List;

import dev.sqsrouter.relay.RelayTestSupport;
import dev.sqsrouter.sqs.SqsMessage;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * Fault: a business failure is parked (its record written) but its delete does not happen (a crash, a receipt handle
 * gone stale), so SQS delivers it again and it is refused again. Promise, through the app as it ships (failure-policy,
 * the failure-channel route, aws2-ddb on DynamoDB Local): one record, the first one, and the second parking succeeds
 * too, so the message is deleted this time instead of being retried for ever.
 */
class ParkedTwiceTest extends RelayTestSupport {

    private static final String REFUSING_ROUTE = "direct:refused-by-the-target";

    @Test
    void aMessageParkedTwiceMakesOneRecordAndBothParkingsSucceed() throws Exception {
        // a flow under the app's failure policy whose target refuses every message
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(REFUSING_ROUTE).routeId("refused-by-the-target").routeConfigurationId(FailurePolicy.ID)
                        .process(exchange -> {
                            throw new BusinessFailureException("response server answered status_code 500", 200,
                                    "{\"status_code\":500,\"attempt\":" + SqsMessage.of(exchange).receiveCount() + "}");
                        });
            }
        });
        Instant firstReceived = Instant.parse("2026-12-01T10:00:00Z");
        String body = "{\"data\":" + loadScriptMessage("p", 1, 500) + "}";
        SqsMessage delivered = new SqsMessage(queue("queue-1"), "message-p-1", "receipt-1", "p", "18000000000000000001", 1,
                firstReceived, firstReceived, body, null);
        SqsMessage deliveredAgain = new SqsMessage(queue("queue-1"), "message-p-1", "receipt-2", "p", "18000000000000000001", 2,
                firstReceived, firstReceived, body, null);

        Exchange first = template.send(REFUSING_ROUTE, exchange -> exchange.setProperty(SqsMessage.PROPERTY, delivered));
        Exchange second = template.send(REFUSING_ROUTE, exchange -> exchange.setProperty(SqsMessage.PROPERTY, deliveredAgain));

        // both handled: the consumer deletes the message; the parking is not a clean success
        assertNull(first.getException());
        assertNull(second.getException(), "recorded already counts as parked");
        assertInstanceOf(BusinessFailureException.class, second.getProperty(Exchange.EXCEPTION_CAUGHT));
        assertFalse(second.isFailed());
        List<FailureRecord> records = failures("queue-1", "p");
        assertEquals(1, records.size(), "one record: " + records);
        assertEquals(1, records.get(0).receiveCount(), "the first parking's record stays");
        assertEquals("{\"status_code\":500,\"attempt\":1}", records.get(0).answer());
        assertEquals(FailureClass.BUSINESS, records.get(0).failureClass());
        assertEquals("message-p-1", records.get(0).idempotencyKey());
    }
}
