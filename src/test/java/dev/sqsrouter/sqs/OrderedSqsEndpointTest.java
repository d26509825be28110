package dev.sqsrouter.sqs;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.UriEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Creating sqs-ordered endpoints: the component found by Camel, its options bound from the URI and checked. */
class OrderedSqsEndpointTest {

    private final CamelContext context = new DefaultCamelContext();

    @AfterEach
    void close() throws Exception {
        context.close();
    }

    /** Creates the endpoint as a route's from: does, without initialising it (which would call SQS). */
    private OrderedSqsEndpoint endpoint(String uri) throws Exception {
        return (OrderedSqsEndpoint) context.getComponent(OrderedSqsComponent.SCHEME).createEndpoint(uri);
    }

    private String refusal(String uri) {
        Exception refused = assertThrows(Exception.class, () -> endpoint(uri));
        StringBuilder messages = new StringBuilder();
        for (Throwable cause = refused; cause != null; cause = cause.getCause()) {
            messages.append(cause.getMessage()).append(" | ");
        }
        return messages.toString();
    }

    @Test
    void camelFindsTheComponentByItsSchemeWithoutABean() {
        assertInstanceOf(OrderedSqsComponent.class, context.getComponent(OrderedSqsComponent.SCHEME));
        assertEquals(OrderedSqsComponent.SCHEME, OrderedSqsEndpoint.class.getAnnotation(UriEndpoint.class).scheme());
    }

    @Test
    void ourOptionsAndAws2SqssAreBoundFromTheUri() throws Exception {
        OrderedSqsEndpoint endpoint = endpoint("sqs-ordered:queue-1.fifo?maxGroupsInFlight=3"
                + "&failedVisibilityTimeout=10&breakerThreshold=4&breakerOpenSeconds=20&retryDelayMs=100&retryMaxDelayMs=900"
                + "&poisonAttempts=0&maxHoldSeconds=600&extendMessageVisibility=false"
                + "&visibilityTimeout=60&waitTimeSeconds=20&concurrentConsumers=2&maxMessagesPerPoll=10");

        OrderedOptions options = endpoint.getOrderedOptions();
        assertEquals(3, options.getMaxGroupsInFlight());
        assertEquals(10, options.getFailedVisibilityTimeout());
        assertEquals(4, options.getBreakerThreshold());
        assertEquals(20, options.getBreakerOpenSeconds());
        assertEquals(100, options.getRetryDelayMs());
        assertEquals(900, options.getRetryMaxDelayMs());
        assertEquals(0, options.getPoisonAttempts());
        assertEquals(600, options.getMaxHoldSeconds());
        assertFalse(options.isExtendMessageVisibility());
        assertEquals("queue-1.fifo", endpoint.getQueueName());
        assertEquals(60, endpoint.getConfiguration().getVisibilityTimeout());
        assertEquals(20, endpoint.getConfiguration().getWaitTimeSeconds());
        assertEquals(2, endpoint.getConfiguration().getConcurrentConsumers());
        assertEquals(10, endpoint.getMaxMessagesPerPoll());
    }

    @Test
    void theHeartbeatIsOnByDefaultAndAws2SqssOwnExtenderStaysOff() throws Exception {
        OrderedSqsEndpoint endpoint = endpoint("sqs-ordered:queue-1.fifo?visibilityTimeout=60");
        assertTrue(endpoint.getOrderedOptions().isExtendMessageVisibility());
        assertFalse(endpoint.getConfiguration().isExtendMessageVisibility(), "its extender would never see our exchanges");

        OrderedSqsEndpoint explicit = endpoint("sqs-ordered:queue-1.fifo?extendMessageVisibility=true");
        assertTrue(explicit.getOrderedOptions().isExtendMessageVisibility());
        assertFalse(explicit.getConfiguration().isExtendMessageVisibility());
    }

    @Test
    void aBadOptionFailsAtEndpointCreationWithWhatToFix() {
        String tooLong = refusal("sqs-ordered:queue-1.fifo?maxHoldSeconds=50000");
        assertTrue(tooLong.contains("sqs-ordered:queue-1.fifo: maxHoldSeconds must be between 0 and 43200"), tooLong);

        String noWorkers = refusal("sqs-ordered:queue-1.fifo?maxGroupsInFlight=0");
        assertTrue(noWorkers.contains("maxGroupsInFlight must be at least 1"), noWorkers);

        String backwards = refusal("sqs-ordered:queue-1.fifo?retryDelayMs=1000&retryMaxDelayMs=500");
        assertTrue(backwards.contains("the maximum not below the first delay"), backwards);

        String negative = refusal("sqs-ordered:queue-1.fifo?poisonAttempts=-1");
        assertTrue(negative.contains("poisonAttempts must not be negative"), negative);

        String notANumber = refusal("sqs-ordered:queue-1.fifo?maxGroupsInFlight=ten");
        assertTrue(notANumber.contains("sqs-ordered:queue-1.fifo: option maxGroupsInFlight cannot be 'ten'"), notANumber);

        String misspelt = refusal("sqs-ordered:queue-1.fifo?groupWorker=3");
        assertTrue(misspelt.contains("groupWorker=3"), misspelt);

        String creates = refusal("sqs-ordered:queue-1.fifo?autoCreateQueue=true");
        assertTrue(creates.contains("run the provision command"), creates);
    }

    @Test
    void aFifoQueueReadWithoutGroupIdsFailsFastWithWhatToFix() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> OrderedSqsEndpoint.requireGroupIds("queue-1.fifo", "ApproximateReceiveCount,SequenceNumber"));
        assertTrue(refused.getMessage().contains("MessageGroupId"), refused.getMessage());
        assertDoesNotThrow(() -> OrderedSqsEndpoint.requireGroupIds("queue-1.fifo", "All"));
        assertDoesNotThrow(() -> OrderedSqsEndpoint.requireGroupIds("queue-1.fifo", "SequenceNumber, MessageGroupId"));
        assertDoesNotThrow(() -> OrderedSqsEndpoint.requireGroupIds("image-audit", "ApproximateReceiveCount"));
    }
}
